// Firmware benchmark (`npm run bench:firmware`): what the readout-board images cost in the
// DeviceScript WASM VM (`devs run --tcp`, no GC stress), with realistic data from the simulator
// (70 GeV e+, simulator/ with the standalone register settings) and the configurations the host
// computes from the e+70 preset. Measured:
//   1. image size per role (`devs build --stats`) and the largest functions;
//   2. end to end: the built image in the VM against the host's board server (src/link), fed
//      INJECT frames as fast as its window allows: events/s per board and workload;
//   3. the firmware's per-event path alone in the VM (benchmarks/vm/firmware.ts): us per event, and the
//      VM opcodes per event bracketed with the 128 K-opcode watchdog;
//   4. peak heap: the largest ballast buffer a build of the calorimeter image can hold while it
//      runs its heaviest load (ring full of unacknowledged frames, host window full of 8 KB
//      INJECT frames of 72 x 48-sample events), against the largest an empty program can hold.
// Writes benchmarks/results/firmware.json and prints a table.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../boards/setup";
import { FrontEndSimulator } from "../simulator/frontend";
import { loadBeam } from "../src/config/beam";
import { convertNamedPreset } from "../src/config/named";
import { programFrontEnds } from "../src/config/registers";
import { decodeFifoRecords } from "../protocol/fifo-records";
import { encodeFrame } from "../protocol/frame";
import { configHash } from "../protocol/config-hash";
import type { FifoEventRec, FifoTriggerRec } from "../protocol/schema/fifo";
import type { ConfigMsg } from "../protocol/schema/messages";
import { MAX_INJECT_BYTES } from "../protocol/schema/limits";
import { RunAction } from "../protocol/schema/enums";
import { loadPreset } from "../src/presets/load";
import { convertPreset } from "../src/config/convert";
import { BoardServer } from "../src/link/board-server";
import { DEVS_CLI, JacdacBus, PROJECT_ROOT as ROOT, VmBoard, deviceIdFor } from "../src/vm/launcher";
import { ensureFirmware, imagePath } from "../src/firmware/images";
import { eventRecord, packInject, Rng, type AnyRecord, type ChannelWave } from "../testkit/fifo-records";

const HEAP_KB = 64;
const quick = process.argv.includes("--quick");
/** `--only sizes,e2e,vm,heap`: run only those parts (for development; the results file is not written). */
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

/** Records per board from the simulator: e+70 beam, registers of the e+70 preset as the boards write them. */
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
        for (const r of decodeFifoRecords(bytes)) if (r.name === "EVENT" || r.name === "TRIGGER") list.push({ name: r.name, body: r.body } as AnyRecord);
        out.set(id, list);
      }
    }
  }
  for (const [id, l] of out) out.set(id, l.slice(0, events));
  return out;
}

/** The worst case of a calorimeter board: all 36 channels present, showers of every size. */
function worstRecords(n: number): AnyRecord[] {
  const rng = new Rng(36);
  const out: AnyRecord[] = [];
  for (let t = 1; t <= n; t++) {
    const chans: ChannelWave[] = [];
    for (let ch = 0; ch < 36; ch++) chans.push({ ch, pulses: [{ amplitudeAdc: 20 + rng.uniform() * 1500, peakSample: 13.5 + rng.uniform() }] });
    out.push({ name: "EVENT", body: eventRecord(t, 32, chans, rng) });
  }
  return out;
}

