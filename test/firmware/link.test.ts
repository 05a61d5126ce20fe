// The firmware's link rules, tested on the built calorimeter image in the VM with an explicit test
// host (test/firmware/support/test-host.ts) that controls every ACK and RESEND: the host's window,
// RESEND from the ring (same bytes), RESEND_UNAVAILABLE for frames gone, garbage and corrupt frames
// from the host, BUSY when the ring is full of unacknowledged frames, reconnects.
import { frontEndRegisters } from "../../src/config/registers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestHost } from "./support/test-host";
import { eventRecord, frontEndRecords, packInject, Rng } from "../../testkit/fifo-records";
import { readoutEvents } from "./support/readout";
import { caloConfig } from "./golden/configs";
import { JacdacBus, VmBoard } from "../../src/vm/launcher";
import { ensureFirmware, imagePath } from "../../src/firmware/images";
import { encodeFrame } from "../../protocol/frame";
import { configHash } from "../../protocol/config-hash";
import { ctrlValue } from "../../devs/core/config-regs";
import { LogCode, RunAction } from "../../protocol/schema/enums";
import { PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { Reg } from "../../protocol/generated/registers";
import type { ConfigMsg } from "../../protocol/schema/messages";

const BOARD = 5;
let host: TestHost;
let bus: JacdacBus;
let vm: VmBoard;
const config = caloConfig(8) as ConfigMsg;
const hash = configHash(config);

beforeAll(async () => {
  await ensureFirmware(["calorimeter"]);
  bus = await JacdacBus.start();
  host = await TestHost.listen();
  host.autoAck = false;
  vm = new VmBoard({ image: imagePath("calorimeter"), boardId: BOARD, hostPort: host.port, bus });
}, 120_000);

afterAll(async () => {
  await vm?.kill();
  await host?.close();
  await bus?.close();
});

/** Frame bytes as the host received them, to compare a resent frame with the original. */
function bytesOf(seq: number): string {
  const f = host.frames.find((x) => x.seq === seq && x.name !== "ACK");
  return f ? JSON.stringify(f) : "";
}

describe("firmware link rules (calorimeter image in the VM, explicit host)", () => {
  it("speaks first: HELLO is seq 1 and nothing else goes out before the host's first ACK", async () => {
    const hello = await host.next("HELLO", 0);
    expect(hello.seq).toBe(1);
    expect(hello.source).toBe(BOARD);
    // A host frame the board answers with a sequenced frame (LOG NOT_CONFIGURED): the board
    // acknowledges the host frame after it processed it (its answer is numbered by then), but holds
    // the answer back: the host has not opened its window yet.
    host.send("CONFIG_READ", {});
    await host.drained();
    expect(host.frames.filter((f) => f.seq > 1)).toHaveLength(0);
    host.ack(1, 64);
    const log = await host.next("LOG", 0, (f) => f.body.code === LogCode.NOT_CONFIGURED);
    expect(log.seq).toBeGreaterThan(1);
    expect(host.frames.find((f) => f.seq > 1)!.seq).toBe(2);
  });

  it("honours the host's window: at most `window` frames beyond the host's ACK", async () => {
    host.ack(host.lastUpSeq, 1);
    const acked = host.lastUpSeq;
    // Three host frames, each answered with a sequenced LOG: three frames wait for the window.
    for (let i = 0; i < 3; i++) await host.sendInWindow("CONFIG_READ", {});
    await host.drained();
    const beyond = host.frames.filter((f) => f.seq > acked);
    expect(beyond.length).toBeLessThanOrEqual(1);
    host.ack(host.lastUpSeq, 64);
    await host.until(() => host.frames.filter((f) => f.seq > acked).length >= 3, "held frames after the window opens");
  });

  it("applies CONFIG and answers in order; ACKs host frames with its window", async () => {
    host.autoAck = true;
    host.ack(host.lastUpSeq);
    const from = host.frames.length;
    await host.sendInWindow("CONFIG", config);
    const ack = await host.next("CONFIG_ACK", from);
    expect(ack.body.configHash).toBe(hash);
    await host.drained();
    expect(host.boardWindow).toBe(1);
  });

  it("RESEND replays frames from the ring unchanged; frames gone are reported unsequenced", async () => {
    host.autoAck = false;
    const from = host.frames.length;
    await host.sendInWindow("RUN_CONTROL", { action: RunAction.BEGIN_RUN, runNumber: 7, spillNumber: 0, configHash: hash });
    const st = await host.next("STATUS", from, (f) => f.body.runNumber === 7);
    const fe = host.all("FE_WRITE", from).at(-1)!;
    expect(fe.body.regs.value).toEqual([ctrlValue(true, false, true)]);
    // Not acknowledged yet: both are still in the ring.
    const n0 = host.frames.length;
    host.resend(fe.seq, st.seq - fe.seq + 1);
    await host.until(() => host.frames.length >= n0 + (st.seq - fe.seq + 1), "the resent frames");
    const again = host.frames.slice(n0);
    expect(again.map((f) => f.seq)).toEqual(Array.from({ length: st.seq - fe.seq + 1 }, (_, i) => fe.seq + i));
    expect(JSON.stringify(again[0])).toBe(bytesOf(fe.seq));
    // Acknowledged frames leave the ring: asking for them again gets one unsequenced LOG.
    host.ack(st.seq);
    const n1 = host.frames.length;
    host.resend(fe.seq, 2);
    const log = await host.next("LOG", n1, (f) => f.body.code === LogCode.RESEND_UNAVAILABLE);
    expect(log.seq).toBe(0);
    expect(log.body).toMatchObject({ arg0: fe.seq, arg1: 2 });
    // Seqs never used are unavailable too.
    const n2 = host.frames.length;
    host.resend(st.seq + 1000, 3);
    const log2 = await host.next("LOG", n2, (f) => f.body.code === LogCode.RESEND_UNAVAILABLE);
    expect(log2.body).toMatchObject({ arg0: st.seq + 1000, arg1: 3 });
    host.autoAck = true;
    host.ack(host.lastUpSeq);
  });

  it("skips garbage from the host, logs it, and takes the next frame", async () => {
    const from = host.frames.length;
    host.write(Buffer.from([0x00, 0x4e, 0x11, 0xa6, 0x4e, 0x4e, 0x22]));
    host.send("CONFIG_READ", {});
    const back = await host.next("CONFIG", from);
    expect(configHash(back.body)).toBe(hash);
    const log = await host.next("LOG", from, (f) => f.body.code === LogCode.BAD_FRAME);
    expect(log.body.arg1).toBe(1); // FrameFault.GARBAGE
    expect(log.body.arg0).toBe(7); // bytes skipped
  });

  it("drops the connection on a corrupt frame and takes the host's frames again after reconnecting", async () => {
    const connections = host.connections;
    const from = host.frames.length;
    const bad = encodeFrame("CONFIG_READ", {}, { source: 0, seq: 99 });
    bad[12]! ^= 0x01; // the check no longer matches

    host.write(bad);
    await host.until(() => host.connections > connections, "the board to reconnect");
    const hello = await host.next("HELLO", from);
    expect(hello.seq).toBeGreaterThan(1); // same boot: numbering continues
    const log = await host.next("LOG", from, (f) => f.body.code === LogCode.BAD_FRAME && f.body.arg1 === 2);
    expect(log.body.arg0).toBe(99);
    host.send("CONFIG_READ", {});
    await host.next("CONFIG", from);
  });

  it("acknowledges and ignores a sequenced frame of a type it does not take (a newer host): no gap, no reconnect", async () => {
    const connections = host.connections;
    const from = host.frames.length;
    const unknown = host.sendPatched("CONFIG_READ", {}, (f) => {
      f[3] = 0x3e; // a message type this firmware does not know
      f[2] = (PROTO_MAJOR << 4) | (PROTO_MINOR + 1);
    });
    host.send("CONFIG_READ", {});
    const back = await host.next("CONFIG", from);
    expect(configHash(back.body)).toBe(hash);
    const log = await host.next("LOG", from, (f) => f.body.code === LogCode.BAD_FRAME);
    expect(log.body).toMatchObject({ arg0: 0x3e, arg1: 5 }); // FrameFault.TYPE, the type
    await host.drained();
    expect(host.connections).toBe(connections);
    expect(host.all("LOG", from).filter((f) => f.body.code === LogCode.BAD_FRAME && f.body.arg1 === 6)).toHaveLength(0); // no SEQ_GAP
    expect(unknown).toBeGreaterThan(0);
  });

  it("treats a frame whose version byte was corrupted in transit as a corrupt frame (check first)", async () => {
    const connections = host.connections;
    const from = host.frames.length;
    const bad = encodeFrame("CONFIG_READ", {}, { source: 0, seq: 77 });
    bad[2] = 0x70 | (bad[2]! & 0x0f); // another major version, but the check covers it
    host.write(bad);
    await host.until(() => host.connections > connections, "the board to reconnect");
    await host.next("HELLO", from);
    const log = await host.next("LOG", from, (f) => f.body.code === LogCode.BAD_FRAME && f.body.arg0 === 77);
    expect(log.body.arg1).toBe(2); // FrameFault.CHECK, not VERSION
    host.send("CONFIG_READ", {});
    await host.next("CONFIG", from);
  });

  it("raises BUSY when its ring holds only unacknowledged frames, and loses nothing", async () => {
    host.ack(host.lastUpSeq);
    const link0 = host.frames.length;
    await host.sendInWindow("RUN_CONTROL", { action: RunAction.BEGIN_SPILL, runNumber: 7, spillNumber: 1, configHash: hash });
    await host.next("STATUS", link0, (f) => f.body.state === 4);
    // Stop acknowledging: 90 events, each in an INJECT frame of its own and so in a READOUT frame of
    // its own, cannot all fit the 64-frame ring.
    host.autoAck = false;
    const acked = host.lastUpSeq;
    host.ack(acked, 1000);
    const rng = new Rng(5);
    const events = Array.from({ length: 90 }, (_, i) => eventRecord(1000 + i, 32, [{ ch: 0, pulses: [{ amplitudeAdc: 300, peakSample: 14 }] }], rng));
    const from = host.frames.length;
    const records = frontEndRecords(frontEndRegisters(config), events);
    const payloads = records.flatMap((r) => packInject([r]));
    expect(payloads).toHaveLength(90);
    let sent = 0;
    // Host frames still flow (within the board's window) while it is busy.
    const feeding = (async () => {
      for (const p of payloads) {
        await host.sendInWindow("INJECT", { records: p }, 60_000);
        sent++;
      }
    })();
    const busy = await host.next("FE_WRITE", from, (f) => f.body.regs.addr[0] === Reg.CTRL && (f.body.regs.value[0]! & 2) !== 0);
    expect(busy.body.regs.value[0]).toBe(ctrlValue(true, true, true));
    const busyLog = await host.next("LOG", from, (f) => f.body.code === LogCode.BUSY && f.body.arg0 === 1);
    expect(busyLog.body.arg1).toBeGreaterThan(50);
    // Busy, the board reads no FIFO record. Acknowledging 3 frames makes room for its heartbeat but
    // not enough to end BUSY (half the ring): over two heartbeats (a second of the board's time) no
    // event came, and each STATUS says it is busy.
    const s0 = host.frames.length;
    host.ack(acked + 3, 1000);
    await host.next("STATUS", s0);
    const whileBusy = readoutEvents(host.all("READOUT", from)).length;
    expect(whileBusy).toBeLessThan(90);
    const s1 = host.frames.length;
    const st = await host.next("STATUS", s1);
    expect(st.body.busy).toBe(1);
    expect(readoutEvents(host.all("READOUT", from)).length).toBe(whileBusy); // stopped reading
    // The host catches up: the board empties its ring, clears BUSY and finishes.
    host.autoAck = true;
    host.ack(host.lastUpSeq);
    await host.next("FE_WRITE", host.frames.indexOf(busy) + 1, (f) => f.body.regs.addr[0] === Reg.CTRL && (f.body.regs.value[0]! & 2) === 0);
    await feeding;
    await host.until(() => readoutEvents(host.all("READOUT", from)).length >= 90, "all 90 events");
    const triggers = readoutEvents(host.all("READOUT", from)).map((e) => e.body.triggerNumber);
    expect(triggers).toEqual(events.map((e) => e.triggerNumber));
    expect(sent).toBe(payloads.length);
    expect(host.errors).toEqual([]);
  }, 90_000);
});
