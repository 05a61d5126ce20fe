// VM operations per event of every board's firmware in a whole bench run (`na64fe bench`), counted
// exactly by an instrumented DeviceScript VM (benchmarks/opcount/): everything the firmware does
// from BEGIN_RUN to the end of the run (events, waveform events, spill work, heartbeats, link
// traffic) divided by the triggers of the run. The time-driven background (STATUS heartbeat, the
// simulator-only 1 ms timer) is measured on an idle configured board and counted for the beam time
// instead of the bench's wall time. The ESP32-S3 load takes 1.0 M VM operations/s (basis in
// benchmarks/REPORT.md).
// Run: npx tsx benchmarks/firmware-ops.ts [--intensity 1] [--spills 1] [--seed 1] [--beam e+70] [--out]
//   --out writes benchmarks/results/firmware-ops.json (npm run bench does).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../boards/setup";
import { runBench } from "../src/bench/run";
import { loadPreset } from "../src/presets/load";
import { convertPreset } from "../src/config/convert";
import { BoardServer } from "../src/link/board-server";
import { JacdacBus, PROJECT_ROOT, VmBoard } from "../src/vm/launcher";
import { ensureFirmware, imagePath } from "../src/firmware/images";
import { OpCounters } from "./opcount/counters";

/** ESP32-S3 VM operations per second taken for the load figures (basis: benchmarks/REPORT.md). */
export const ESP32_OPS_PER_S = 1.0e6;

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};

export interface BoardOps {
  board: string;
  id: number;
  role: string;
  /** Operations from BEGIN_RUN to the end of the run. */
  ops: number;
  wallMs: number;
  /** Background operations per second of an idle configured board of this role. */
  idleOpsPerS: number;
  /** ops / triggers, as counted. */
  opsPerEventRaw: number;
  /** (ops - idle x wall time + idle x beam time) / triggers: what a board at beam speed spends. */
  opsPerEvent: number;
  /** At the run's trigger rate, of ESP32_OPS_PER_S. */
  esp32LoadPercent: number;
}

export interface OpsRun {
  beam: string;
  intensity: number;
  spills: number;
  seed: number;
  triggers: number;
  triggerRateHz: number;
  ok: boolean;
  boards: BoardOps[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Operations per second of a configured, idle board of each role (heartbeat, timers). */
async function idleRates(counters: OpCounters, beam: string): Promise<Map<string, number>> {
  const setup = loadSetup();
  const p = loadPreset(beam);
  const conv = convertPreset(p.name, p.preset, setup);
  const out = new Map<string, number>();
  const bus = await JacdacBus.start();
  const server = new BoardServer({ port: 0 });
  const addr = await server.listen();
  try {
    for (const role of ["trigger", "calorimeter", "veto"]) {
      const b = conv.boards.find((x) => x.role === role)!;
      counters.clear();
      const vm = new VmBoard({ image: imagePath(role), boardId: b.boardId, hostPort: addr.port, bus });
      try {
        await server.waitForBoards([b.boardId], 30_000);
        await server.link(b.boardId)!.configure(b.config);
        await sleep(1000);
        const a = counters.read().get(b.boardId)!;
        await sleep(3000);
        const z = counters.read().get(b.boardId)!;
        out.set(role, ((z.ops - a.ops) * 1000) / (z.ms - a.ms));
      } finally {
        await vm.kill();
      }
    }
  } finally {
    await server.close();
    await bus.close();
  }
  return out;
}

export async function measureOps(opts: { beam: string; intensity: number; spills: number; seed: number }, counters: OpCounters, idle: Map<string, number>): Promise<OpsRun> {
  counters.clear();
  let start = new Map<number, { ops: number; ms: number }>();
  const r = await runBench({ beam: opts.beam, intensity: opts.intensity, spills: opts.spills, seed: opts.seed, outDir: undefined }, { onStep: (s) => (s.startsWith("run") ? (start = counters.read()) : undefined) });
  const end = counters.read();
  const beamS = (r.beam.spillNs / 1e9) * opts.spills;
  const rate = r.events / beamS;
  const boards = r.boards.map((b): BoardOps => {
    const a = start.get(b.id);
    const z = end.get(b.id);
    if (!a || !z) throw new Error(`no operation count from board ${b.name} (${b.id})`);
    const ops = z.ops - a.ops;
    const wallMs = z.ms - a.ms;
    const idleRate = idle.get(b.role) ?? 0;
    const perEvent = (ops - (idleRate * wallMs) / 1000 + idleRate * beamS) / r.events;
    return { board: b.name, id: b.id, role: b.role, ops, wallMs, idleOpsPerS: Math.round(idleRate), opsPerEventRaw: ops / r.events, opsPerEvent: perEvent, esp32LoadPercent: (100 * perEvent * rate) / ESP32_OPS_PER_S };
  });
  return { beam: opts.beam, intensity: opts.intensity, spills: opts.spills, seed: opts.seed, triggers: r.events, triggerRateHz: rate, ok: r.ok, boards };
}

if (process.argv[1]?.endsWith("firmware-ops.ts")) {
  await ensureFirmware();
  const counters = new OpCounters();
  try {
    const beam = arg("beam", "e+70");
    const idle = await idleRates(counters, beam);
    const run = await measureOps({ beam, intensity: Number(arg("intensity", "1")), spills: Number(arg("spills", "1")), seed: Number(arg("seed", "1")) }, counters, idle);
    console.log(`${run.beam} intensity ${run.intensity}, ${run.spills} spill(s), seed ${run.seed}: ${run.triggers} triggers (${run.triggerRateHz.toFixed(0)} Hz), checks ${run.ok ? "pass" : "FAIL"}`);
    for (const b of run.boards)
      console.log(
        `  ${b.board.padEnd(12)} ${Math.round(b.opsPerEvent).toString().padStart(7)} ops/event (raw ${Math.round(b.opsPerEventRaw)}, idle ${b.idleOpsPerS} ops/s)  ESP32-S3 load ${b.esp32LoadPercent.toFixed(0)} %`,
      );
    if (process.argv.includes("--out")) {
      mkdirSync(join(PROJECT_ROOT, "benchmarks", "results"), { recursive: true });
      writeFileSync(
        join(PROJECT_ROOT, "benchmarks", "results", "firmware-ops.json"),
        JSON.stringify({ command: "npx tsx benchmarks/firmware-ops.ts --out", date: new Date().toISOString(), machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg() }, esp32OpsPerS: ESP32_OPS_PER_S, runs: [run] }, null, 2) + "\n",
      );
    }
  } finally {
    counters.stop();
  }
}
