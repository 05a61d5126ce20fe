// `na64fe record` (run in-process) with boards on the network: here software boards
// (test/support/software-board.ts) that speak the protocol. The command configures them, starts the run, records until the spill
// has ended on every board, ends the run and exits 0 with a readable run file.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../../boards/setup";
import { configHash } from "../../protocol/config-hash";
import { BoardRole, RunAction } from "../../protocol/schema/enums";
import type { Frame } from "../../protocol/frame";
import type { ScalersMsg } from "../../protocol/schema/messages";
import { openRun } from "../../src/runfile/reader";
import { CONFIG_FIELDS } from "../../protocol/codecs";
import { SoftwareBoard } from "../support/software-board";
import { RawClient } from "../support/raw-client";
import { na64fe } from "../support/cli";
import { generateKeys, writeKeyFile, type BoardKeys } from "../../src/link/keys";
import { chmodSync, readFileSync } from "node:fs";

const ROLE: Record<string, number> = { trigger: BoardRole.TRIGGER, calorimeter: BoardRole.CALORIMETER, veto: BoardRole.VETO };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function until(cond: () => boolean, what: string, ms = 20_000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function connectWhenListening(b: SoftwareBoard) {
  for (let i = 0; ; i++) {
    try {
      return await b.connect();
    } catch (e) {
      if (i > 200) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * `na64fe record --spills 1` with software boards that send `triggers` events and their SCALERS
 * (`tamper` may change a board's SCALERS before it is sent).
 */
async function recordOneSpill(
  extraArgs: string[],
  triggers: number,
  tamper: (boardIndex: number, s: ScalersMsg) => ScalersMsg = (_, s) => s,
  keys?: BoardKeys,
  meanwhile?: (port: number) => Promise<void>,
) {
  const port = await freePort();
  const out = mkdtempSync(join(tmpdir(), "na64fe-record-"));
  const exited = na64fe("record", "--spills", "1", "--port", String(port), "--out", out, "--run", "7", "--wait-s", "30", ...extraArgs);
  const setup = loadSetup();
  const boards = setup.boards.map((b) => new SoftwareBoard({ boardId: b.id, port, role: ROLE[b.role]!, channelCount: b.channels.length, ...(keys ? { key: keys.get(b.id)! } : {}) }));
  for (const b of boards) await connectWhenListening(b);
  const began = (b: SoftwareBoard) => b.received.some((f) => f.name === "RUN_CONTROL" && f.body.action === RunAction.BEGIN_RUN);
  await until(() => boards.every(began), "BEGIN_RUN on every board");
  await meanwhile?.(port);
  const hash = (b: SoftwareBoard) => configHash((b.received.find((f) => f.name === "CONFIG") as Extract<Frame, { name: "CONFIG" }>).body);
  for (let t = 1; t <= triggers; t++)
    for (const [i, b] of boards.entries()) {
      const common = { spillNumber: 1, triggerNumber: t, timestampTicks: 1000 * t, configHash: hash(b), triggerType: 3 };
      if (setup.boards[i]!.role === "trigger") b.sendSequenced("TRIGGER", { ...common, typeMask: 4, inputPattern: 0, psSumAdc: 0, ecalSumAdc: 0 });
      else b.sendSequenced("EVENT", { ...common, eventFlags: 0, energySumKeV: 0, hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] } });
    }
  for (const [i, b] of boards.entries())
    b.sendSequenced(
      "SCALERS",
      tamper(i, {
        runNumber: 7, spillNumber: 1, spillTicks: 373_250_000, deadTicks: 0, beamCoincidences: 0, rawTriggers: [0, 0, triggers, 0],
        acceptedTriggers: [0, 0, triggers, 0], inhibitedBusy: 0, inhibitedDead: 0, fifoRecords: triggers + 2, fifoMaxDepth: 1,
        eventsSent: triggers, hitsSent: 0, framesResent: 0, busyTicks: 0, channels: { n: 0, channel: [], hits: [] },
      }),
    );
  const { code, stdout, stderr } = await exited;
  for (const b of boards) b.disconnect();
  return { code, stdout, stderr, boards, setup };
}

describe("na64fe record", () => {
  it("prints a line per spill and the scalers check with its counts; a board whose eventsSent disagrees fails the run (exit 1)", async () => {
    const ok = await recordOneSpill([], 10);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/^spill 1 ended \(1\/1\): 10 events built, 10 complete; trigger board accepted 10$/m);
    // Each board is named as it connects; the last one completes the set.
    const hellos = ok.stderr.split("\n").filter((l) => / \(id \d\) connected from 127.0.0.1:\d+: firmware /.test(l));
    expect(hellos.length).toBe(5);
    expect(hellos[0]).toMatch(/^trig \(id 1\) connected from 127.0.0.1:\d+: firmware \d+\.\d+\.\d+, boot \d+; waiting for ecal-ps, ecal-main, hcal, veto$/);
    expect(hellos[4]).toMatch(/every board is here$/);
    expect(ok.stdout).toMatch(/^  ok   firmware scalers agree: events built 10 = trigger board accepted 10; eventsSent trig 10, ecal-ps 10, ecal-main 10, hcal 10, veto 10$/m);
    // 10 random triggers over the trigger board's 373250000 ticks of 12.86 ns (4.8 s): 2.1 Hz.
    expect(ok.stdout).toMatch(/by trigger type \(each trigger once, by the type its TRIGGER record gives\), rates over 4.80 s of beam: physics 0 \(0.0 Hz\), beam 0 \(0.0 Hz\), random 10 \(2.1 Hz\), calibration 0 \(0.0 Hz\)/);
    const bad = await recordOneSpill([], 10, (i, s) => (i === 3 ? { ...s, eventsSent: 11 } : i === 0 ? { ...s, acceptedTriggers: [0, 0, 12, 0] } : s));
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^  FAIL firmware scalers agree: spill 1: trigger board accepted 12, 10 events built; spill 1: hcal says it sent 11, the host received 10 \(/m);
  });

  it("configures the boards, records one spill and ends the run", async () => {
    const triggers = 10;
    const { code, stdout, stderr, boards, setup } = await recordOneSpill(["--json"], triggers);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(true);
    expect(result.runNumber).toBe(7);
    expect(result.builder).toMatchObject({ events: triggers, complete: triggers, incomplete: 0, zeroHitEvents: triggers });
    expect(boards).toAllSatisfy((b) => b.received.some((f) => f.name === "RUN_CONTROL" && f.body.action === RunAction.END_RUN));
    const run = openRun(result.runFile);
    expect(run.ok).toBe(true);
    expect(run.header.runNumber).toBe(7);
    expect(run.spills.map((s) => [s.spillNumber, s.frames >= triggers * 5])).toEqual([[1, true]]);
    expect(run.snapshot?.boards.map((b) => b.hello?.role)).toEqual(setup.boards.map((b) => ROLE[b.role]));
  });

  it("--keys: every board authenticates, every host frame is tagged, and no key appears in the output or the run file", async () => {
    const setup = loadSetup();
    const keys = generateKeys(setup.boards.map((b) => b.id));
    const file = join(mkdtempSync(join(tmpdir(), "na64fe-keys-")), "keys.json");
    writeKeyFile(file, keys);
    const { code, stdout, stderr, boards } = await recordOneSpill(["--keys", file, "--json"], 5, undefined, keys);
    expect(code, stderr).toBe(0);
    expect(boards.map((b) => b.refused.length)).toEqual(boards.map(() => 0));
    expect(boards.map((b) => b.authenticated)).toEqual(boards.map((b) => b.received.length));
    expect(boards.every((b) => b.received.length >= 4)).toBe(true); // CONFIG, CONFIG_READ, BEGIN_RUN, END_RUN at least
    expect(stderr).not.toMatch(/not authenticated/);
    const runFile = JSON.parse(stdout).runFile as string;
    const everything = stdout + stderr + readFileSync(runFile).toString("latin1") + readFileSync(runFile).toString("hex");
    for (const k of keys.values()) expect(everything).not.toContain(k.toString("hex"));
  });

  it("a client claiming a board's id during the run is refused and named as it happens; the run passes", async () => {
    let rogue: RawClient | undefined;
    const { code, stdout, stderr } = await recordOneSpill([], 5, undefined, undefined, async (port) => {
      rogue = await RawClient.connect(port);
      rogue.hello(3, 1, { bootCount: 9 });
      await rogue.closed;
    });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`client at 127.0.0.1:${rogue!.localPort}: said HELLO as board 3, which is connected at 127.0.0.1:`);
    expect(stdout).toMatch(/ok +no protocol errors: every frame passed its check; not the run's boards: CLAIMED_ID x1 from other clients \(refused or closed\)/);
  });

  it("--keys refuses a key file others can read, and one without a key for every board, before anything starts", async () => {
    const setup = loadSetup();
    const dir = mkdtempSync(join(tmpdir(), "na64fe-keys-"));
    const open = join(dir, "open.json");
    writeKeyFile(open, generateKeys(setup.boards.map((b) => b.id)));
    chmodSync(open, 0o644);
    const a = await na64fe("record", "--keys", open, "--out", dir, "--port", "0");
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toBe(`na64fe: error: ${open}: the key file is open to other users (mode 0644); make it private: chmod 600 ${open}`);
    const partial = join(dir, "partial.json");
    writeKeyFile(partial, generateKeys(setup.boards.slice(1).map((b) => b.id)));
    const b = await na64fe("record", "--keys", partial, "--out", dir, "--port", "0");
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe(`na64fe: error: ${partial}: no key for board ${setup.boards[0]!.id}`);
  });

  it("configure --push: every board applies, persists and reads back its configuration", async () => {
    const port = await freePort();
    const exited = na64fe("configure", "e+40", "--push", "--port", String(port), "--json", "--wait-s", "30");
    const setup = loadSetup();
    const boards = setup.boards.map((b) => new SoftwareBoard({ boardId: b.id, port, role: ROLE[b.role]!, channelCount: b.channels.length }));
    for (const b of boards) await connectWhenListening(b);
    const { code, stdout } = await exited;
    expect(code).toBe(0);
    for (const b of boards) b.disconnect();
    const pushed = JSON.parse(stdout).pushed as Array<{ boardId: number; hash: number; persisted: boolean }>;
    expect(pushed.map((p) => p.boardId)).toEqual(setup.boards.map((b) => b.id));
    for (const [i, b] of boards.entries()) {
      const cfg = b.received.find((f) => f.name === "CONFIG") as Extract<Frame, { name: "CONFIG" }>;
      expect(pushed[i]).toMatchObject({ hash: configHash(cfg.body), persisted: true });
    }
  });

  it("configure --push --keys: boards with keys are authenticated, every frame tagged; a board with another key is refused by name", async () => {
    const setup = loadSetup();
    const keys = generateKeys(setup.boards.map((b) => b.id));
    const file = join(mkdtempSync(join(tmpdir(), "na64fe-keys-")), "keys.json");
    writeKeyFile(file, keys);
    const port = await freePort();
    const exited = na64fe("configure", "e+40", "--push", "--port", String(port), "--json", "--wait-s", "30", "--keys", file);
    const boards = setup.boards.map((b) => new SoftwareBoard({ boardId: b.id, port, role: ROLE[b.role]!, channelCount: b.channels.length, key: keys.get(b.id)! }));
    for (const b of boards) await connectWhenListening(b);
    const { code, stdout, stderr } = await exited;
    for (const b of boards) b.disconnect();
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).pushed).toHaveLength(setup.boards.length);
    expect(boards.every((b) => b.received.length > 0 && b.authenticated === b.received.length && b.refused.length === 0)).toBe(true);
    // A board flashed with another key: refused at its HELLO, named; the push waits for it in vain.
    const port2 = await freePort();
    const exited2 = na64fe("configure", "e+40", "--push", "--port", String(port2), "--wait-s", "1", "--keys", file);
    const impostor = new SoftwareBoard({ boardId: setup.boards[2]!.id, port: port2, role: ROLE[setup.boards[2]!.role]!, channelCount: 36, key: generateKeys([1]).get(1)! });
    await connectWhenListening(impostor);
    const r2 = await exited2;
    impostor.disconnect();
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(new RegExp(`the proof of board ${setup.boards[2]!.id} does not match the host's key for it`));
  });

  it("configure --push: a board's NACK is a one-line error naming the field, exit 1", async () => {
    const port = await freePort();
    const exited = na64fe("configure", "e+70", "--push", "--port", String(port), "--wait-s", "30");
    const setup = loadSetup();
    const boards = setup.boards.map(
      (b) =>
        new SoftwareBoard({
          boardId: b.id,
          port,
          role: ROLE[b.role]!,
          rejectConfig: b.name === "hcal" ? (c) => ({ reason: 1, fieldId: CONFIG_FIELDS.indexOf("channels.thresholdAdc"), index: 4, value: c.channels.thresholdAdc[4]! }) : undefined,
        }),
    );
    for (const b of boards) await connectWhenListening(b);
    const { code, stderr } = await exited;
    expect(code).toBe(1);
    for (const b of boards) b.disconnect();
    expect(stderr.trim().split("\n").filter((l) => l.includes("error"))).toEqual([
      expect.stringMatching(/^na64fe: error: board 4: CONFIG 1 rejected: value out of range: channels.thresholdAdc\[4\] = \d+$/),
    ]);
  });

  it("exits 2 on an unknown preset without listening", async () => {
    const { code, stderr, status } = await na64fe("record", "--beam", "e+55");
    expect(code).toBe(2);
    expect(status).toEqual([]);
    expect(stderr.trim()).toMatch(/^na64fe: error: unknown preset "e\+55"/);
  });

  it("exits 2 when --out is a file, before listening for boards", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "na64fe-record-")), "plain-file");
    writeFileSync(file, "x");
    const port = await freePort();
    const { code, stderr, status } = await na64fe("record", "--out", file, "--port", String(port));
    expect(code).toBe(2);
    expect(status).toEqual([]);
    expect(stderr.trim()).toBe(`na64fe: error: --out ${JSON.stringify(file)}: it is a file, not a folder for run files`);
  });
});
