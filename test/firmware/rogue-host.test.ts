// A rogue host against the real calorimeter image in the VM, with a key written into its image as a
// bench board gets it (issue 11, "Authentication"). The board proves itself to whoever challenges it,
// but acts only on host frames tagged with its key, bound to the connection's nonces and the
// frame's seq: unsigned, wrongly signed and replayed CONFIG / RUN_CONTROL are refused (logged,
// counted, acknowledged), and the persisted configuration survives them and a reboot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestHost, type FrameOf } from "./support/test-host";
import { caloConfig } from "./golden/configs";
import { JacdacBus, VmBoard } from "../../src/vm/launcher";
import { ensureFirmware, imagePath } from "../../src/firmware/images";
import { encodeFrame } from "../../protocol/frame";
import { configHash } from "../../protocol/config-hash";
import { Capability, LogCode, RunAction } from "../../protocol/schema/enums";
import { boardProof, freshNonce, hostTag } from "../../src/link/auth";
import { generateKeys } from "../../src/link/keys";
import type { ConfigMsg } from "../../protocol/schema/messages";

const BOARD = 6;
const key = generateKeys([BOARD]).get(BOARD)!;
const good = caloConfig(8) as ConfigMsg;
const evil: ConfigMsg = { ...good, configVersion: good.configVersion + 1, channels: { ...good.channels, thresholdAdc: good.channels.thresholdAdc.map(() => 3000) } };
let host: TestHost;
let bus: JacdacBus;
let vm: VmBoard;

beforeAll(async () => {
  await ensureFirmware(["calorimeter"]);
  bus = await JacdacBus.start();
  host = await TestHost.listen();
  vm = new VmBoard({ image: imagePath("calorimeter"), boardId: BOARD, hostPort: host.port, bus, key });
}, 120_000);

afterAll(async () => {
  await vm?.kill();
  await host?.close();
  await bus?.close();
});

/** This connection's HELLO (the last one received) and, after challenge(), both nonces. */
let hello: FrameOf<"HELLO">;
let nonces: { host: Buffer; board: Buffer } | undefined;

/** Challenge the board on the current connection; checks its proof with the key. */
async function challenge(): Promise<void> {
  const from = host.frames.length;
  const hostNonce = freshNonce();
  host.write(encodeFrame("AUTH_CHALLENGE", { hostNonce: [...hostNonce] }, { source: 0, seq: 0 }));
  const proof = await host.next("AUTH_PROOF", from);
  const boardNonce = Buffer.from(proof.body.boardNonce);
  expect(Buffer.from(proof.body.mac)).toEqual(boardProof(key, hostNonce, boardNonce, hello.raw));
  nonces = { host: hostNonce, board: boardNonce };
}

/** A tag made with `withKey` for `frame` on this connection. */
function tagOf(frame: Buffer, seq: number, withKey: Buffer = key): Uint8Array {
  return encodeFrame("AUTH_TAG", { seq, mac: [...hostTag(withKey, nonces!.board, nonces!.host, frame)] }, { source: 0, seq: 0 });
}

/** Wait for the board's LOG UNAUTHENTICATED for host frame `seq`; returns why it refused. */
async function refusal(from: number, seq: number): Promise<string> {
  const log = await host.next("LOG", from, (f) => f.body.code === LogCode.UNAUTHENTICATED && f.body.arg1 === seq);
  return log.body.text;
}

describe("a board with a key and a host without it (firmware in the VM)", () => {
  it("offers to authenticate in its HELLO and proves itself over a challenge", async () => {
    hello = await host.next("HELLO", 0);
    expect(hello.body.capabilities & Capability.AUTH).toBe(Capability.AUTH);
    await challenge();
  });

  it("acts on a tagged CONFIG: applied, persisted, read back", async () => {
    const from = host.frames.length;
    host.sendAfter("CONFIG", good, tagOf);
    const ack = await host.next("CONFIG_ACK", from);
    expect(ack.body).toMatchObject({ configHash: configHash(good), persisted: 1 });
    host.sendAfter("CONFIG_READ", {}, tagOf);
    const back = await host.next("CONFIG", from);
    expect(back.body).toEqual(good);
  });

  it("refuses unsigned and wrongly signed CONFIG and RUN_CONTROL: logged, acknowledged, never applied", async () => {
    const from = host.frames.length;
    const unsigned = host.send("CONFIG", evil);
    expect(await refusal(from, unsigned)).toBe("no tag");
    const wrongKey = host.sendAfter("CONFIG", evil, (f, seq) => tagOf(f, seq, generateKeys([BOARD]).get(BOARD)!));
    expect(await refusal(from, wrongKey.seq)).toBe("tag");
    // A tag made for another seq does not cover this frame.
    const otherSeq = host.sendAfter("RUN_CONTROL", { action: RunAction.BEGIN_RUN, runNumber: 9, spillNumber: 0, configHash: configHash(evil) }, (f, seq) => tagOf(f, seq + 1));
    expect(await refusal(from, otherSeq.seq)).toBe("no tag");
    await host.drained();
    expect(host.all("CONFIG_ACK", from)).toEqual([]);
    // Nothing was applied, and the refusals count in the board's STATUS.
    const st = await host.next("STATUS", host.frames.length);
    expect(st.body).toMatchObject({ configHash: configHash(good), runNumber: 0 });
    expect(st.body.errorCount).toBeGreaterThanOrEqual(3);
  });

  /** Drop the connection; wait for the board's new HELLO and challenge it. */
  async function reconnect(): Promise<number> {
    const connections = host.connections;
    const from = host.frames.length;
    host.disconnect();
    await host.until(() => host.connections > connections, "the board to reconnect");
    hello = await host.next("HELLO", from);
    await challenge();
    return from;
  }

  it("refuses a tagged frame recorded on an earlier connection and replayed byte for byte", async () => {
    // Recorded: the first host frame of a connection, a properly tagged CONFIG (applied).
    let from = await reconnect();
    const recorded = host.sendAfter("CONFIG", good, tagOf);
    expect(recorded.seq).toBe(1);
    await host.next("CONFIG_ACK", from);
    // Replayed as the first host frame of the next connection: new nonces, the tag does not match.
    from = await reconnect();
    expect(host.claimSeq()).toBe(1);
    host.write(Buffer.concat([recorded.first, recorded.frame]));
    expect(await refusal(from, 1)).toBe("tag");
    await host.drained();
    expect(host.all("CONFIG_ACK", from)).toEqual([]);
  });

  it("a host that never challenges gets nothing done", async () => {
    const connections = host.connections;
    const from = host.frames.length;
    host.disconnect();
    await host.until(() => host.connections > connections, "the board to reconnect");
    await host.next("HELLO", from);
    const seq = host.send("RUN_CONTROL", { action: RunAction.BEGIN_RUN, runNumber: 9, spillNumber: 0, configHash: configHash(good) });
    expect(await refusal(from, seq)).toBe("no challenge");
    await host.drained();
  });

  it("keeps the configuration the tagged CONFIG applied across a reboot", async () => {
    const connections = host.connections;
    const from = host.frames.length;
    await vm.reboot();
    await host.until(() => host.connections > connections, "the board to reconnect after its reboot");
    const h = await host.next("HELLO", from);
    expect(h.body.configHash).toBe(configHash(good));
    expect(h.body.capabilities & Capability.AUTH).toBe(Capability.AUTH);
    const restored = await host.next("LOG", from, (f) => f.body.code === LogCode.CONFIG_RESTORED);
    expect(restored.body.arg1).toBe(configHash(good));
  });
});
