// What any process that can reach the board server may send, over real sockets: no input on one
// connection takes down the host or disturbs another board's link (issue 11).
import { afterEach, describe, expect, it } from "vitest";
import { BoardServer, type BoardServerOptions } from "../../src/link/board-server";
import { LogCode, LogLevel } from "../../protocol/schema/enums";
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
  await server.waitForBoards([boardId], 2000);
  return b;
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
