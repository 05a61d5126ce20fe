// Firmware benchmark (`npm run bench:firmware`): what the readout-board images cost in the
// DeviceScript WASM VM (`devs run --tcp`, no GC stress), with realistic data from the simulator
// (70 GeV e+, its front ends programmed with the e+70 preset's registers: feature readout) and the
// configurations the host computes from the e+70 preset. Measured:
//   1. image size per role (`devs build --stats`) and the largest functions;
//   2. end to end: the built image in the VM against the host's board server (src/link), fed
//      INJECT frames of FIFO records as fast as its window allows: events/s per board and workload;
//   3. peak heap: the largest ballast buffer a build of the calorimeter image can hold while it
//      runs its heaviest load (ring full of unacknowledged frames, host window full of INJECT
//      frames of 72-channel events with 72 x 48-sample waveforms), against the largest an empty
//      program can hold.
// VM operations per event of a whole run are benchmarks/firmware-ops.ts's (an exact counter).
// Writes benchmarks/results/firmware.json and prints a table.
import { frontEndRegisters } from "../src/config/registers";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../boards/setup";
import { FrontEndSimulator } from "../simulator/frontend";
import { loadBeam } from "../src/config/beam";
import { convertNamedPreset } from "../src/config/named";
import { programFrontEnds } from "../src/config/registers";
import { decodeFifoRecords } from "../protocol/fifo-records";
import { configHash } from "../protocol/config-hash";
import { readoutItems } from "../protocol/readout";
import type { Frame } from "../protocol/frame";
import type { FifoFeaturesRec } from "../protocol/schema/fifo";
import type { ConfigMsg } from "../protocol/schema/messages";
import { MAX_INJECT_BYTES } from "../protocol/schema/limits";
import { RunAction } from "../protocol/schema/enums";
import { loadPreset } from "../src/presets/load";
import { convertPreset } from "../src/config/convert";
import { BoardServer } from "../src/link/board-server";
import { DEVS_CLI, JacdacBus, PROJECT_ROOT as ROOT, VmBoard } from "../src/vm/launcher";
import { ensureFirmware, imagePath } from "../src/firmware/images";
import { eventRecord, frontEndRecords, packInject, Rng, type AnyRecord, type ChannelWave } from "../testkit/fifo-records";

const HEAP_KB = 64;
const quick = process.argv.includes("--quick");
/** `--only sizes,e2e,heap`: run only those parts (for development; the results file is not written). */
const onlyArg = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const only = onlyArg ? new Set(onlyArg.split(",")) : undefined;
const part = (name: string) => !only || only.has(name);
/** `--workloads=0,3`: only those workloads (indexes into workloads()), with --only. */
const pickArg = process.argv.find((a) => a.startsWith("--workloads="))?.slice(12);

// ---------------------------------------------------------------- workloads

interface Workload {
  name: string;
  board: number;
  image: "calorimeter" | "veto" | "trigger";
  config: ConfigMsg;
  records: AnyRecord[];
  channelsMedian: number;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : 0;
}

/** Records per board from the simulator: e+70 beam, registers of the e+70 preset as the boards write them (feature readout). */
function simulatorRecords(events: number): Map<number, AnyRecord[]> {
  const setup = loadSetup();
  const sim = new FrontEndSimulator(setup, loadBeam("e+70"), { seed: 7, fifoDepth: 1 << 16 });
  programFrontEnds(sim, convertNamedPreset("e+70", {}, setup).boards);
  sim.beginSpill(1);
  const out = new Map<number, AnyRecord[]>();
  let t = 0;
  const step = Math.floor(sim.spillTicks / 200);
  while ((out.get(3)?.length ?? 0) < events && t < sim.spillTicks) {
    t = Math.min(sim.spillTicks, t + step);
    sim.advance(t);
    for (const id of sim.boardIds()) {
      let bytes: Uint8Array;
      while ((bytes = sim.takeRecords(id, MAX_INJECT_BYTES)).length) {
        const list = out.get(id) ?? [];
        for (const r of decodeFifoRecords(bytes)) if (r.name === "FEATURES" || r.name === "EVENT" || r.name === "TRIGGER") list.push({ name: r.name, body: r.body } as AnyRecord);
        out.set(id, list);
      }
    }
  }
  // The first `events` triggers of each board, each with its waveform records.
  for (const [id, l] of out) {
    let k = 0;
    let n = 0;
    while (k < l.length && n < events) if (l[k++]!.name !== "EVENT") n++;
    out.set(id, l.slice(0, k));
  }
  return out;
}

