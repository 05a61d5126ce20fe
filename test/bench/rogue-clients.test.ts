// Rogue clients against a real run (issue 11): the bench's five firmware images in the VM, with keys,
// take a spill while other processes connect to the same board server and send garbage, trickle
// bytes, flood, forge sources, claim the boards' ids (with and without offering a proof), say HELLO
// for ids outside the setup (twice, with two boot counts) and send host-direction control frames.
// One run serves every case (VMs are expensive); ecal-main's link is also dropped right after the
// first slice (defect 5: a repeated INJECT must not fail the scalers check). Every case is refused
// or closed with an error naming its address, and the run's real boards finish complete: nothing
// lost, no false FAIL. The rogue host against a real image is test/firmware/rogue-host.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { loadSetup } from "../../boards/setup";
import { encodeFrame } from "../../protocol/frame";
import { Capability, RunAction } from "../../protocol/schema/enums";
import { runBench, type BenchResult } from "../../src/bench/run";
import { ensureFirmware } from "../../src/firmware/images";
import { RawClient, helloBody } from "../support/raw-client";
import { deviceIdFor } from "../../src/vm/launcher";
import { readdirSync, readFileSync } from "node:fs";

const setup = loadSetup();
const HCAL = setup.boards.find((b) => b.name === "hcal")!.id;
const HELLO_TIMEOUT_MS = 2000;
const ids = setup.boards.map((b) => b.id);

/** An error the run's board server reported, and the client port it names. */
interface Seen {
  code: string;
  message: string;
  boardId: number | undefined;
  port: number;
}

let result: BenchResult;
const seen: Seen[] = [];
/** Each case: the local ports of its connections, and how each ended. */
const cases = new Map<string, { ports: number[]; closedByHost: boolean[] }>();

function errorsOf(name: string): Seen[] {
  const ports = cases.get(name)!.ports;
  return seen.filter((s) => ports.includes(s.port));
}

/** Run one rogue case on fresh connections; records their ports and whether the host closed each. */
async function rogue(name: string, port: number, n: number, act: (c: RawClient, i: number) => Promise<void>): Promise<void> {
  const rec = { ports: [] as number[], closedByHost: [] as boolean[] };
  cases.set(name, rec);
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = await RawClient.connect(port);
      rec.ports[i] = c.localPort;
      await act(c, i);
      // The host ends every rogue connection itself (refused, or closed as idle).
      const ended = await Promise.race([c.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
      rec.closedByHost[i] = ended;
      c.close();
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Cases that need no board to be connected: they start as soon as the server listens. */
function early(port: number): Promise<void>[] {
  return [
    rogue("garbage", port, 2, async (c) => c.write(randomBytes(64 * 1024))),
    rogue("one stray byte", port, 1, async (c) => c.write(Buffer.from([0x4e]))),
    rogue("slow HELLO, a byte every 200 ms", port, 1, async (c) => {
      const hello = encodeFrame("HELLO", helloBody(), { source: 1, seq: 1 });
      for (let i = 0; i < hello.length && !c.socket.destroyed; i++) {
        c.write(hello.subarray(i, i + 1));
        await sleep(200);
      }
    }),
    rogue("flood of board frames before HELLO", port, 1, async (c) => {
      const ev = encodeFrame("EVENT", { spillNumber: 1, triggerNumber: 1, timestampTicks: 1, configHash: 0, triggerType: 1, eventFlags: 0, energySumKeV: 0, hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] } }, { source: 3, seq: 2 });
      c.write(Buffer.concat(Array.from({ length: 20_000 }, () => ev)));
    }),
    rogue("flood of bytes that are no frame", port, 1, async (c) => {
      for (let i = 0; i < 16 && !c.socket.destroyed; i++) c.write(Buffer.alloc(64 * 1024, 0x55));
    }),
    rogue("HELLO for an id outside the setup, twice with two boot counts", port, 2, async (c, i) => c.hello(999, 1, { bootCount: i + 1 })),
    rogue("HELLO for an id outside the setup, then frames claiming a setup board", port, 1, async (c) => {
      c.hello(998, 1);
      c.send("EVENT", { spillNumber: 1, triggerNumber: 1, timestampTicks: 1, configHash: 0, triggerType: 1, eventFlags: 0, energySumKeV: 0, hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] } }, 3, 2);
    }),
    rogue("host-direction control frames from a client", port, 2, async (c, i) => {
      if (i === 0) c.send("RUN_CONTROL", { action: RunAction.END_RUN, runNumber: 1, spillNumber: 1, configHash: 0 }, 0, 1);
      else c.send("CONFIG_READ", {}, 0, 1);
    }),
  ];
}

