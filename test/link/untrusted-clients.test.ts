// What any process that can reach the board server may send, over real sockets: no input on one
// connection takes down the host or disturbs another board's link (issue 11).
import { afterEach, describe, expect, it } from "vitest";
import { BoardServer, type BoardServerOptions } from "../../src/link/board-server";
import { LogCode, LogLevel, MsgType } from "../../protocol/schema/enums";
import { encodeFrame } from "../../protocol/frame";
import { ClaimedBoardError, ForeignSourceError, FrameBeforeHelloError, IdleConnectionError, UnknownBoardError } from "../../src/link/errors";
import { ManualClock } from "../support/manual-clock";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../../boards/setup";
import { loadPreset } from "../../src/presets/load";
import { convertPreset } from "../../src/config/convert";
import { DaqError, RunSession } from "../../src/daq/session";
import { SoftwareBoard } from "../support/software-board";
import { RawClient } from "../support/raw-client";
import { collect, status, until } from "../support/link-helpers";

let server: BoardServer;
let boards: SoftwareBoard[] = [];
let clients: RawClient[] = [];

async function start(opts: Partial<BoardServerOptions> = {}): Promise<number> {
  server = new BoardServer({ port: 0, resendTimeoutMs: 30, resendAttempts: 3, ackEveryMs: 5, ...opts });
  return (await server.listen()).port;
}

async function board(port: number, boardId = 7): Promise<SoftwareBoard> {
  const b = new SoftwareBoard({ boardId, port });
  boards.push(b);
  await b.connect();
  await until(() => server.link(boardId)?.connected === true, `HELLO of board ${boardId}`);
  return b;
}

/** Every error the server reports, with where it came from. */
function errorsSeen(): Array<{ error: Error; boardId: number | undefined; remote: string }> {
  const out: Array<{ error: Error; boardId: number | undefined; remote: string }> = [];
  server.on("protocol-error", (error, src) => out.push({ error, ...src }));
  return out;
}

async function client(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

const event = (trigger: number) => ({
  spillNumber: 1, triggerNumber: trigger, timestampTicks: trigger, configHash: 0, triggerType: 1, eventFlags: 0, energySumKeV: 0,
  hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] },
});

afterEach(async () => {
  for (const b of boards) b.disconnect();
  for (const c of clients) c.close();
  boards = [];
  clients = [];
  await server?.close();
});

describe("no input on one connection takes down the host or another board's link", () => {
  it("a RESEND_UNAVAILABLE claiming frames the host holds skips only the real gap (issue 11, defect 1)", async () => {
    const port = await start();
    const good = await board(port);
    const goodFrames = collect(server.link(7)!);
    const rogue = await client(port);
    rogue.hello(99, 1);
    await until(() => server.link(99)?.connected === true, "HELLO of board 99");
    const link = server.link(99)!;
    const got = collect(link);
    rogue.send("EVENT", event(1), 99, 3); // seq 2 never sent: a gap
    rogue.send("LOG", { level: LogLevel.WARN, code: LogCode.RESEND_UNAVAILABLE, arg0: 2, arg1: 10, text: "" }, 99, 0);
    await until(() => got.length === 1, "the EVENT after the explained gap");
    expect(link.up.stats).toMatchObject({ lostExplained: 1, lostUnexplained: 0, delivered: 2 });
    expect(link.up.lastInOrder).toBe(3);
    // Later frames of that board still arrive, and so do every other board's.
    rogue.send("EVENT", event(2), 99, 4);
    for (let i = 1; i <= 5; i++) good.sendSequenced("STATUS", status(i));
    await until(() => got.length === 2 && goodFrames.length === 5, "frames after it on both links");
    expect(server.link(7)!.up.stats).toMatchObject({ lostExplained: 0, lostUnexplained: 0, duplicates: 0 });
  });
});