function workloads(events: number): Workload[] {
  const setup = loadSetup();
  const preset = loadPreset("e+70");
  const conv = convertPreset(preset.name, preset.preset, setup);
  const cfg = (id: number) => conv.boards.find((b) => b.boardId === id)!.config;
  const sim = simulatorRecords(events);
  const chans = (l: AnyRecord[]) => median(l.filter((r) => r.name === "EVENT").map((r) => (r.body as FifoEventRec).channels.length));
  const w = (name: string, board: number, image: Workload["image"], records: AnyRecord[], config = cfg(board)): Workload => ({ name, board, image, config, records, channelsMedian: chans(records) });
  return [
    w("calorimeter: ECAL main, 70 GeV e+ showers (simulator, hardware zero suppression)", 3, "calorimeter", sim.get(3)!),
    w("calorimeter: ECAL preshower, 70 GeV e+ (simulator)", 2, "calorimeter", sim.get(2)!),
    w("calorimeter: HCAL, 70 GeV e+ (simulator)", 4, "calorimeter", sim.get(4)!),
    w("calorimeter: worst case, all 36 channels present", 3, "calorimeter", worstRecords(Math.min(events, 400))),
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
    const kind = w.image === "trigger" ? "TRIGGER" : "EVENT";
    const want = w.records.length;
    let got = 0;
    let last = 0;
    link!.onFrame((f) => {
      if (f.name === kind) {
        got++;
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

// ---------------------------------------------------------------- 3. per-event path in the VM

interface KernelRow {
  workload: string;
  usPerEvent: number;
  eventsPerSecond: number;
  opcodesPerEvent: { min: number; max: number };
}

const VM_PROGRAM = join(ROOT, "benchmarks", "vm", "firmware.ts");

/** Serve one benchmarks/vm/firmware.ts run: send workloads, collect its lines, until `stop` says so. */
async function vmBench(items: { w: Workload; mode: number; label: number }[], stop: (lines: string[]) => boolean): Promise<string[]> {
  const bus = await JacdacBus.start();
  const lines: string[] = [];
  let server: Server | undefined;
  const port = await new Promise<number>((resolve) => {
    server = createServer((s: Socket) => {
      let queue = [...items];
      const sendNext = () => {
        const it = queue.shift();
        if (!it) return;
        s.write(encodeFrame("CONFIG", it.w.config, { source: 0, seq: 1 }));
        const evs = it.w.records.filter((r) => r.name === "EVENT").slice(0, 8);
        for (const p of packInject(evs, 4094)) s.write(encodeFrame("INJECT", { records: p }, { source: 0, seq: 2 }));
        s.write(encodeFrame("RUN_CONTROL", { action: it.mode, runNumber: it.label, spillNumber: 0, configHash: 0 }, { source: 0, seq: 3 }));
      };
      s.on("data", (d) => {
        const t = d.toString();
        if (t.includes("ready") || t.includes("done")) sendNext();
      });
      s.on("error", () => {});
    });
    server.listen(0, "127.0.0.1", () => resolve((server!.address() as { port: number }).port));
  });
  const child = spawn(process.execPath, [DEVS_CLI, "run", "--tcp", VM_PROGRAM, "--device-id", deviceIdFor(1, port)], { cwd: ROOT });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`benchmarks/vm/firmware.ts did not finish:\n${lines.slice(-20).join("\n")}`)), 600_000);
      const onData = (d: Buffer) => {
        for (const l of d.toString().replace(/\x1b\[[0-9;]*m/g, "").split("\n")) if (l.trim()) lines.push(l);
        if (stop(lines)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
    });
  } finally {
    child.kill("SIGKILL");
    server!.close();
    await bus.close();
  }
  return lines;
}

async function kernel(ws: Workload[]): Promise<KernelRow[]> {
  const digitisers = ws.filter((w) => w.image !== "trigger");
  const items = digitisers.map((w, i) => ({ w, mode: 1, label: i }));
  const timing = await vmBench(items, (l) => l.filter((x) => x.includes("FWBENCH w")).length >= items.length || l.some((x) => /PANIC|Exception/.test(x)));
  const rows: KernelRow[] = [];
  for (const [i, w] of digitisers.entries()) {
    const m = timing.map((l) => new RegExp(`FWBENCH w${i} rounds=[\\d,]+ us=(\\d+)`).exec(l)).find((x) => x);
    if (!m) throw new Error(`no timing for ${w.name}:\n${timing.slice(-20).join("\n")}`);
    const us = Number(m[1]);
    // Opcodes: one run per workload, ended by the watchdog.
    const ops = await vmBench([{ w, mode: 2, label: i }], (l) => l.some((x) => /InfiniteLoop|PANIC 60001/.test(x)));
    const oks = ops.map((l) => new RegExp(`FWOPS w${i} ok (\\d+)`).exec(l)).filter((x): x is RegExpExecArray => x !== null);
    const k = oks.length ? Number(oks.at(-1)![1]) : 0;
    const steps = 128 * 1024;
    rows.push({ workload: w.name, usPerEvent: us, eventsPerSecond: Math.round(1e6 / us), opcodesPerEvent: { min: Math.round(steps / (k + 1)), max: k > 0 ? Math.round(steps / k) : steps } });
  }
  return rows;
}

// ---------------------------------------------------------------- 4. heap

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
    // board's window stays full of 8 KB INJECT frames of the largest events (72 x 48 samples).
    const big = bigConfig(worst);
    const rng = new Rng(48);
    const records: AnyRecord[] = [];
    for (let t = 1; t <= 60; t++) {
      const chans: ChannelWave[] = [];
      for (let ch = 0; ch < 72; ch++) chans.push({ ch, pulses: [{ amplitudeAdc: 100 + 30 * ch, peakSample: 14 }, { amplitudeAdc: 300, peakSample: 30 }] });
      records.push({ name: "EVENT", body: eventRecord(t, 48, chans, rng) });
    }
    const peak: Load = async (server, board) => {
      const link = server.link(board)!;
      const connects = link.stats.connects;
      await link.configure(big);
      // 72 x 48-sample records need larger host frames: the board reconnects to announce them.
      const t1 = Date.now();
      while (!(link.stats.connects > connects && link.connected) && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 20));
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
    // acknowledging as it does in a run, until every EVENT came back.
    const main = ws[0]!;
    const run: Load = async (server, board) => {
      const link = server.link(board)!;
      await link.configure(main.config);
      await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 1, spillNumber: 0, configHash: configHash(main.config) });
      let got = 0;
      link.onFrame((f) => {
        if (f.name === "EVENT") got++;
      });
      const records = main.records.slice(0, 600);
      for (const p of packInject(records, link.hello!.maxPayloadBytes - 2)) link.send("INJECT", { records: p });
      const t0 = Date.now();
      while (got < records.length && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
      if (got < records.length) throw new Error(`${got}/${records.length} events came back`);
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
      load: "calorimeter image, 72 x 48-sample events (7 KB INJECT frames), no host ACKs: resend ring full (BUSY) with a host frame waiting",
      firmwareRunFreeBytes: runFree,
      firmwareRunUseBytes: empty - runFree,
      runLoad: "calorimeter image, ECAL main, 600 events of 70 GeV e+ showers in INJECT frames, host ACKs as in a run",
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
  const k = part("vm") ? await kernel(ws) : [];
  for (const r of k) console.log(`in the VM   ${String(r.eventsPerSecond).padStart(6)} ev/s  ${String(r.usPerEvent).padStart(5)} us/event  ${r.opcodesPerEvent.min}-${r.opcodesPerEvent.max} opcodes/event  ${r.workload}`);
  const h = part("heap") ? await heap(all) : undefined;
  if (h) console.log(`heap: an empty program can allocate ${h.emptyProgramFreeBytes} B; the calorimeter firmware leaves ${h.firmwareIdleFreeBytes} B idle, ${h.firmwareRunFreeBytes} B through a realistic run (use ${h.firmwareRunUseBytes} B) and ${h.firmwarePeakFreeBytes} B at its peak -> peak use ${h.firmwarePeakUseBytes} B`);
  if (only) return;

  const result = {
    generated: new Date().toISOString(),
    command: "npm run bench:firmware",
    vm: "DeviceScript 2.16.4 WASM VM, devs run --tcp (no GC stress), node " + process.version,
    data: "simulator/ e+70 beam (seed 7, standalone registers, 3-sigma zero suppression); configurations from the e+70 preset (src/config/convert.ts)",
    targets: { calorimeterEventsPerSecond: 4000, imageBytes: 32 * 1024, peakHeapBytes: 32 * 1024 },
    images: sizeRows,
    endToEnd: e2e,
    perEventInVm: k,
    heap: h,
  };
  mkdirSync(join(ROOT, "benchmarks", "results"), { recursive: true });
  writeFileSync(join(ROOT, "benchmarks", "results", "firmware.json"), JSON.stringify(result, null, 2) + "\n");
  console.log("wrote benchmarks/results/firmware.json");
}

await main();
