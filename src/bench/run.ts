// The bench run: the real firmware images in one DeviceScript VM per board, the DAQ host's board
// server, and the simulator as detector and front-end hardware, connected exactly as hardware
// would be. The simulator is the clock: each step simulates a slice of beam, reads every FIFO out
// into INJECT frames, and waits until every board has processed them. The host records the run,
// builds events, and checks that every hardware trigger became an event from every board.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { loadSetup, type BoardInfo, type Setup } from "../../boards/setup";
import { FrontEndSimulator } from "../../simulator/frontend";
import type { BeamSpec } from "../../simulator/beam";
import type { FifoSpillEndRec } from "../../protocol/schema/fifo";
import type { Frame } from "../../protocol/frame";
import { encodeConfigPayload } from "../../protocol/config-hash";
import { MAX_PAYLOAD_BYTES } from "../../protocol/schema/limits";
import { RunAction } from "../../protocol/schema/enums";
import { Reg } from "../../protocol/generated/registers";
import type { ConfigMsg, HelloMsg, ScalersMsg } from "../../protocol/schema/messages";
import { ensureFirmware, imagePath } from "../../scripts/firmware-images";
import { BoardServer } from "../link/board-server";
import type { BoardLink } from "../link/board-link";
import { JacdacBus, VmBoard } from "../vm/launcher";
import { loadPreset } from "../presets/load";
import { convertPreset, type Conversion } from "../config/convert";
import { EventBuilder, type SpillReport } from "../builder/builder";
import { RunWriter } from "../runfile/writer";
import { makeSnapshot } from "../runfile/snapshot";
import { resolveBenchOptions, type BenchOptions } from "./options";
import { benchBeam } from "./beam";
import { InjectLedger, packRecords, splitRecords } from "./inject-ledger";
import { PhysicsSummary } from "./physics-summary";
import { accountRun, type Check, type SpillAccount } from "./accounting";

/** The bench could not run to the end (a board never answered, a VM died...). */
export class BenchError extends Error {
  constructor(
    readonly stage: string,
    detail: string,
  ) {
    super(`bench ${stage}: ${detail}`);
    this.name = "BenchError";
  }
}

export interface BenchProgress {
  spill: number;
  spills: number;
  slice: number;
  slices: number;
  events: number;
}

export interface BenchHooks {
  onProgress?: (p: BenchProgress) => void;
  /** Human-readable steps ("configuring 5 boards", ...). */
  onStep?: (s: string) => void;
}

export interface BoardResult {
  id: number;
  name: string;
  role: string;
  image: string;
  imageBytes: number;
  hello: HelloMsg;
  configHash: number;
  frames: number;
  bytes: number;
  link: BoardLink["up"]["stats"] & { reconnects: number; restarts: number; resendRequests: number };
}

export interface BenchTiming {
  wallMs: number;
  startupMs: number;
  simulatorMs: number;
  waitBoardsMs: number;
  hostMs: number;
}

export interface BenchResult {
  ok: boolean;
  options: BenchOptions;
  preset: string;
  beam: BeamSpec;
  runNumber: number;
  runFile?: string;
  boards: BoardResult[];
  spills: SpillAccount[];
  checks: Check[];
  summary: PhysicsSummary;
  conversion: Conversion;
  timing: BenchTiming;
  protocolErrors: Record<string, number>;
  events: number;
}

/** A board that restarts more often than this in one bench run fails the run. */
const MAX_RESTARTS = 3;

const ROLE_IMAGE: Record<string, string> = { trigger: "trigger", calorimeter: "calorimeter", veto: "veto" };
const RUN_FILE = /^run-(\d{6,})\.na64$/;