/** Triggers in a list of records (FEATURES or TRIGGER records; waveform records belong to them). */
function triggersIn(records: readonly AnyRecord[]): number {
  return records.filter((r) => r.name !== "EVENT").length;
}

/** Events and triggers a READOUT frame carries. */
function readoutCount(f: Frame): number {
  return f.name === "READOUT" ? readoutItems(f.body).filter((i) => i.name !== "WAVEFORM").length : 0;
}

/** The worst case of a calorimeter board: all 36 channels hit, showers of every size, every 10th a waveform event. */
function worstRecords(config: ConfigMsg, n: number): AnyRecord[] {
  const rng = new Rng(36);
  const events = [];
  for (let t = 1; t <= n; t++) {
    const chans: ChannelWave[] = [];
    for (let ch = 0; ch < 36; ch++) chans.push({ ch, pulses: [{ amplitudeAdc: 20 + rng.uniform() * 1500, peakSample: 13.5 + rng.uniform() }] });
    events.push(eventRecord(t, 32, chans, rng));
  }
  return frontEndRecords(frontEndRegisters(config), events, (e) => e.triggerNumber % 10 === 0);
}

function workloads(events: number): Workload[] {
  const setup = loadSetup();
  const preset = loadPreset("e+70");
  const conv = convertPreset(preset.name, preset.preset, setup);
  const cfg = (id: number) => conv.boards.find((b) => b.boardId === id)!.config;
  const sim = simulatorRecords(events);
  const chans = (l: AnyRecord[]) => median(l.filter((r) => r.name === "FEATURES").map((r) => (r.body as FifoFeaturesRec).hits.n));
  const w = (name: string, board: number, image: Workload["image"], records: AnyRecord[], config = cfg(board)): Workload => ({ name, board, image, config, records, channelsMedian: chans(records) });
  return [
    w("calorimeter: ECAL main, 70 GeV e+ showers (simulator, feature readout)", 3, "calorimeter", sim.get(3)!),
    w("calorimeter: ECAL preshower, 70 GeV e+ (simulator)", 2, "calorimeter", sim.get(2)!),
    w("calorimeter: HCAL, 70 GeV e+ (simulator)", 4, "calorimeter", sim.get(4)!),
    w("calorimeter: worst case, all 36 channels hit, every 10th event with its waveform", 3, "calorimeter", worstRecords(cfg(3), Math.min(events, 400))),
    w("veto: counters, veto, SRD, VETO (simulator)", 5, "veto", sim.get(5)!),
    w("trigger: TRIGGER records (simulator)", 1, "trigger", sim.get(1)!),
  ];
}

// ---------------------------------------------------------------- 1. sizes

interface SizeRow {
  image: string;
  bytes: number;
  largestFunctions: { name: string; bytes: number }[];
}

function sizes(images: { entry: string; bytes: number; sizesPath: string }[]): SizeRow[] {
  return images.map((im) => {
    const rows = readFileSync(im.sizesPath, "utf-8")
      .split("\n")
      .map((l) => /^\s*(\d+) \| `(.+?)`/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[2]!, bytes: Number(m[1]) }))
      .sort((a, b) => b.bytes - a.bytes);
    return { image: im.entry, bytes: im.bytes, largestFunctions: rows.slice(0, 8) };
  });
}

// ---------------------------------------------------------------- 2. end to end

interface ThroughputRow {
  workload: string;
  board: number;
  events: number;
  /** Median hits per event. */
  channelsMedian: number;
  seconds: number;
  eventsPerSecond: number;
}