/** Cases against the boards' live ids: they start once the run is going. */
function live(port: number): Promise<void>[] {
  return [
    rogue("claims of every board's id without a key (same and new boot count)", port, 2 * ids.length, async (c, i) => c.hello(ids[i % ids.length]!, 1, { bootCount: i < ids.length ? 1 : 77 })),
    rogue("claims of every board's id with a forged proof", port, ids.length, async (c, i) => {
      c.hello(ids[i]!, 1, { capabilities: 0x0f | Capability.AUTH });
      await c.until(() => c.received.some((f) => f.name === "AUTH_CHALLENGE") || c.socket.destroyed, "the challenge");
      c.send("AUTH_PROOF", { boardNonce: [...randomBytes(16)], mac: [...randomBytes(16)] }, ids[i]!, 0);
    }),
    rogue("a proof claiming another board than its HELLO", port, 1, async (c) => {
      c.hello(ids[1]!, 1, { capabilities: 0x0f | Capability.AUTH });
      await c.until(() => c.received.some((f) => f.name === "AUTH_CHALLENGE"), "the challenge");
      c.send("AUTH_PROOF", { boardNonce: [...randomBytes(16)], mac: [...randomBytes(16)] }, ids[2]!, 0);
    }),
  ];
}

beforeAll(async () => {
  await ensureFirmware();
  let attacks: Promise<void>[] = [];
  let liveStarted = false;
  let serverPort = 0;
  let stalled: number | undefined;
  result = await runBench(
    { intensity: 0.01, spills: 1, timeoutMs: 60_000, faults: [{ kind: "disconnect", board: "ecal-main", afterSlice: 0 }] },
    {
      onListening: (addr, session) => {
        // A connection must say HELLO within 2 s (5 s by default), so that the slow and silent
        // cases end well inside the run.
        session.server.opts.helloTimeoutMs = HELLO_TIMEOUT_MS;
        session.server.on("protocol-error", (e, src) => {
          const m = /:(\d+)$/.exec(src.remote);
          seen.push({ code: (e as { code?: string }).code ?? e.name, message: e.message, boardId: src.boardId, port: m ? Number(m[1]) : -1 });
        });
        serverPort = addr.port;
        attacks = early(addr.port);
      },
      onProgress: (p) => {
        if (!liveStarted && p.slice >= 2) {
          liveStarted = true;
          attacks.push(...live(serverPort));
        }
        // hcal stalls (its VM stopped, as SIGSTOP stops it) for 1.5 s: nothing is lost, but the
        // run names it as late (defect 10: a stall used to pass silently).
        if (stalled === undefined && p.slice >= 4) {
          stalled = vmPid(HCAL, serverPort) ?? -1;
          if (stalled > 0) {
            process.kill(stalled, "SIGSTOP");
            const pid = stalled;
            attacks.push(new Promise((r) => setTimeout(r, 1500)).then(() => void process.kill(pid, "SIGCONT")));
          }
        }
      },
    },
  );
  await Promise.all(attacks);
}, 300_000);

/** The pid of the VM process of `boardId` whose DAQ host listens on `port` (found by its device id). */
function vmPid(boardId: number, port: number): number | undefined {
  const id = deviceIdFor(boardId, port);
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, "latin1").split("\0").includes(id)) return Number(p);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