describe("a connection speaks for the board of its HELLO only (issue 11, defect 2)", () => {
  it("frames claiming another source are dropped, reported with the address, and close the connection", async () => {
    const port = await start();
    const real = await board(port, 3);
    const errors = errorsSeen();
    const delivered: Array<{ board: number; name: string }> = [];
    server.on("frame", (link, f) => delivered.push({ board: link.boardId, name: f.name }));
    const rogue = await client(port);
    rogue.hello(99, 1);
    await until(() => server.link(99)?.connected === true, "HELLO of board 99");
    rogue.send("EVENT", event(1), 3, 2); // as board 3
    rogue.send("SCALERS", { runNumber: 1, spillNumber: 1, spillTicks: 1, deadTicks: 0, beamCoincidences: 0, rawTriggers: [0, 0, 0, 0], acceptedTriggers: [0, 0, 0, 0], inhibitedBusy: 0, inhibitedDead: 0, fifoRecords: 0, fifoMaxDepth: 0, eventsSent: 0, hitsSent: 0, framesResent: 0, busyTicks: 0, channels: { n: 0, channel: [], hits: [] } }, 3, 3);
    await rogue.closed;
    const foreign = errors.filter((e) => e.error instanceof ForeignSourceError);
    expect(foreign).toHaveLength(1);
    expect(foreign[0]!.error.message).toBe(`board 99 at 127.0.0.1:${rogue.localPort}: sent EVENT (seq 2) as board 3: dropped, connection closed (a connection speaks for the board of its HELLO only)`);
    expect(foreign[0]!.boardId).toBe(99);
    // Nothing reached the listeners but board 99's HELLO; board 3's link is untouched.
    expect(delivered.filter((d) => d.name !== "HELLO")).toEqual([]);
    const got = collect(server.link(3)!);
    real.sendSequenced("STATUS", status(1));
    await until(() => got.length === 1, "board 3's own frame");
    expect(server.link(3)!.up.stats).toMatchObject({ delivered: 2, duplicates: 0, lostExplained: 0, lostUnexplained: 0 });
    expect(server.errorsOf([3])).toEqual({});
    expect(server.errorsOf([99])).toEqual({ FOREIGN_SOURCE: 1 });
  });

  it("a frame before HELLO closes the connection and counts for no board", async () => {
    const port = await start();
    const errors = errorsSeen();
    const rogue = await client(port);
    rogue.send("EVENT", event(1), 3, 5);
    await rogue.closed;
    expect(errors.map((e) => e.error)).toEqual([expect.any(FrameBeforeHelloError)]);
    expect(errors[0]!.error.message).toBe(`client at 127.0.0.1:${rogue.localPort}: sent EVENT (seq 5, source 3) before HELLO: dropped, connection closed`);
    expect(server.strangerErrors).toEqual({ BEFORE_HELLO: 1 });
    expect(server.links.size).toBe(0);
  });
});

