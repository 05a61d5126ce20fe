// Mutual authentication over real sockets (protocol/README.md, "Trust"): a board with a key proves
// itself in its HELLO over the host's challenge; the host tags every sequenced frame it sends. A
// missing or wrong key on either side is refused with an error naming the board, never the key.
import { afterEach, describe, expect, it } from "vitest";
import { BoardServer, type BoardServerOptions } from "../../src/link/board-server";
import { AuthError, ClaimedBoardError } from "../../src/link/errors";
import { generateKeys } from "../../src/link/keys";
import { RunAction } from "../../protocol/schema/enums";
import { configHash } from "../../protocol/config-hash";
import { SoftwareBoard } from "../support/software-board";
import { RawClient } from "../support/raw-client";
import { until } from "../support/link-helpers";
import { ManualClock } from "../support/manual-clock";
import { caloConfig } from "../firmware/golden/configs";
import type { ConfigMsg } from "../../protocol/schema/messages";

let server: BoardServer;
let boards: SoftwareBoard[] = [];
let clients: RawClient[] = [];
const keys = generateKeys([3, 4]);
const config = { ...(caloConfig(4) as ConfigMsg) };

async function start(opts: Partial<BoardServerOptions> = {}): Promise<number> {
  server = new BoardServer({ port: 0, ackEveryMs: 5, ...opts });
  return (await server.listen()).port;
}

function board(port: number, boardId: number, key?: Buffer): SoftwareBoard {
  const b = new SoftwareBoard({ boardId, port, channelCount: config.channels.n, ...(key ? { key } : {}) });
  boards.push(b);
  return b;
}

function events() {
  const errors: Error[] = [];
  const warnings: string[] = [];
  server.on("protocol-error", (e) => errors.push(e));
  server.on("warning", (w) => warnings.push(w));
  return { errors, warnings };
}

afterEach(async () => {
  for (const b of boards) b.disconnect();
  for (const c of clients) c.close();
  boards = [];
  clients = [];
  await server?.close();
});

describe("a board with a key and a host with the same key", () => {
  it("authenticate each other: the board's HELLO is proven, every host frame carries a valid tag", async () => {
    const port = await start({ keys });
    const { errors, warnings } = events();
    const b = board(port, 3, keys.get(3));
    await b.connect();
    await until(() => server.link(3)?.connected === true, "the authenticated HELLO");
    const link = server.link(3)!;
    const ack = await link.configure(config);
    expect(ack.configHash).toBe(configHash(config));
    expect(await link.readConfig()).toEqual(config);
    await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 1, spillNumber: 0, configHash: ack.configHash });
    expect(b.received.map((f) => f.name)).toEqual(["CONFIG", "CONFIG_READ", "RUN_CONTROL"]);
    expect(b.authenticated).toBe(3);
    expect(b.refused).toEqual([]);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("after a reconnect the new connection's nonces are used (tags of the old one would not match)", async () => {
    const port = await start({ keys });
    const b = board(port, 3, keys.get(3));
    await b.connect();
    await until(() => server.link(3)?.connected === true, "the first HELLO");
    await server.link(3)!.configure(config);
    b.disconnect();
    await until(() => !server.link(3)!.connected, "the host to see the disconnect");
    await b.connect();
    await until(() => server.link(3)?.connected === true, "the second HELLO");
    await server.link(3)!.readConfig();
    expect(b.authenticated).toBe(2);
    expect(b.refused).toEqual([]);
  });

  it("a board proving itself again while its old connection looks alive (power cut, no FIN) takes the link over", async () => {
    const port = await start({ keys });
    const { warnings } = events();
    const first = board(port, 3, keys.get(3));
    await first.connect();
    await until(() => server.link(3)?.connected === true, "the first HELLO");
    const oldRemote = server.link(3)!.remote;
    const again = board(port, 3, keys.get(3));
    await again.connect();
    await until(() => server.link(3)!.remote !== oldRemote, "the new connection");
    expect(warnings).toEqual([`board 3 authenticated from ${server.link(3)!.remote}: its connection at ${oldRemote} is closed`]);
    server.link(3)!.send("CONFIG_READ", {});
    await until(() => again.received.length === 1, "the host's frame at the board's new connection");
    expect(again.received.map((f) => f.name)).toEqual(["CONFIG_READ"]);
    expect(again.authenticated).toBe(1);
    expect(first.received).toEqual([]);
  });
});