describe("rogue clients during a real run", () => {
  it("the run's boards finish complete: every check passes, nothing lost, with ecal-main's link dropped after the first slice", () => {
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.spills.map((s) => s.truthTriggers).every((n) => n > 100)).toBe(true);
    expect(result.events).toBe(result.spills.reduce((a, s) => a + s.truthTriggers, 0));
    expect(result.boards.find((b) => b.name === "ecal-main")!.link.reconnects).toBeGreaterThanOrEqual(1);
    for (const b of result.boards) expect(b.protocolErrors, b.name).toEqual({});
    const gaps = result.checks.find((c) => c.name === "no unexplained sequence gaps")!;
    expect(gaps.detail).toMatch(/late: .*hcal \(id \d+\) at 127\.0\.0\.1:\d+ \d+ times?, longest \d+\.\d s/);
    const protocol = result.checks.find((c) => c.name === "no protocol errors")!;
    expect(protocol.detail).toMatch(/^every frame passed its check; not the run's boards: .* from other clients \(refused or closed\)$/);
  });

  it("every case was answered by the host closing the connection, and named with its address", () => {
    expect([...cases.keys()].length).toBe(11);
    for (const [name, c] of cases) {
      expect(c.closedByHost.every((x) => x), name).toBe(true);
      expect(errorsOf(name).length, name).toBeGreaterThan(0);
      expect(errorsOf(name).every((e) => e.boardId === undefined), name).toBe(true); // never on a board's account
    }
  });

  const codes = (name: string) => [...new Set(errorsOf(name).map((e) => e.code))].sort();

  it("garbage, a stray byte, a slow HELLO and a flood of non-frames: closed when no HELLO came in time", () => {
    expect(codes("garbage")).toContain("IDLE");
    expect(codes("one stray byte")).toEqual(["IDLE"]);
    expect(codes("slow HELLO, a byte every 200 ms")).toEqual(["IDLE"]);
    expect(codes("flood of bytes that are no frame")).toEqual(["BAD_MAGIC", "IDLE"]);
    expect(errorsOf("one stray byte")[0]!.message).toBe(`client at 127.0.0.1:${cases.get("one stray byte")!.ports[0]}: no HELLO within ${HELLO_TIMEOUT_MS} ms: connection closed`);
  });

  it("frames before HELLO, host frames from a client, unknown ids and forged sources: refused at once", () => {
    expect(codes("flood of board frames before HELLO")).toEqual(["BEFORE_HELLO"]);
    expect(codes("host-direction control frames from a client")).toEqual(["BEFORE_HELLO"]);
    expect(codes("HELLO for an id outside the setup, twice with two boot counts")).toEqual(["NOT_IN_SETUP"]);
    expect(errorsOf("HELLO for an id outside the setup, twice with two boot counts")).toHaveLength(2);
    expect(codes("HELLO for an id outside the setup, then frames claiming a setup board")).toEqual(["NOT_IN_SETUP"]);
  });

  it("claims of the boards' ids: refused without a key, refused with a forged proof", () => {
    const claims = errorsOf("claims of every board's id without a key (same and new boot count)");
    expect(claims.map((e) => e.code)).toEqual(claims.map(() => "AUTH"));
    expect(claims).toHaveLength(2 * ids.length);
    expect(claims[0]!.message).toMatch(/without offering to authenticate, but the host has a key for board \d+: refused/);
    const forged = errorsOf("claims of every board's id with a forged proof");
    expect(forged).toHaveLength(ids.length);
    expect(forged.every((e) => /the proof of board \d+ does not match the host's key for it/.test(e.message))).toBe(true);
    expect(errorsOf("a proof claiming another board than its HELLO")[0]!.message).toMatch(/sent AUTH_PROOF \(source \d+\) instead of proving it is board \d+: refused/);
  });
});
