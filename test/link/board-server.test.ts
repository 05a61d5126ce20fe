// The host side of the link rules (protocol/README.md) against a software board with injected
// faults: every frame arrives exactly once and in order, or its loss is counted and explained.
import { afterEach, describe, expect, it } from "vitest";
import { BoardServer } from "../../src/link/board-server";
import type { BoardLink } from "../../src/link/board-link";
import { BoardRestartedError, ConfigRejectedError, PayloadTooLargeError, RunRefusedError, VersionMismatchError } from "../../src/link/errors";
import { SoftwareBoard } from "../support/software-board";
import { collect, status, until } from "../support/link-helpers";
import { configHash } from "../../protocol/config-hash";
import type { Frame } from "../../protocol/frame";
import type { ConfigMsg } from "../../protocol/schema/messages";
import { NackReason, RunAction } from "../../protocol/schema/enums";
import { CONFIG_FIELDS } from "../../protocol/codecs";
import { UnknownTypeError } from "../../protocol/errors";
import { PROTO_MINOR } from "../../protocol/schema/limits";

let server: BoardServer;
let boards: SoftwareBoard[] = [];

async function start(opts: ConstructorParameters<typeof BoardServer>[0] = {}) {
  server = new BoardServer({ port: 0, resendTimeoutMs: 30, resendAttempts: 3, ackEveryMs: 5, ...opts });
  const addr = await server.listen();
  return addr.port;
}

async function board(port: number, opts: Partial<ConstructorParameters<typeof SoftwareBoard>[0]> = {}) {
  const b = new SoftwareBoard({ boardId: 7, port, ...opts });
  boards.push(b);
  await b.connect();
  await server.waitForBoards([b.opts.boardId], 2000);
  return b;
}

function config(version: number, threshold = 10): ConfigMsg {
  const n = 4;
  const col = (v: number) => new Array(n).fill(v);
  return {
    configVersion: version, role: 2, flags: 1, windowSamples: 32, pedestalSamples: 4, signalStartSample: 4, signalEndSample: 28,
    pileupRiseAdc: 20, triggerEnableMask: 0, coincMask: 0, coincWindowTicks: 0, vetoMask: 0, vetoWindowTicks: 0, psMinSumAdc: 0,
    ecalMaxSumAdc: 0, prescaleBeam: 0, prescaleRandom: 0, prescaleCalib: 0, randomPeriodTicks: 0, calibPeriodTicks: 0, deadTimeTicks: 0,
    coincMinCounters: 0,
    channels: { n, thresholdAdc: col(threshold), pedestalQ4: col(0), timeExpectedQ8: col(3584), timeHalfWindowQ8: col(512), vetoThresholdAdc: col(0), energyEvPerAdc: col(25_000_000), chanFlags: col(9) },
  };
}

afterEach(async () => {
  for (const b of boards) b.disconnect();
  boards = [];
  await server?.close();
});