describe("missing or wrong keys are refused, naming the board", () => {
  it("a board with the wrong key", async () => {
    const port = await start({ keys });
    const { errors } = events();
    const b = board(port, 3, keys.get(4));
    await b.connect();
    await until(() => errors.length > 0, "the refusal");
    expect(errors[0]).toBeInstanceOf(AuthError);
    expect(errors[0]!.message).toMatch(/^client at 127\.0\.0\.1:\d+: the proof of board 3 does not match the host's key for it: refused \(wrong key on the board or in the host's key file\)$/);
    expect(server.link(3)).toBeUndefined();
  });

  it("a client claiming a keyed board's id without a key (also while the board is connected)", async () => {
    const port = await start({ keys });
    const { errors } = events();
    const real = board(port, 3, keys.get(3));
    await real.connect();
    await until(() => server.link(3)?.connected === true, "the real board");
    const realRemote = server.link(3)!.remote;
    for (const over of [{}, { bootCount: 9 }]) {
      const c = await RawClient.connect(port);
      clients.push(c);
      c.hello(3, 1, over);
      await c.closed;
    }
    expect(errors.map((e) => e.constructor)).toEqual([AuthError, AuthError]);
    expect(errors[0]!.message).toMatch(
      /^client at 127\.0\.0\.1:\d+: said HELLO as board 3 without offering to authenticate, but the host has a key for board 3: refused \(was the board flashed with its key\?\)$/,
    );
    expect(server.link(3)!.remote).toBe(realRemote);
    expect(server.errorsOf([3])).toEqual({});
  });

  it("a board with a key on a host without one for it", async () => {
    const port = await start({ keys: generateKeys([4]) });
    const { errors } = events();
    await board(port, 3, keys.get(3)).connect();
    await until(() => errors.length > 0, "the refusal");
    expect(errors[0]!.message).toMatch(/: board 3 has a key, the host has none for it: refused \(give the host the key file the board's key came from\)$/);
  });

  it("a forged proof that copies a real board's HELLO but not its key", async () => {
    const port = await start({ keys });
    const { errors } = events();
    const c = await RawClient.connect(port);
    clients.push(c);
    c.hello(3, 1, { capabilities: 0x1f });
    await c.until(() => c.received.some((f) => f.name === "AUTH_CHALLENGE"), "the challenge");
    c.send("AUTH_PROOF", { boardNonce: new Array(16).fill(1), mac: new Array(16).fill(2) }, 3, 0);
    await c.closed;
    expect(errors.map((e) => e.constructor)).toEqual([AuthError]);
    expect(server.link(3)).toBeUndefined();
  });
});

describe("a HELLO that is never proven", () => {
  it("is closed after helloTimeoutMs, naming what was missing", async () => {
    const clock = new ManualClock();
    const port = await start({ keys, clock, helloTimeoutMs: 5000 });
    const { errors } = events();
    const c = await RawClient.connect(port);
    clients.push(c);
    c.hello(3, 1, { capabilities: 0x1f });
    await c.until(() => c.received.some((f) => f.name === "AUTH_CHALLENGE"), "the challenge");
    clock.advance(5000);
    await c.closed;
    expect(errors.map((e) => e.message)).toEqual([`client at 127.0.0.1:${c.localPort}: said HELLO but did not answer the host's challenge within 5000 ms: connection closed`]);
    expect(server.link(3)).toBeUndefined();
  });
});

describe("boards without keys", () => {
  it("are taken on loopback with a warning naming them", async () => {
    const port = await start();
    const { warnings } = events();
    board(port, 7);
    await boards[0]!.connect();
    await until(() => server.link(7)?.connected === true, "HELLO");
    expect(warnings).toEqual([`board 7 at ${server.link(7)!.remote} is not authenticated (it has no key): whatever reaches this port can speak for it`]);
    // A second unauthenticated HELLO for it is a claim on a live id: refused.
    const c = await RawClient.connect(port);
    clients.push(c);
    c.hello(7, 1);
    await c.closed;
    expect(server.strangerErrors).toEqual({ CLAIMED_ID: 1 });
  });

  it("a server bound to a non-loopback address without keys warns when it starts", async () => {
    server = new BoardServer({ port: 0, host: "0.0.0.0" });
    const warnings: string[] = [];
    server.on("warning", (w) => warnings.push(w));
    const addr = await server.listen();
    expect(warnings).toEqual([
      `the board server listens on 0.0.0.0:${addr.port} without keys: any machine that reaches it can speak for a board (create keys with \`na64fe keys create\`)`,
    ]);
  });

  it("a claim refused while the board is connected is named with both addresses", async () => {
    const port = await start();
    const errors: Error[] = [];
    server.on("protocol-error", (e) => errors.push(e));
    await board(port, 7).connect();
    await until(() => server.link(7)?.connected === true, "HELLO");
    const c = await RawClient.connect(port);
    clients.push(c);
    c.hello(7, 1);
    await c.closed;
    expect(errors[0]).toBeInstanceOf(ClaimedBoardError);
  });
});
