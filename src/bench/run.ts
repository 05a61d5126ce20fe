// The bench run: the real firmware images in one DeviceScript VM per board, the DAQ host's run
// session (board server, configuration, run file, event builder), and the simulator as detector and
// front-end hardware, connected exactly as hardware would be. The simulator is the clock: each step
// simulates a slice of beam, reads every FIFO out into INJECT frames, and waits until every board has
// processed them. At the end the accounting checks that every hardware trigger became an event from
// every board.
import { performance } from "node:perf_hooks";
import { loadSetup, type BoardInfo } from "../../boards/setup";
import { FrontEndSimulator } from "../../simulator/frontend";
import type { BeamSpec } from "../../simulator/beam";
import type { FifoSpillEndRec } from "../../protocol/schema/fifo";
import { MAX_PAYLOAD_BYTES } from "../../protocol/schema/limits";
import { RunAction } from "../../protocol/schema/enums";
import { Reg } from "../../protocol/generated/registers";
import { ensureFirmware, imagePath } from "../firmware/images";
import type { BoardLink } from "../link/board-link";
import { JacdacBus, VmBoard } from "../vm/launcher";
import { loadPreset } from "../presets/load";
import { convertPreset, type Conversion, type ConfigWarning } from "../config/convert";
import { checkRunFolder } from "../runfile/folder";
import { plural } from "../format/text";
import { RunSession, DaqError, nextRunNumber, type BoardSummary } from "../daq/session";
import type { PhysicsSummary } from "../analysis/physics-summary";
import { checkFaultTarget, resolveBenchOptions, type BenchOptions } from "./options";
import { benchBeam } from "../config/beam";
import { presetWith } from "../presets/override";
import { InjectLedger, packRecords, splitRecords } from "./inject-ledger";
import { accountRun, type Check, type SpillAccount } from "./accounting";

/** The bench could not run to the end (a board never answered, a VM died...). */
export class BenchError extends DaqError {}

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
  /** The preset's conversion warnings (thresholds below noise...), before anything starts. */
  onWarnings?: (w: readonly ConfigWarning[]) => void;
}