describe("board server: handshake and in-order delivery", () => {
  it("accepts HELLO, acknowledges it and delivers frames in order exactly once", async () => {
    const port = await start();
    const b = await board(port);
    const link = server.link(7)!;
    expect(link.hello?.channelCount).toBe(4);
    const got = collect(link);
    for (let i = 0; i < 50; i++) b.sendSequenced("STATUS", status(i));
    await until(() => got.length === 50, "50 frames");
    expect(got.map((f) => f.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    await until(() => b.ringOldest === b.nextSeq, "host ACK to empty the ring");
    expect(link.up.stats).toMatchObject({ delivered: 51, duplicates: 0, lostExplained: 0, lostUnexplained: 0 });
  });

  it("recovers a frame lost on the wire with RESEND", async () => {
    const port = await start();
    const b = await board(port);
    const got = collect(server.link(7)!);
    b.sendSequenced("STATUS", status(1));
    b.dropFrames(3);
    for (let i = 2; i <= 6; i++) b.sendSequenced("STATUS", status(i));
    await until(() => got.length === 6, "6 frames");
    expect(got.map((f) => (f.name === "STATUS" ? f.body.spillNumber : -1))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.link(7)!.stats.resendRequests).toBeGreaterThanOrEqual(1);
  });

  it("recovers a corrupted frame: the check rejects it and RESEND replaces it", async () => {
    const port = await start();
    const b = await board(port);
    const errors: Error[] = [];
    server.on("protocol-error", (e) => errors.push(e));
    const got = collect(server.link(7)!);
    b.corruptFrames(1);
    b.sendSequenced("STATUS", status(1));
    b.sendSequenced("STATUS", status(2));
    await until(() => got.length === 2, "2 frames");
    expect(got.map((f) => f.seq)).toEqual([2, 3]);
    expect(errors.map((e) => (e as { code?: string }).code)).toContain("CHECK_MISMATCH");
  });

  it("resynchronises after garbage between frames", async () => {
    const port = await start();
    const b = await board(port);
    const got = collect(server.link(7)!);
    b.sendSequenced("STATUS", status(1));
    b.writeRaw(Buffer.from("line noise \x4e\x00\xa6 more noise"));
    b.sendSequenced("STATUS", status(2));
    await until(() => got.length === 2, "2 frames");
    expect(server.errorCounts.BAD_MAGIC).toBeGreaterThanOrEqual(1);
  });
});

describe("board server: reconnects and restarts", () => {
  it("gets frames sent into a dead connection back from the ring after reconnect", async () => {
    const port = await start();
    const b = await board(port);
    const link = server.link(7)!;
    const got = collect(link);
    b.sendSequenced("STATUS", status(1));
    await until(() => got.length === 1, "first frame");
    b.disconnect();
    for (let i = 2; i <= 5; i++) b.sendSequenced("STATUS", status(i));
    const hellos: boolean[] = [];
    server.on("hello", (_l, info) => hellos.push(info.reconnect));
    await b.connect();
    await until(() => got.length === 6, "4 resent frames + new HELLO");
    expect(got.map((f) => f.name)).toEqual(["STATUS", "STATUS", "STATUS", "STATUS", "STATUS", "HELLO"]);
    expect(hellos).toEqual([true]);
    expect(link.up.stats.lostExplained + link.up.stats.lostUnexplained).toBe(0);
  });

  it("skips frames the board no longer has, explained by RESEND_UNAVAILABLE", async () => {
    const port = await start();
    const b = await board(port, { ringFrames: 2 });
    const link = server.link(7)!;
    const got = collect(link);
    b.dropFrames(5);
    for (let i = 1; i <= 5; i++) b.sendSequenced("STATUS", status(i));
    b.sendSequenced("STATUS", status(6));
    await until(() => got.some((f) => f.name === "STATUS" && f.body.spillNumber === 6), "frame after the gap");
    expect(link.up.stats.lostExplained).toBe(4);
    expect(link.up.stats.lostUnexplained).toBe(0);
    expect(got.filter((f) => f.name === "STATUS").map((f) => (f as Extract<Frame, { name: "STATUS" }>).body.spillNumber)).toEqual([5, 6]);
  });

  it("records an unanswered gap as unexplained after the RESEND attempts", async () => {
    const port = await start();
    const b = await board(port, { answerResend: false });
    const link = server.link(7)!;
    const got = collect(link);
    b.dropFrames(2);
    for (let i = 1; i <= 3; i++) b.sendSequenced("STATUS", status(i));
    await until(() => got.length === 1, "frame after the gap", 2000);
    expect(link.up.stats.lostUnexplained).toBe(2);
    expect(link.stats.resendRequests).toBe(3);
  });

  it("detects a restart by its boot count and restarts the sequence", async () => {
    const port = await start();
    const b = await board(port);
    const link = server.link(7)!;
    const got = collect(link);
    b.sendSequenced("STATUS", status(1));
    await until(() => got.length === 1, "first frame");
    b.dropFrames(2);
    b.sendSequenced("STATUS", status(2));
    b.sendSequenced("STATUS", status(3));
    b.reboot();
    const infos: { restarted: boolean }[] = [];
    server.on("hello", (_l, info) => infos.push(info));
    await b.connect();
    b.sendSequenced("STATUS", status(4));
    await until(() => got.length === 3, "HELLO and frame after restart");
    expect(infos[0]!.restarted).toBe(true);
    expect(link.stats.reboots).toBe(1);
    expect(got.slice(1).map((f) => f.seq)).toEqual([1, 2]);
  });
});

describe("board server: a message type from a newer minor version", () => {
  const NEW_TYPE = 0x30;
  const spills = (got: Frame[]) => got.filter((f) => f.name === "STATUS").map((f) => (f as Extract<Frame, { name: "STATUS" }>).body.spillNumber);
  const resends = (b: SoftwareBoard) => b.control.filter((f) => f.name === "RESEND").length;
  /** A connected board 7, its link, the frames delivered from now on and the errors reported. */
  async function connected() {
    const b = await board(await start());
    const link = server.link(7)!;
    const errors: Error[] = [];
    server.on("protocol-error", (e) => errors.push(e));
    return { b, link, errors, got: collect(link) };
  }

  it("is received and ignored: its seq is acknowledged, no RESEND, no gap, reported once", async () => {
    const { b, link, errors, got } = await connected();
    b.sendSequenced("STATUS", status(1));
    expect(b.sendUnknownType(NEW_TYPE, Uint8Array.from([1, 2, 3, 4]))).toBe(3);
    b.sendSequenced("STATUS", status(2));
    await until(() => got.length === 2, "the frames around it");
    // A gap would have been asked for at once, before the ACK that covers every seq.
    await until(() => b.ringOldest === b.nextSeq, "host ACK of every seq");
    expect(spills(got)).toEqual([1, 2]);
    expect(resends(b)).toBe(0);
    expect(link.stats.resendRequests).toBe(0);
    expect(link.up.stats).toMatchObject({ delivered: 3, ignored: 1, duplicates: 0, lostExplained: 0, lostUnexplained: 0 });
    expect(errors.map((e) => e.message)).toEqual([`unknown type 0x30 from board 7, ignored (seq 3, frame minor version ${PROTO_MINOR + 1})`]);
    expect(errors[0]).toBeInstanceOf(UnknownTypeError);
    expect(server.errorCounts).toEqual({ UNKNOWN_TYPE: 1 });
  });

  it("as the last frame sent, its seq alone is acknowledged", async () => {
    const { b, link } = await connected();
    b.sendSequenced("STATUS", status(1));
    b.sendUnknownType(NEW_TYPE, new Uint8Array(0));
    // A gap would have been asked for at once, before the ACK of seq 3.
    await until(() => b.ringOldest === b.nextSeq, "host ACK of seq 3");
    expect(link.up.lastInOrder).toBe(3);
    expect(resends(b)).toBe(0);
  });

  it("behind a lost frame, it fills its seq: RESEND asks for the lost frame only and delivery resumes in order", async () => {
    const { b, link, errors, got } = await connected();
    b.dropFrames(1);
    b.sendSequenced("STATUS", status(1)); // seq 2, lost on the wire
    b.sendUnknownType(NEW_TYPE, Uint8Array.from([9])); // seq 3
    b.sendSequenced("STATUS", status(2)); // seq 4
    await until(() => got.length === 2, "the lost frame and the one after");
    await until(() => b.ringOldest === b.nextSeq, "host ACK of every seq");
    expect(spills(got)).toEqual([1, 2]);
    const asked = b.control.filter((f) => f.name === "RESEND").map((f) => (f as Extract<Frame, { name: "RESEND" }>).body);
    expect(asked[0]).toEqual({ fromSeq: 2, count: 1 });
    expect(link.up.stats).toMatchObject({ ignored: 1, lostExplained: 0, lostUnexplained: 0 });
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(["UNKNOWN_TYPE"]);
  });
});

describe("board server: sending to the board", () => {
  it("never has more unacknowledged frames in flight than the board's window", async () => {
    const port = await start();
    const b = await board(port, { autoAck: false, rxWindowFrames: 2 });
    const link = server.link(7)!;
    for (let i = 0; i < 7; i++) link.send("RESEND", { fromSeq: i, count: 1 });
    await until(() => b.received.length === 2, "the first 2 frames");
    // A third frame, had it been sent, would be on the wire before the host's ACK of this STATUS.
    const acks = () => b.control.filter((f) => f.name === "ACK").length;
    const before = acks();
    b.sendSequenced("STATUS", status(1));
    await until(() => acks() > before, "the host's ACK of a board frame");
    expect(b.received.length).toBe(2);
    while (b.received.length < 7) {
      const n = b.received.length;
      b.ackHost();
      await until(() => b.received.length > n, "frames the ACK lets through");
    }
    expect(b.maxUnackedSeen).toBeLessThanOrEqual(2);
    expect(b.received.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("sends unacknowledged frames again after a reconnect, with new seqs", async () => {
    const port = await start();
    const b = await board(port, { autoAck: false, rxWindowFrames: 8 });
    const link = server.link(7)!;
    link.send("CONFIG_READ", {});
    link.send("CONFIG_READ", {});
    await until(() => b.received.length === 2, "2 frames");
    b.disconnect();
    await until(() => !link.connected, "the host to see the disconnect");
    await b.connect();
    await until(() => b.received.length === 4, "2 frames again");
    expect(b.received.map((f) => f.seq)).toEqual([1, 2, 1, 2]);
    expect(link.down.resent).toBe(2);
  });

  it("does not replay frames meant for a board's previous boot, and fails requests waiting on it", async () => {
    const port = await start();
    const b = await board(port, { autoAck: false, rxWindowFrames: 8 });
    const link = server.link(7)!;
    link.send("CONFIG_READ", {});
    const pending = link.readConfig(5000);
    await until(() => b.received.length === 2, "2 frames");
    b.reboot();
    await b.connect();
    const err = await pending.catch((e) => e);
    expect(err).toBeInstanceOf(BoardRestartedError);
    expect(err.message).toBe("board 7: restarted (boot 2) while the host waited for CONFIG read-back");
    expect(link.stats.framesDiscarded).toBe(2);
    // A frame for the new boot: the only one after the restart (a replay would come before it).
    link.send("INJECT", { records: new Uint8Array([1, 2, 3]) });
    await until(() => b.received.some((f) => f.name === "INJECT"), "a new frame after the restart");
    expect(b.received.slice(2).map((f) => [f.name, f.seq])).toEqual([["INJECT", 1]]);
  });

  it("refuses a frame larger than the board accepts, naming the sizes", async () => {
    const port = await start();
    await board(port, { maxPayloadBytes: 100 });
    const link = server.link(7)!;
    expect(() => link.send("INJECT", { records: new Uint8Array(200) })).toThrowError(PayloadTooLargeError);
    expect(() => link.send("INJECT", { records: new Uint8Array(200) })).toThrowError(/INJECT payload of 202 bytes exceeds the board's limit of 100/);
  });
});

describe("board server: configuration and run control", () => {
  it("pushes a config, gets its hash back, reads it back identical, begins a run", async () => {
    const port = await start();
    await board(port);
    const link = server.link(7)!;
    const c = config(3);
    const ack = await link.configure(c);
    expect(ack.configHash).toBe(configHash(c));
    expect(await link.readConfig()).toEqual(c);
    const st = await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 12, spillNumber: 0, configHash: ack.configHash });
    expect(st.runNumber).toBe(12);
  });

  it("turns a NACK into a typed error naming the field, channel and value", async () => {
    const port = await start();
    const fieldId = CONFIG_FIELDS.indexOf("channels.thresholdAdc");
    await board(port, {
      rejectConfig: (c) => (c.channels.thresholdAdc[2]! > 4095 ? { reason: NackReason.OUT_OF_RANGE, fieldId, index: 2, value: c.channels.thresholdAdc[2]! } : undefined),
    });
    const c = config(4, 5000);
    const err = await server.link(7)!.configure(c).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigRejectedError);
    expect(err.message).toBe("board 7: CONFIG 4 rejected: value out of range: channels.thresholdAdc[2] = 5000");
    expect(err.field).toBe("channels.thresholdAdc");
  });

  it("reports a refused BEGIN_RUN (config hash differs)", async () => {
    const port = await start();
    await board(port);
    const link = server.link(7)!;
    await link.configure(config(5));
    const err = await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 1, spillNumber: 0, configHash: 1234 }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefusedError);
    expect(err.message).toMatch(/config hash differs/);
  });

  it("closes a connection that speaks another major version, with a clear error", async () => {
    const port = await start();
    const errors: Error[] = [];
    server.on("protocol-error", (e) => errors.push(e));
    const b = new SoftwareBoard({ boardId: 9, port, major: 2 });
    boards.push(b);
    await b.connect();
    await until(() => errors.some((e) => e instanceof VersionMismatchError), "version error");
    const e = errors.find((x) => x instanceof VersionMismatchError)!;
    expect(e.message).toMatch(new RegExp(`speaks protocol 2\\.${PROTO_MINOR}, this host speaks 1\\.${PROTO_MINOR}: connection closed`));
    expect(server.link(9)).toBeUndefined();
  });
});