function nextRunNumber(dir: string): number {
  if (!existsSync(dir)) return 1;
  let n = 0;
  for (const f of readdirSync(dir)) {
    const m = RUN_FILE.exec(f);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return n + 1;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBench(input: Partial<BenchOptions> = {}, hooks: BenchHooks = {}): Promise<BenchResult> {
  const t0 = performance.now();
  const o = resolveBenchOptions(input);
  const step = hooks.onStep ?? (() => undefined);
  const setup = loadSetup();
  const preset = loadPreset(o.beam);
  const conversion = convertPreset(preset.name, preset.preset, setup, o.massMeV !== undefined ? { darkPhotonMassMeV: o.massMeV } : {});
  const beam = benchBeam(preset.preset, o);
  const configs = new Map<number, ConfigMsg>(conversion.boards.map((b) => [b.boardId, b.config]));
  const hashes = new Map<number, number>(conversion.boards.map((b) => [b.boardId, b.hash]));
  const sim = new FrontEndSimulator(setup, beam, { seed: o.seed, fifoDepth: o.fifoDepth });

  step("checking the firmware images");
  const images = new Map((await ensureFirmware()).map((i) => [i.entry, i]));
  for (const b of setup.boards) if (!images.has(ROLE_IMAGE[b.role]!)) throw new BenchError("firmware", `no image for role ${b.role} (devs/${ROLE_IMAGE[b.role]}.ts)`);

  // ---- host side: everything a frame goes through ----
  const timing: BenchTiming = { wallMs: 0, startupMs: 0, simulatorMs: 0, waitBoardsMs: 0, hostMs: 0 };
  let writer: RunWriter | undefined;
  const early: Array<{ boardId: number; raw: Uint8Array }> = [];
  const ledger = new InjectLedger();
  const frameStats = new Map<number, { frames: number; bytes: number }>();
  /** Unique EVENT/TRIGGER trigger numbers per board in the current spill. */
  let seenThisSpill = new Map<number, Set<number>>();
  const firmwareErrors: string[] = [];
  let currentSpill = 0;
  const spillReports = new Map<number, SpillReport>();
  const summaryBoards = { setup, configs };
  let summary: PhysicsSummary | undefined;
  const builder = new EventBuilder({
    boards: setup.boards.map((b) => ({ id: b.id, kind: b.role === "trigger" ? "trigger" : "digitiser", configHash: hashes.get(b.id) })),
    onEvent: (e) => summary!.add(e),
    onSpill: (r) => spillReports.set(r.spill, r),
  });
  summary = new PhysicsSummary(
    {
      beamEnergyGeV: beam.energyGeV,
      hcalVetoMaxGeV: preset.preset.analysis.hcalVetoMaxGeV.value,
      ecalMaxGeV: preset.preset.analysis.ecalSignalMaxGeV?.value ?? 0.5 * beam.energyGeV,
      ...(conversion.signal ? { signal: conversion.signal } : {}),
    },
    summaryBoards,
    builder.boardIds,
  );

  const server = new BoardServer({ port: o.port, requestTimeoutMs: o.timeoutMs, beforeAck: () => writer?.flush() });
  server.on("frame", (link, f) => {
    const h0 = performance.now();
    const st = frameStats.get(link.boardId) ?? { frames: 0, bytes: 0 };
    st.frames++;
    st.bytes += f.bytes;
    frameStats.set(link.boardId, st);
    if (writer) writer.appendFrame(link.boardId, f.raw);
    else if (o.outDir) early.push({ boardId: link.boardId, raw: Buffer.from(f.raw) });
    onBoardFrame(link.boardId, f);
    builder.push(f);
    timing.hostMs += performance.now() - h0;
  });
  const onBoardFrame = (boardId: number, f: Frame) => {
    switch (f.name) {
      case "FE_WRITE":
        try {
          sim.applyFeWrite(boardId, f.body.regs);
        } catch (e) {
          firmwareErrors.push(`board ${boardId} wrote front-end registers the hardware refuses: ${(e as Error).message}`);
        }
        return;
      case "EVENT":
      case "TRIGGER": {
        ledger.resultArrived(boardId, f.body.spillNumber, f.body.triggerNumber);
        if (f.body.spillNumber === currentSpill) {
          let s = seenThisSpill.get(boardId);
          if (!s) seenThisSpill.set(boardId, (s = new Set()));
          s.add(f.body.triggerNumber);
        }
        return;
      }
      case "SCALERS":
        ledger.spillDone(boardId, f.body.spillNumber);
        return;
      case "LOG":
        if (f.body.level >= 3) firmwareErrors.push(`board ${boardId} LOG code ${f.body.code} (${f.body.arg0}, ${f.body.arg1}) ${f.body.text}`);
        return;
      default:
        return;
    }
  };
  const restarted: number[] = [];
  const restarts = new Map<number, number>();
  const restartsThisSpill = new Set<number>();
  server.on("hello", (link, info) => {
    if (info.restarted) {
      if (!restarted.includes(link.boardId)) restarted.push(link.boardId);
      restarts.set(link.boardId, (restarts.get(link.boardId) ?? 0) + 1);
      restartsThisSpill.add(link.boardId);
    }
  });

  const addr = await server.listen();
  const bus = await JacdacBus.start();
  const vms = new Map<number, VmBoard>();
  const launch = (b: BoardInfo, dir?: string) => {
    const vm = new VmBoard({ image: imagePath(ROLE_IMAGE[b.role]!), boardId: b.id, hostPort: addr.port, ...(dir ? { dir } : {}) });
    vms.set(b.id, vm);
    return vm;
  };
  const expectedExit = new Set<VmBoard>();
  const vmDied = (): string | undefined => {
    for (const [id, vm] of vms) if (!vm.running && !expectedExit.has(vm)) return `the VM of board ${id} exited; its last output:\n${vm.logs.slice(-15).join("\n")}`;
    return undefined;
  };
  const links = () => setup.boards.map((b) => server.link(b.id)!);

  /** Wait for `cond`, failing early when a VM died; `stage` names what was awaited. */
  let started = false;
  const waitFor = async (cond: () => boolean, stage: string, timeoutMs = o.timeoutMs) => {
    const w0 = performance.now();
    for (;;) {
      await recoverRestarts();
      if (cond()) break;
      const died = vmDied();
      if (died) throw new BenchError(stage, died);
      if (performance.now() - w0 > timeoutMs) throw new BenchError(stage, `timed out after ${timeoutMs} ms`);
      await sleep(1);
    }
    if (started) timing.waitBoardsMs += performance.now() - w0;
  };

  let runActive = false;
  let spillOpen = false;
  let runNumber = 0;

  /** Bring a restarted board back into the run: configuration, run state, lost records. */
  let recovering = false;
  const recoverRestarts = async () => {
    if (recovering || !restarted.length) return;
    recovering = true;
    try {
      while (restarted.length) {
        const id = restarted.shift()!;
        const n = restarts.get(id) ?? 0;
        if (n > MAX_RESTARTS)
          throw new BenchError("recovery", `board ${id} restarted ${n} times; its last output:\n${vms.get(id)?.logs.slice(-15).join("\n")}`);
        const link = server.link(id)!;
        const b = conversion.boards.find((x) => x.boardId === id)!;
        if (link.hello?.configHash !== b.hash) await configureBoard(link, b.config, b.hash, b.payload);
        if (runActive) await link.runControl({ action: RunAction.BEGIN_RUN, runNumber, spillNumber: 0, configHash: b.hash });
        if (spillOpen) await link.runControl({ action: RunAction.BEGIN_SPILL, runNumber, spillNumber: currentSpill, configHash: b.hash });
        for (const payload of packRecords(ledger.replay(id), maxInject(link))) link.send("INJECT", { records: payload });
      }
    } finally {
      recovering = false;
    }
  };

  const configureBoard = async (link: BoardLink, config: ConfigMsg, hash: number, payload: Uint8Array) => {
    const ack = await link.configure(config);
    if (ack.configHash !== hash) throw new BenchError("configure", `board ${link.boardId} applied config hash 0x${ack.configHash.toString(16)}, expected 0x${hash.toString(16)}`);
    const back = encodeConfigPayload(await link.readConfig());
    if (!Buffer.from(back).equals(Buffer.from(payload))) throw new BenchError("configure", `board ${link.boardId} reads back a configuration that differs from the one pushed`);
  };

  const maxInject = (link: BoardLink) => Math.min(link.hello?.maxPayloadBytes ?? MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES) - 2;

  /** Move every FIFO record of every connected board into INJECT frames. */
  const readOut = () => {
    const s0 = performance.now();
    for (const b of setup.boards) {
      const link = server.link(b.id);
      if (!link?.connected) continue; // its FIFO fills: the hardware inhibits triggers
      const max = maxInject(link);
      for (;;) {
        const bytes = sim.takeRecords(b.id, max);
        if (!bytes.length) {
          if (sim.readRegister(b.id, Reg.FIFO_COUNT) > 0) throw new BenchError("readout", `board ${b.id}: the next FIFO record does not fit ${max} bytes`);
          break;
        }
        ledger.injected(b.id, splitRecords(bytes));
        link.send("INJECT", { records: bytes });
      }
    }
    timing.simulatorMs += performance.now() - s0;
  };
  const drained = () => links().every((l) => !l.connected || l.down.idle);

  const result: Partial<BenchResult> = {};
  try {
    step(`starting ${setup.boards.length} boards in the DeviceScript VM`);
    for (const b of setup.boards) launch(b);
    await waitFor(() => setup.boards.every((b) => server.link(b.id)?.connected), "waiting for HELLO");
    for (const b of setup.boards) {
      const hello = server.link(b.id)!.hello!;
      const wantRole = { trigger: 1, calorimeter: 2, veto: 3 }[b.role];
      if (hello.role !== wantRole) throw new BenchError("HELLO", `board ${b.id} (${b.name}) runs role ${hello.role}, the setup says ${b.role}`);
    }
    timing.startupMs = performance.now() - t0;
    started = true;

    step("configuring every board (push, read back, compare hashes)");
    await Promise.all(conversion.boards.map((b) => configureBoard(server.link(b.boardId)!, b.config, b.hash, b.payload)));

    runNumber = o.runNumber ?? (o.outDir ? nextRunNumber(o.outDir) : 1);
    if (o.outDir) {
      mkdirSync(o.outDir, { recursive: true });
      const hellos = new Map(setup.boards.map((b) => [b.id, server.link(b.id)!.hello!]));
      const snapshot = makeSnapshot(preset, conversion, setup, hellos);
      snapshot.bench = { beam: { ...beam }, seed: o.seed, intensity: o.intensity, sliceMs: o.sliceMs, fifoDepth: o.fifoDepth, spills: o.spills };
      const path = resolve(join(o.outDir, `run-${String(runNumber).padStart(6, "0")}.na64`));
      writer = RunWriter.create(path, snapshot, { runNumber, comment: `bench ${preset.name} seed ${o.seed}` });
      for (const e of early) writer.appendFrame(e.boardId, e.raw);
      early.length = 0;
      result.runFile = path;
    }

    step(`run ${runNumber}: ${o.spills} spill(s) of ${preset.name} at ${o.intensity * 100}% intensity`);
    await Promise.all(conversion.boards.map((b) => server.link(b.boardId)!.runControl({ action: RunAction.BEGIN_RUN, runNumber, spillNumber: 0, configHash: b.hash })));
    runActive = true;

    const spills: SpillAccount[] = [];
    const sliceTicks = Math.max(1, Math.round((o.sliceMs * 1e6) / setup.clockNs));
    for (let spill = 1; spill <= o.spills; spill++) {
      currentSpill = spill;
      seenThisSpill = new Map();
      restartsThisSpill.clear();
      await Promise.all(conversion.boards.map((b) => server.link(b.boardId)!.runControl({ action: RunAction.BEGIN_SPILL, runNumber, spillNumber: spill, configHash: b.hash })));
      spillOpen = true;
      sim.beginSpill(spill);
      const total = sim.spillTicks;
      const slices = Math.ceil(total / sliceTicks);
      let truth = 0;
      for (let s = 0; s < slices; s++) {
        const a0 = performance.now();
        sim.advance(Math.min(total, (s + 1) * sliceTicks));
        truth += sim.takeTruth().length;
        timing.simulatorMs += performance.now() - a0;
        readOut();
        if (o.fault && spill === 1 && s === o.fault.afterSlice) await injectFault(o.fault.kind, o.fault.board);
        await waitFor(drained, `spill ${spill} step ${s + 1}/${slices}: waiting for the boards to process their FIFO records`);
        hooks.onProgress?.({ spill, spills: o.spills, slice: s + 1, slices, events: builder.stats.events });
      }
      const e0 = performance.now();
      const spillTruth = sim.endSpill();
      truth += sim.takeTruth().length;
      const hardware = new Map<number, FifoSpillEndRec>(setup.boards.map((b) => [b.id, sim.scalers(b.id)]));
      timing.simulatorMs += performance.now() - e0;
      // The rest of the spill and SPILL_END: every board must be back, drained, and send SCALERS.
      await waitFor(
        () => {
          readOut();
          return links().every((l) => l.connected && l.down.idle) && setup.boards.every((b) => sim.readRegister(b.id, Reg.FIFO_COUNT) === 0);
        },
        `end of spill ${spill}: waiting for every board to read its FIFO out`,
      );
      await waitFor(() => spillReports.has(spill), `end of spill ${spill}: waiting for SCALERS from every board`);
      spillOpen = false;
      await Promise.all(conversion.boards.map((b) => server.link(b.boardId)!.runControl({ action: RunAction.END_SPILL, runNumber, spillNumber: spill, configHash: b.hash })));
      writer?.endSpill(spill);
      spills.push({
        spill,
        truthTriggers: truth,
        hardwareAccepted: spillTruth.acceptedTriggers,
        inhibitedBusy: spillTruth.inhibitedBusy,
        inhibitedDead: spillTruth.inhibitedDead,
        particles: spillTruth.particles,
        hardware: Object.fromEntries(hardware),
        report: spillReports.get(spill)!,
        uniqueFrames: Object.fromEntries(setup.boards.map((b) => [b.id, seenThisSpill.get(b.id)?.size ?? 0])),
        restartedBoards: [...restartsThisSpill],
      });
    }
    await Promise.all(conversion.boards.map((b) => server.link(b.boardId)!.runControl({ action: RunAction.END_RUN, runNumber, spillNumber: o.spills, configHash: b.hash })));
    runActive = false;
    builder.finish();
    writer?.flush();
    writer?.close("end of run");
    writer = undefined;

    const boards: BoardResult[] = setup.boards.map((b) => {
      const l = server.link(b.id)!;
      const img = images.get(ROLE_IMAGE[b.role]!)!;
      return {
        id: b.id,
        name: b.name,
        role: b.role,
        image: img.entry,
        imageBytes: img.bytes,
        hello: l.hello!,
        configHash: hashes.get(b.id)!,
        frames: frameStats.get(b.id)?.frames ?? 0,
        bytes: frameStats.get(b.id)?.bytes ?? 0,
        link: { ...l.up.stats, reconnects: l.stats.connects - 1, restarts: restarts.get(b.id) ?? 0, resendRequests: l.stats.resendRequests },
      };
    });
    const checks = accountRun({ setup, spills, boards, protocolErrors: server.errorCounts, firmwareErrors, builder: builder.stats });
    timing.wallMs = performance.now() - t0;
    return {
      ok: checks.every((c) => c.ok),
      options: o,
      preset: preset.name,
      beam,
      runNumber,
      ...(result.runFile ? { runFile: result.runFile } : {}),
      boards,
      spills,
      checks,
      summary: summary!,
      conversion,
      timing,
      protocolErrors: { ...server.errorCounts },
      events: builder.stats.events,
    };
  } finally {
    const w = writer;
    writer = undefined;
    w?.abandon();
    for (const vm of vms.values()) await vm.kill();
    await server.close();
    await bus.close();
  }

  async function injectFault(kind: "disconnect" | "restart", board: string): Promise<void> {
    const b = setup.boards.find((x) => x.name === board || String(x.id) === board);
    if (!b) throw new BenchError("fault", `no board ${board}`);
    step(`fault: ${kind} board ${b.name}`);
    if (kind === "disconnect") {
      server.link(b.id)!.dropConnection();
      return;
    }
    const vm = vms.get(b.id)!;
    expectedExit.add(vm);
    await vm.kill();
    launch(b, vm.dir);
  }
}

export type { Setup, ScalersMsg };