describe("claiming a live board's id does not hijack its link (issue 11, defect 3)", () => {
  for (const bootCount of [1, 2]) {
    it(`a second HELLO for a connected board is refused, naming both addresses (boot count ${bootCount === 1 ? "the same" : "new"})`, async () => {
      const port = await start();
      const real = await board(port, 3);
      const link = server.link(3)!;
      const realRemote = link.remote;
      const errors = errorsSeen();
      const rogue = await client(port);
      rogue.hello(3, 50, { bootCount });
      await rogue.closed;
      expect(errors.map((e) => e.error)).toEqual([expect.any(ClaimedBoardError)]);
      expect(errors[0]!.error.message).toBe(`client at 127.0.0.1:${rogue.localPort}: said HELLO as board 3, which is connected at ${realRemote}: refused (the established link keeps its board)`);
      expect(server.errorsOf([3])).toEqual({});
      // The board keeps its link: the host's frames go to it, its frames arrive, nothing is lost.
      expect(link.remote).toBe(realRemote);
      expect(link.stats).toMatchObject({ connects: 1, reboots: 0 });
      link.send("CONFIG_READ", {});
      await until(() => real.received.length === 1, "the host's frame at the real board");
      expect(rogue.received.filter((f) => f.seq !== 0)).toEqual([]);
      const got = collect(link);
      real.sendSequenced("STATUS", status(1));
      await until(() => got.length === 1, "the board's frame");
      expect(link.up.stats).toMatchObject({ lostExplained: 0, lostUnexplained: 0, lostInReboot: 0 });
    });
  }

  it("a board id outside the host's boards is refused, also when it says HELLO again with another boot count", async () => {
    const port = await start({ boards: [1, 2, 3] });
    const errors = errorsSeen();
    for (const bootCount of [1, 2]) {
      const rogue = await client(port);
      rogue.hello(99, 1, { bootCount });
      await rogue.closed;
    }
    expect(errors.map((e) => e.error)).toEqual([expect.any(UnknownBoardError), expect.any(UnknownBoardError)]);
    expect(errors[0]!.error.message).toMatch(/^client at 127\.0\.0\.1:\d+: said HELLO as board 99, which is not one of this host's boards \(1, 2, 3\): refused$/);
    expect(server.links.size).toBe(0);
  });
});

describe("slow, silent and unfinished connections (issue 11, defect 4; the server's clock is the test's)", () => {
  /** A HELLO-ed board 5 on a server whose timeouts run on `clock`. */
  async function slowSetup() {
    const clock = new ManualClock();
    const port = await start({ clock, helloTimeoutMs: 5000, idleTimeoutMs: 30_000 });
    const errors = errorsSeen();
    const c = await client(port);
    c.hello(5, 1);
    await until(() => server.link(5)?.connected === true, "HELLO of board 5");
    return { clock, errors, c, port, link: server.link(5)! };
  }

  it("waits for a frame that pauses in the middle (TCP delivers in order): the frame arrives whole", async () => {
    const { clock, errors, c, link } = await slowSetup();
    const got = collect(link);
    const f = encodeFrame("STATUS", status(1), { source: 5, seq: 2 });
    const before = link.stats.bytesIn;
    c.write(f.subarray(0, 20));
    await until(() => link.stats.bytesIn === before + 20, "the first 20 bytes at the host");
    clock.advance(29_000); // far longer than any timer of the old reader (250 ms)
    c.write(f.subarray(20));
    await until(() => got.length === 1, "the frame");
    expect(got[0]!.type).toBe(MsgType.STATUS);
    expect(errors).toEqual([]);
    expect(link.connected).toBe(true);
  });

  it("closes a connection that never says HELLO after helloTimeoutMs, counting it for no board", async () => {
    const clock = new ManualClock();
    const port = await start({ clock, helloTimeoutMs: 5000 });
    const errors = errorsSeen();
    const c = await client(port);
    c.write(Buffer.from([0x4e])); // one byte, then nothing
    await until(() => clock.pending > 0, "the server to watch the connection");
    clock.advance(4999);
    expect(c.socket.destroyed).toBe(false);
    clock.advance(1);
    await c.closed;
    expect(errors.map((e) => e.error.message)).toEqual([`client at 127.0.0.1:${c.localPort}: no HELLO within 5000 ms: connection closed`]);
    expect(errors[0]!.error).toBeInstanceOf(IdleConnectionError);
    expect(server.strangerErrors).toMatchObject({ IDLE: 1 });
  });

  it("closes a board's connection that trickles one byte a second into a frame after idleTimeoutMs", async () => {
    const { clock, errors, c, link } = await slowSetup();
    const f = encodeFrame("STATUS", status(1), { source: 5, seq: 2 });
    for (let i = 0; i < 30; i++) {
      const before = link.stats.bytesIn;
      c.write(f.subarray(i, i + 1));
      await until(() => link.stats.bytesIn === before + 1, `byte ${i + 1} at the host`);
      clock.advance(1000);
    }
    await c.closed;
    expect(errors.map((e) => e.error.message)).toEqual([`board 5 at 127.0.0.1:${c.localPort}: a frame started more than 30000 ms ago is still unfinished: connection closed`]);
    expect(link.connected).toBe(false);
  });

  it("closes a board's connection that sends nothing for idleTimeoutMs; the board may come back", async () => {
    const { clock, errors, c, port, link } = await slowSetup();
    clock.advance(29_999);
    expect(link.connected).toBe(true);
    clock.advance(1);
    await c.closed;
    expect(errors.map((e) => e.error.message)).toEqual([`board 5 at 127.0.0.1:${c.localPort}: nothing received for 30000 ms: connection closed`]);
    const again = await client(port);
    again.hello(5, 2);
    await until(() => link.connected, "the board's reconnect");
    expect(link.stats.connects).toBe(2);
  });
});

describe("memory before the run file opens is bounded (issue 11, defect 6)", () => {
  it("a board that floods before the run file opens has its input paused and the run refused, naming it", async () => {
    const setup = loadSetup();
    const preset = loadPreset("e+70");
    const session = new RunSession(setup, preset, convertPreset(preset.name, preset.preset, setup), {
      port: 0,
      timeoutMs: 5000,
      outDir: mkdtempSync(join(tmpdir(), "na64-early-")),
      maxEarlyBytesPerBoard: 64 * 1024,
    });
    try {
      const port = (await session.listen()).port;
      const trig = setup.boards[0]!;
      const c = await client(port);
      c.hello(trig.id, 1);
      let seq = 2;
      const burst = () => Buffer.concat(Array.from({ length: 200 }, () => encodeFrame("STATUS", status(1), { source: trig.id, seq: seq++ })));
      for (let i = 0; i < 40; i++) c.write(burst()); // 40 x 200 x 46 B = 368 KB
      const err = await session.waitForBoards(10_000).catch((e: Error) => e);
      expect(err).toBeInstanceOf(DaqError);
      expect((err as Error).message).toMatch(
        new RegExp(`^before the run file opened: board ${trig.id} \\(${trig.name}\\) at 127\\.0\\.0\\.1:${c.localPort} sent \\d+ bytes of frames, more than the 65536 kept per board until the run file opens: its input is paused and the run refused$`),
      );
      // The host stopped reading: what it keeps is the bound plus at most what one read brought.
      expect(session.earlyBytesKept).toBeGreaterThanOrEqual(64 * 1024);
      expect(session.earlyBytesKept).toBeLessThan(64 * 1024 + 70 * 1024);
      expect(session.server.link(trig.id)!.inputPaused).toBe(true);
    } finally {
      await session.close();
    }
  });
});

describe("a stalled board is named with how long it has been late (issue 11, defect 10)", () => {
  it("a board that does not acknowledge the host's frames is late from the first unacknowledged one; its ACK ends the episode", async () => {
    const clock = new ManualClock();
    const port = await start({ clock, lateAfterMs: 1000, idleTimeoutMs: 60_000 });
    const b = new SoftwareBoard({ boardId: 4, port, autoAck: false, rxWindowFrames: 8 });
    boards.push(b);
    await b.connect();
    await until(() => server.link(4)?.connected === true, "HELLO of board 4");
    const link = server.link(4)!;
    expect(link.lateness()).toBeUndefined();
    link.send("CONFIG_READ", {});
    link.send("CONFIG_READ", {});
    await until(() => b.received.length === 2, "the host's frames at the board");
    clock.advance(10_200); // the board is stopped (SIGSTOP) for 10.2 s
    expect(link.lateMs()).toBe(10_200);
    expect(link.lateness()).toBe(`board 4 at ${link.remote} has not acknowledged 2 frames for 10.2 s`);
    b.ackHost();
    await until(() => link.down.idle, "the board's ACK");
    expect(link.lateness()).toBeUndefined();
    expect(link.stats).toMatchObject({ maxLateMs: 10_200, lateEpisodes: 1 });
  });
});