export interface BoardResult extends BoardSummary {
  image: string;
  imageBytes: number;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBench(input: Partial<BenchOptions> = {}, hooks: BenchHooks = {}): Promise<BenchResult> {
  const t0 = performance.now();
  const o = resolveBenchOptions(input);
  const step = hooks.onStep ?? (() => undefined);
  const setup = loadSetup();
  const loaded = loadPreset(o.beam);
  const preset =
    o.upstreamPerParticle === undefined
      ? loaded
      : { ...loaded, preset: presetWith(loaded.preset, { beam: { upstreamNuclearPerParticle: o.upstreamPerParticle } }, "[I] set by na64fe bench --upstream-rate") };
  const conversion = convertPreset(preset.name, preset.preset, setup, o.massMeV !== undefined ? { darkPhotonMassMeV: o.massMeV } : {});
  const beam = benchBeam(preset.preset, o);
  const sim = new FrontEndSimulator(setup, beam, { seed: o.seed, fifoDepth: o.fifoDepth });
  hooks.onWarnings?.(conversion.warnings);
  const sliceTicks = Math.max(1, Math.round((o.sliceMs * 1e6) / setup.clockNs));
  const slices = Math.ceil(sim.spillTicks / sliceTicks);
  // Everything the user gave is checked before a VM boots or a file is created.
  if (o.fault) checkFaultTarget(o.fault, setup.boards, slices);
  if (o.outDir) checkRunFolder(o.outDir);

  step("checking the firmware images");
  const images = new Map((await ensureFirmware()).map((i) => [i.entry, i]));
  for (const b of setup.boards) if (!images.has(ROLE_IMAGE[b.role]!)) throw new BenchError("firmware", `no image for role ${b.role} (devs/${ROLE_IMAGE[b.role]}.ts)`);

  const timing: BenchTiming = { wallMs: 0, startupMs: 0, simulatorMs: 0, waitBoardsMs: 0, hostMs: 0 };
  const session = new RunSession(setup, preset, conversion, { port: o.port, timeoutMs: o.timeoutMs, ...(o.outDir ? { outDir: o.outDir } : {}) });
  const ledger = new InjectLedger();
  let currentSpill = 0;
  let spillOpen = false;
  session.onBoardFrame((boardId, f) => {
    switch (f.name) {
      case "FE_WRITE":
        try {
          sim.applyFeWrite(boardId, f.body.regs);
        } catch (e) {
          session.firmwareErrors.push(`board ${boardId} wrote front-end registers the hardware refuses: ${(e as Error).message}`);
        }
        return;
      case "EVENT":
      case "TRIGGER":
        ledger.resultArrived(boardId, f.body.spillNumber, f.body.triggerNumber);
        return;
      case "SCALERS":
        ledger.spillDone(boardId, f.body.spillNumber);
        return;
      default:
        return;
    }
  });

  const addr = await session.listen();
  const bus = await JacdacBus.start();
  const vms = new Map<number, VmBoard>();
  const launch = async (b: BoardInfo) => {
    await bus.ensure();
    const vm = new VmBoard({ image: imagePath(ROLE_IMAGE[b.role]!), boardId: b.id, hostPort: addr.port, bus });
    vms.set(b.id, vm);
    return vm;
  };
  const vmAlive = () => {
    for (const [id, vm] of vms)
      if (!vm.running) throw new BenchError("VM", `the VM of board ${id} exited; its last output:\n${vm.logs.slice(-15).join("\n")}`);
  };
  const links = () => setup.boards.map((b) => session.link(b.id));
  const maxInject = (link: BoardLink) => Math.min(link.hello?.maxPayloadBytes ?? MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES) - 2;

  /** Wait for `cond`, failing early when a VM died; `stage` names what was awaited. */
  let started = false;
  const waitFor = async (cond: () => boolean, stage: string) => {
    const w0 = performance.now();
    for (;;) {
      await recoverRestarts();
      if (cond()) break;
      vmAlive();
      if (performance.now() - w0 > o.timeoutMs) {
        const late = session.lateBoards();
        throw new BenchError(stage, `timed out after ${o.timeoutMs} ms${late.length ? `: ${late.join("; ")}` : ""}`);
      }
      await sleep(1);
    }
    if (started) timing.waitBoardsMs += performance.now() - w0;
  };

  /** Bring a restarted board back into the run: configuration, run state, the records it lost. */
  let recovering: number | undefined;
  const recoverRestarts = async () => {
    if (recovering !== undefined || !session.pendingRestarts.length) return;
    try {
      while (session.pendingRestarts.length) {
        const id = session.pendingRestarts.shift()!;
        recovering = id;
        const n = session.restarts.get(id) ?? 0;
        if (n > MAX_RESTARTS) throw new BenchError("recovery", `board ${id} restarted ${n} times; its last output:\n${vms.get(id)?.logs.slice(-15).join("\n")}`);
        const link = session.link(id);
        const b = conversion.boards.find((x) => x.boardId === id)!;
        if (link.hello?.configHash !== b.hash) await session.configureBoard(b);
        if (session.runActive) await session.runControl(RunAction.BEGIN_RUN, 0, [id]);
        if (spillOpen) await session.runControl(RunAction.BEGIN_SPILL, currentSpill, [id]);
        for (const payload of packRecords(ledger.replay(id), maxInject(link))) link.send("INJECT", { records: payload });
      }
    } finally {
      recovering = undefined;
    }
  };
  /** A restarted board gets new records only after its spill state was replayed. */
  const awaitingRecovery = (id: number) => recovering === id || session.pendingRestarts.includes(id);

  /** Move every FIFO record of every connected board into INJECT frames. */
  const readOut = () => {
    const s0 = performance.now();
    for (const b of setup.boards) {
      const link = session.server.link(b.id);
      if (!link?.connected || awaitingRecovery(b.id)) continue; // its FIFO fills: the hardware inhibits triggers
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

  try {
    step(`starting ${setup.boards.length} boards in the DeviceScript VM`);
    for (const b of setup.boards) await launch(b);
    await session.waitForBoards(o.timeoutMs, vmAlive);
    timing.startupMs = performance.now() - t0;
    started = true;

    step("configuring every board (push, read back, compare hashes)");
    await session.configureAll();
    const runNumber = o.runNumber ?? (o.outDir ? nextRunNumber(o.outDir) : 1);
    session.openRunFile(runNumber, { bench: { beam: { ...beam }, seed: o.seed, intensity: o.intensity, sliceMs: o.sliceMs, fifoDepth: o.fifoDepth, spills: o.spills } }, `bench ${preset.name} seed ${o.seed}`);

    step(`${o.outDir ? `run ${runNumber}` : "run not recorded"}: ${plural(o.spills, "spill")} of ${preset.name} at ${o.intensity * 100}% intensity`);
    await session.runControl(RunAction.BEGIN_RUN, 0);

    const spills: SpillAccount[] = [];
    for (let spill = 1; spill <= o.spills; spill++) {
      currentSpill = spill;
      await session.runControl(RunAction.BEGIN_SPILL, spill);
      spillOpen = true;
      sim.beginSpill(spill);
      const total = sim.spillTicks;
      let truth = 0;
      for (let s = 0; s < slices; s++) {
        const a0 = performance.now();
        sim.advance(Math.min(total, (s + 1) * sliceTicks));
        truth += sim.takeTruth().length;
        timing.simulatorMs += performance.now() - a0;
        readOut();
        if (o.fault && spill === 1 && s === o.fault.afterSlice) await injectFault(o.fault.kind, o.fault.board);
        await waitFor(drained, `spill ${spill} step ${s + 1}/${slices}: waiting for the boards to process their FIFO records`);
        hooks.onProgress?.({ spill, spills: o.spills, slice: s + 1, slices, events: session.builder.stats.events });
      }
      const e0 = performance.now();
      const spillTruth = sim.endSpill();
      truth += sim.takeTruth().length;
      const hardware = new Map<number, FifoSpillEndRec>(setup.boards.map((b) => [b.id, sim.scalers(b.id)]));
      timing.simulatorMs += performance.now() - e0;
      // The rest of the spill and SPILL_END: every board must be back, drained, and send SCALERS.
      await waitFor(() => {
        readOut();
        return links().every((l) => l.connected && l.down.idle) && setup.boards.every((b) => sim.readRegister(b.id, Reg.FIFO_COUNT) === 0);
      }, `end of spill ${spill}: waiting for every board to read its FIFO out`);
      await waitFor(() => session.spillReports.has(spill), `end of spill ${spill}: waiting for SCALERS from every board`);
      spillOpen = false;
      await session.runControl(RunAction.END_SPILL, spill);
      spills.push({
        ...session.spillFrames.get(spill)!,
        truthTriggers: truth,
        hardwareAccepted: spillTruth.acceptedTriggers,
        inhibitedBusy: spillTruth.inhibitedBusy,
        inhibitedDead: spillTruth.inhibitedDead,
        particles: spillTruth.particles,
        hardware: Object.fromEntries(hardware),
      });
    }
    await session.runControl(RunAction.END_RUN, o.spills);
    session.finish("end of run");

    const boards: BoardResult[] = session.boardSummaries().map((b) => {
      const img = images.get(ROLE_IMAGE[b.role]!)!;
      return { ...b, image: img.entry, imageBytes: img.bytes };
    });
    const checks = accountRun({ setup, spills, boards, strangerErrors: session.server.strangerErrors, firmwareErrors: session.firmwareErrors, builder: session.builder.stats });
    timing.hostMs = session.hostMs;
    timing.wallMs = performance.now() - t0;
    return {
      ok: checks.every((c) => c.ok),
      options: o,
      preset: preset.name,
      beam,
      runNumber,
      ...(session.runFile ? { runFile: session.runFile } : {}),
      boards,
      spills,
      checks,
      summary: session.summary,
      conversion,
      timing,
      protocolErrors: { ...session.server.errorCounts },
      events: session.builder.stats.events,
    };
  } finally {
    for (const vm of vms.values()) await vm.kill();
    await session.close();
    await bus.close();
  }

  async function injectFault(kind: "disconnect" | "restart", board: string): Promise<void> {
    const b = setup.boards.find((x) => x.name === board || String(x.id) === board);
    if (!b) throw new BenchError("fault", `no board ${board}`);
    step(`fault: ${kind} board ${b.name}`);
    if (kind === "disconnect") {
      session.link(b.id).dropConnection();
      return;
    }
    await bus.ensure();
    await vms.get(b.id)!.reboot();
  }
}