async function endToEnd(w: Workload): Promise<ThroughputRow> {
  const bus = await JacdacBus.start();
  const server = new BoardServer({ port: 0 });
  const addr = await server.listen();
  const vm = new VmBoard({ image: imagePath(w.image), boardId: w.board, hostPort: addr.port, bus });
  try {
    const [link] = await server.waitForBoards([w.board], 30_000);
    await link!.configure(w.config);
    const hash = configHash(w.config);
    await link!.runControl({ action: RunAction.BEGIN_RUN, runNumber: 1, spillNumber: 0, configHash: hash });
    const want = triggersIn(w.records);
    let got = 0;
    let last = 0;
    link!.onFrame((f) => {
      const n = readoutCount(f);
      if (n > 0) {
        got += n;
        last = performance.now();
      }
    });
    const payloads = packInject(w.records, link!.hello!.maxPayloadBytes - 2);
    const t0 = performance.now();
    for (const p of payloads) link!.send("INJECT", { records: p });
    const deadline = Date.now() + 300_000;
    while (got < want) {
      if (Date.now() > deadline) throw new Error(`${w.name}: ${got}/${want} events after 300 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (last - t0) / 1000;
    return { workload: w.name, board: w.board, events: want, channelsMedian: w.channelsMedian, seconds: round(seconds, 3), eventsPerSecond: Math.round(want / seconds) };
  } finally {
    await vm.kill();
    await server.close();
    await bus.close();
  }
}

// ---------------------------------------------------------------- 3. heap

interface HeapResult {
  heapKB: number;
  /** What an empty program can allocate (the heap left to any program). */
  emptyProgramFreeBytes: number;
  /** Largest ballast the calorimeter firmware runs with, configured and idle. */
  firmwareIdleFreeBytes: number;
  /** Largest ballast it runs with through its heaviest load. */
  firmwarePeakFreeBytes: number;
  firmwarePeakUseBytes: number;
  load: string;
  /** Largest ballast it runs with through a realistic run (ECAL main, 70 GeV showers, host ACKs). */
  firmwareRunFreeBytes: number;
  firmwareRunUseBytes: number;
  runLoad: string;
}

/** A build directory with links to the sources (as scripts/firmware-images.ts uses). */
function buildDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "na64-heap-"));
  for (const d of ["devs", "protocol", "boards", "node_modules"]) symlinkSync(join(ROOT, d), join(dir, d), "dir");
  for (const f of ["devsconfig.json", "package.json"]) copyFileSync(join(ROOT, f), join(dir, f));
  return dir;
}

function devs(args: string[], cwd: string, timeoutMs: number, until?: (out: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DEVS_CLI, ...args], { cwd });
    let out = "";
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve(out.replace(/\x1b\[[0-9;]*m/g, ""));
    };
    const timer = setTimeout(done, timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (until?.(out)) done();
    };
    child.stdout.on("data", on);
    child.stderr.on("data", on);
    child.on("close", done);
  });
}

/** Bytes an empty program can allocate: 256-byte buffers until OutOfMemory. */
async function emptyProgramFree(dir: string): Promise<number> {
  writeFileSync(
    join(dir, "heap-empty.ts"),
    `import * as ds from "@devicescript/core"\nconst keep: Buffer[] = []\nlet n = 0\nfor (;;) {\n    keep.push(Buffer.alloc(256))\n    n += 256\n    console.log("HEAP " + n)\n    await ds.sleep(0)\n}\n`,
  );
  const out = await devs(["run", "heap-empty.ts", "--test", "--test-self-exit", "-T", "30000"], dir, 60_000, (o) => /OutOfMemory|PANIC/.test(o));
  const all = [...out.matchAll(/HEAP (\d+)/g)].map((m) => Number(m[1]));
  return all.length ? all.at(-1)! : 0;
}

type Load = (server: BoardServer, board: number) => Promise<void>;

/** Run an image under `load`; false when it ran out of memory, panicked or restarted. */
async function survives(image: string, load: Load, serverOpts: ConstructorParameters<typeof BoardServer>[0]): Promise<boolean> {
  const bus = await JacdacBus.start();
  const board = 3;
  const server = new BoardServer({ ...serverOpts, port: 0 });
  const addr = await server.listen();
  const vm = new VmBoard({ image, boardId: board, hostPort: addr.port, bus });
  let ok = true;
  try {
    await server.waitForBoards([board], 30_000);
    await load(server, board);
    if ((server.link(board)?.stats.reboots ?? 0) > 0) ok = false;
  } catch {
    ok = false;
  } finally {
    if (vm.logs.some((l) => /OutOfMemory|PANIC|RangeError/.test(l))) ok = false;
    await vm.kill();
    await server.close();
    await bus.close();
  }
  return ok;
}

/**
 * Largest ballast (a buffer allocated at start and kept) with which the calorimeter firmware
 * survives `load`: bisection over builds of devs/calorimeter.ts with the ballast added.
 */
async function firmwareFree(dir: string, load: Load, serverOpts: ConstructorParameters<typeof BoardServer>[0], hi: number): Promise<number> {
  const entry = readFileSync(join(ROOT, "devs", "calorimeter.ts"), "utf-8").replace(/from "\.\//g, 'from "./devs/').replace(/from "\.\.\//g, 'from "./');
  let lo = 0;
  let top = hi;
  while (top - lo > 512) {
    const mid = Math.floor((lo + top) / 512) * 256;
    const file = `heap-probe-${mid}.ts`;
    writeFileSync(join(dir, file), entry.replace("const board = new Board(", `export const ballast = Buffer.alloc(${mid})\nconst board = new Board(`));
    const built = await devs(["build", file], dir, 120_000);
    if (/error TS|exception/i.test(built)) throw new Error(`heap probe build failed:\n${built}`);
    const image = join(dir, `${file}.devs`);
    copyFileSync(join(dir, ".devicescript", "bin", "bytecode.devs"), image);
    if (await survives(image, load, serverOpts)) lo = mid;
    else top = mid;
  }
  return lo;
}

function bigConfig(base: ConfigMsg): ConfigMsg {
  const c = JSON.parse(JSON.stringify(base)) as ConfigMsg;
  const cc = c.channels;
  const k = cc.n;
  for (let ch = k; ch < 72; ch++) {
    cc.thresholdAdc.push(cc.thresholdAdc[ch % k]!);
    cc.pedestalQ4.push(cc.pedestalQ4[ch % k]!);
    cc.timeExpectedQ8.push(cc.timeExpectedQ8[ch % k]!);
    cc.timeHalfWindowQ8.push(cc.timeHalfWindowQ8[ch % k]!);
    cc.vetoThresholdAdc.push(0);
    cc.energyEvPerAdc.push(cc.energyEvPerAdc[ch % k]!);
    cc.chanFlags.push(cc.chanFlags[ch % k]!);
  }
  cc.n = 72;
  c.windowSamples = 48;
  c.configVersion = 99;
  return c;
}

async function heap(ws: Workload[]): Promise<HeapResult> {
  const dir = buildDir();
  try {
    const empty = await emptyProgramFree(dir);
    const worst = ws[3]!.config;
    const idle: Load = async (server, board) => {
      await server.link(board)!.configure(worst);
      await new Promise((r) => setTimeout(r, 1500));
    };
    // The peak: the host never acknowledges (the ring fills until the board is BUSY), while the
    // board's window stays full of INJECT frames of the largest events (72 hits, each with its
    // 72 x 48-sample waveform in three records).
    const big = bigConfig(worst);
    const rng = new Rng(48);
    const events = [];
    for (let t = 1; t <= 60; t++) {
      const chans: ChannelWave[] = [];
      for (let ch = 0; ch < 72; ch++) chans.push({ ch, pulses: [{ amplitudeAdc: 100 + 30 * ch, peakSample: 14 }, { amplitudeAdc: 300, peakSample: 30 }] });
      events.push(eventRecord(t, 48, chans, rng));
    }
    const records = frontEndRecords(frontEndRegisters(big), events, () => true);
    const peak: Load = async (server, board) => {
      const link = server.link(board)!;
      await link.configure(big);
      await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 1, spillNumber: 0, configHash: configHash(big) });
      let busy = false;
      link.onFrame((f) => {
        if (f.name === "STATUS" && f.body.busy) busy = true;
      });
      for (const p of packInject(records, link.hello!.maxPayloadBytes - 2)) link.send("INJECT", { records: p });
      const t0 = Date.now();
      while (!busy && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
      if (!busy) throw new Error("the board never went BUSY");
      await new Promise((r) => setTimeout(r, 1500));
    };
    // A realistic run: ECAL main records of 70 GeV showers streamed in INJECT frames, the host
    // acknowledging as it does in a run, until every event came back.
    const main = ws[0]!;
    const run: Load = async (server, board) => {
      const link = server.link(board)!;
      await link.configure(main.config);
      await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 1, spillNumber: 0, configHash: configHash(main.config) });
      let got = 0;
      link.onFrame((f) => {
        got += readoutCount(f);
      });
      const records = main.records;
      const want = triggersIn(records);
      for (const p of packInject(records, link.hello!.maxPayloadBytes - 2)) link.send("INJECT", { records: p });
      const t0 = Date.now();
      while (got < want && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
      if (got < want) throw new Error(`${got}/${want} events came back`);
    };
    const noAcks = { ackEveryFrames: 1e9, ackEveryBytes: 1e9, ackEveryMs: 1e9 };
    const idleFree = await firmwareFree(dir, idle, {}, empty);
    const runFree = await firmwareFree(dir, run, {}, idleFree);
    const peakFree = await firmwareFree(dir, peak, noAcks, runFree);
    return {
      heapKB: HEAP_KB,
      emptyProgramFreeBytes: empty,
      firmwareIdleFreeBytes: idleFree,
      firmwarePeakFreeBytes: peakFree,
      firmwarePeakUseBytes: empty - peakFree,
      load: "calorimeter image, 72-hit events with 72 x 48-sample waveforms (2.4 KB INJECT frames), no host ACKs: resend ring full (BUSY) with a host frame waiting",
      firmwareRunFreeBytes: runFree,
      firmwareRunUseBytes: empty - runFree,
      runLoad: "calorimeter image, ECAL main, the benchmark's events of 70 GeV e+ showers (feature readout) in INJECT frames, host ACKs as in a run",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const images = await ensureFirmware();
  const sizeRows = sizes(images);
  if (part("sizes")) {
    console.log("image sizes (devs build --stats):");
    for (const r of sizeRows) console.log(`  ${r.image.padEnd(12)} ${String(r.bytes).padStart(6)} B  (${(r.bytes / 1024).toFixed(1)} KB; target 32 KB)`);
  }

  const events = quick ? 300 : 2000;
  let ws = workloads(events);
  const all = ws;
  if (only && pickArg) {
    const pick = new Set(pickArg.split(",").map(Number));
    ws = ws.filter((_, i) => pick.has(i));
  }
  const e2e: ThroughputRow[] = [];
  if (part("e2e"))
    for (const w of ws) {
      const r = await endToEnd(w);
      e2e.push(r);
      console.log(`end to end  ${String(r.eventsPerSecond).padStart(6)} ev/s  ${w.name} (${r.events} events, median ${r.channelsMedian} channels)`);
    }
  const h = part("heap") ? await heap(all) : undefined;
  if (h) console.log(`heap: an empty program can allocate ${h.emptyProgramFreeBytes} B; the calorimeter firmware leaves ${h.firmwareIdleFreeBytes} B idle, ${h.firmwareRunFreeBytes} B through a realistic run (use ${h.firmwareRunUseBytes} B) and ${h.firmwarePeakFreeBytes} B at its peak -> peak use ${h.firmwarePeakUseBytes} B`);
  if (only) return;

  const result = {
    generated: new Date().toISOString(),
    command: "npm run bench:firmware",
    vm: "DeviceScript 2.16.4 WASM VM, devs run --tcp (no GC stress), node " + process.version,
    data: "simulator/ e+70 beam (seed 7), front ends programmed with the e+70 preset's registers (feature readout); configurations from the e+70 preset (src/config/convert.ts)",
    targets: { imageBytes: 32 * 1024, peakHeapBytes: 32 * 1024 },
    images: sizeRows,
    endToEnd: e2e,
    heap: h,
  };
  mkdirSync(join(ROOT, "benchmarks", "results"), { recursive: true });
  writeFileSync(join(ROOT, "benchmarks", "results", "firmware.json"), JSON.stringify(result, null, 2) + "\n");
  console.log("wrote benchmarks/results/firmware.json");
}

await main();
