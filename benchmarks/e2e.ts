// End-to-end bench throughput: the real firmware images in the VM, the simulator and the host, as
// `na64fe bench` runs them, at two intensities. Reports events/s after start-up and where the wall
// time goes (simulator, waiting for the boards = VM processing and link round trips, host).
// Run: npx tsx benchmarks/e2e.ts   (writes benchmarks/results/e2e.json)
import { writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { runBench } from "../src/bench/run";

interface Row {
  intensity: number;
  particles: number;
  triggers: number;
  wallS: number;
  startupS: number;
  eventsPerS: number;
  simulatorS: number;
  waitBoardsS: number;
  hostS: number;
  ok: boolean;
}

const rows: Row[] = [];
for (const intensity of [0.05, 0.25]) {
  const r = await runBench({ intensity, outDir: undefined });
  const t = r.timing;
  const row: Row = {
    intensity,
    particles: Math.round(r.beam.intensityPerSpill),
    triggers: r.events,
    wallS: t.wallMs / 1000,
    startupS: t.startupMs / 1000,
    eventsPerS: r.events / ((t.wallMs - t.startupMs) / 1000),
    simulatorS: t.simulatorMs / 1000,
    waitBoardsS: t.waitBoardsMs / 1000,
    hostS: t.hostMs / 1000,
    ok: r.ok,
  };
  rows.push(row);
  console.log(
    `intensity ${(intensity * 100).toFixed(0)}%: ${row.triggers} triggers, ${row.wallS.toFixed(1)} s wall (start-up ${row.startupS.toFixed(1)} s), ` +
      `${row.eventsPerS.toFixed(0)} events/s; simulator ${row.simulatorS.toFixed(2)} s, waiting for boards ${row.waitBoardsS.toFixed(2)} s, host ${row.hostS.toFixed(2)} s; ${row.ok ? "PASS" : "FAIL"}`,
  );
}
mkdirSync("benchmarks/results", { recursive: true });
writeFileSync(
  "benchmarks/results/e2e.json",
  JSON.stringify(
    {
      benchmark: "end-to-end bench run (na64fe bench): 5 firmware VMs + simulator + host, one 70 GeV e+ spill",
      command: "npx tsx benchmarks/e2e.ts",
      date: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg() },
      rows,
    },
    null,
    2,
  ) + "\n",
);
