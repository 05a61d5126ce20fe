// The simulated test stand behind `na64fe bench`: the real firmware images in one DeviceScript VM
// per board, and the simulator as detector and front-end hardware, connected exactly as hardware
// would be. The simulator is the clock: each step simulates a slice of beam, reads every FIFO out
// into INJECT frames, and waits until every board has processed them. A board that restarts is
// brought back into the run (configuration, run and spill state, the records it lost). The stand
// keeps the simulator's truth per spill for the accounting.
import { readoutItems } from "../../protocol/readout";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { BoardInfo, Setup } from "../../boards/setup";
import { Reg } from "../../protocol/generated/registers";
import { RunAction } from "../../protocol/schema/enums";
import type { FifoSpillEndRec } from "../../protocol/schema/fifo";
import { MAX_PAYLOAD_BYTES } from "../../protocol/schema/limits";
import type { FrontEndSimulator } from "../../simulator/frontend";
import type { TriggerTruth } from "../../simulator/truth";
import type { Conversion } from "../config/convert";
import type { StandChecks } from "../daq/checks";
import type { RunStand, SpillsDone } from "../daq/run";
import { DaqError, type RunSession } from "../daq/session";
import { ensureFirmware, imagePath, type BuiltImage } from "../firmware/images";
import type { BoardLink } from "../link/board-link";
import { JacdacBus, VmBoard } from "../vm/launcher";
import type { BoardKeys } from "../link/keys";
import { truthChecks, type SpillAccount } from "./accounting";
import { InjectLedger, packRecords, splitRecords } from "./inject-ledger";
import type { BenchOptions } from "./options";
import type { BenchHooks, BenchTiming } from "./result";

/** The bench could not run to the end (a board never answered, a VM died...). */
export class BenchError extends DaqError {}

/** A board that restarts more often than this in one bench run fails the run. */
const MAX_RESTARTS = 3;

/** Firmware image of each board role (devs/<entry>.ts). */
export const ROLE_IMAGE: Record<string, string> = { trigger: "trigger", calorimeter: "calorimeter", veto: "veto" };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SimulatedStand implements RunStand {
  /** The spills with the simulator's truth, in order. */
  readonly spillAccounts: SpillAccount[] = [];
  /** Dark photons the beam made, and the (spill, trigger) of those that triggered, by trigger type. */
  readonly signal = { injected: 0, triggered: new Map<string, number>() };
  readonly timing: BenchTiming = { wallMs: 0, startupMs: 0, simulatorMs: 0, waitBoardsMs: 0, hostMs: 0 };
  readonly sliceTicks: number;
  readonly slices: number;
  /** When the VMs were started (start-up = until every board said HELLO). */
  private t0 = performance.now();
  private readonly ledger = new InjectLedger();
  private readonly vms = new Map<number, VmBoard>();
  private bus: JacdacBus | undefined;
  private session: RunSession | undefined;
  private hostPort = 0;
  private started = false;
  private currentSpill = 0;
  private spillOpen = false;
  private recovering: number | undefined;
  /** The firmware images by entry, built (if needed) once the board server listens. */
  private readonly images = new Map<string, BuiltImage>();

  constructor(
    private readonly setup: Setup,
    private readonly conversion: Conversion,
    private readonly sim: FrontEndSimulator,
    private readonly o: BenchOptions,
    private readonly hooks: BenchHooks,
    /** The boards' keys for this run. */
    private readonly keys?: BoardKeys,
  ) {
    this.sliceTicks = Math.max(1, Math.round((o.sliceMs * 1e6) / setup.clockNs));
    this.slices = Math.ceil(sim.spillTicks / this.sliceTicks);
  }

  async start(session: RunSession, addr: AddressInfo): Promise<void> {
    this.session = session;
    this.hostPort = addr.port;
    // The images after the listen: a port in use is refused before a firmware build starts.
    this.step("checking the firmware images");
    for (const i of await ensureFirmware()) this.images.set(i.entry, i);
    for (const b of this.setup.boards) if (!this.images.has(ROLE_IMAGE[b.role]!)) throw new BenchError("firmware", `no image for role ${b.role} (devs/${ROLE_IMAGE[b.role]}.ts)`);
    session.onBoardFrame((boardId, f) => {
      switch (f.name) {
        case "FE_WRITE":
          try {
            this.sim.applyFeWrite(boardId, f.body.regs);
          } catch (e) {
            session.firmwareErrors.push(`board ${boardId} wrote front-end registers the hardware refuses: ${(e as Error).message}`);
          }
          return;
        case "EVENT":
        case "TRIGGER":
          this.ledger.resultArrived(boardId, f.body.spillNumber, f.body.triggerNumber);
          return;
        case "READOUT":
          for (const item of readoutItems(f.body)) if (item.name !== "WAVEFORM") this.ledger.resultArrived(boardId, item.body.spillNumber, item.body.triggerNumber);
          return;
        case "SCALERS":
          this.ledger.spillDone(boardId, f.body.spillNumber);
          return;
        default:
          return;
      }
    });
    this.t0 = performance.now();
    this.bus = await JacdacBus.start();
    this.step(`starting ${this.setup.boards.length} boards in the DeviceScript VM`);
    for (const b of this.setup.boards) await this.launch(b);
  }

  alive(): void {
    for (const [id, vm] of this.vms)
      if (!vm.running) throw new BenchError("VM", `the VM of board ${id} exited; its last output:\n${vm.logs.slice(-15).join("\n")}`);
  }

  ready(): void {
    this.timing.startupMs = performance.now() - this.t0;
    this.started = true;
  }

  async spills(session: RunSession, runNumber: number): Promise<SpillsDone> {
    const o = this.o;
    this.step(`${o.outDir ? `run ${runNumber}` : "run not recorded"}: ${o.spills} spill${o.spills === 1 ? "" : "s"} of ${session.preset.name} at ${o.intensity * 100}% intensity`);
    const sim = this.sim;
    for (let spill = 1; spill <= o.spills; spill++) {
      this.currentSpill = spill;
      await session.runControl(RunAction.BEGIN_SPILL, spill);
      this.spillOpen = true;
      sim.beginSpill(spill);
      const total = sim.spillTicks;
      let truth = 0;
      for (let s = 0; s < this.slices; s++) {
        const a0 = performance.now();
        sim.advance(Math.min(total, (s + 1) * this.sliceTicks));
        truth += this.keepTruth(sim.takeTruth());
        this.timing.simulatorMs += performance.now() - a0;
        this.readOut();
        if (spill === 1) for (const f of o.faults) if (f.afterSlice === s) await this.injectFault(f.kind, f.board);
        await this.waitFor(() => this.drained(), `spill ${spill} step ${s + 1}/${this.slices}: waiting for the boards to process their FIFO records`);
        this.hooks.onProgress?.({ spill, spills: o.spills, slice: s + 1, slices: this.slices, events: session.builder.stats.events });
      }
      const e0 = performance.now();
      const spillTruth = sim.endSpill();
      truth += this.keepTruth(sim.takeTruth());
      this.signal.injected += spillTruth.darkPhotons;
      const hardware = new Map<number, FifoSpillEndRec>(this.setup.boards.map((b) => [b.id, sim.scalers(b.id)]));
      this.timing.simulatorMs += performance.now() - e0;
      // The rest of the spill and SPILL_END: every board must be back, drained, and send SCALERS.
      await this.waitFor(() => {
        this.readOut();
        return this.links().every((l) => l.connected && l.down.idle) && this.setup.boards.every((b) => sim.readRegister(b.id, Reg.FIFO_COUNT) === 0);
      }, `end of spill ${spill}: waiting for every board to read its FIFO out`);
      await this.waitFor(() => session.spillReports.has(spill), `end of spill ${spill}: waiting for SCALERS from every board`);
      this.spillOpen = false;
      await session.runControl(RunAction.END_SPILL, spill);
      this.spillAccounts.push({
        ...session.spillFrames.get(spill)!,
        truthTriggers: truth,
        hardwareAccepted: spillTruth.acceptedTriggers,
        inhibitedBusy: spillTruth.inhibitedBusy,
        inhibitedDead: spillTruth.inhibitedDead,
        particles: spillTruth.particles,
        hardware: Object.fromEntries(hardware),
      });
    }
    return { lastSpill: o.spills, reason: "end of run" };
  }

  checks(): StandChecks {
    return truthChecks({ setup: this.setup, spills: this.spillAccounts });
  }

  async stop(): Promise<void> {
    for (const vm of this.vms.values()) await vm.kill();
    await this.bus?.close();
  }

  /** The image each board runs. */
  imageOf(role: string): BuiltImage {
    return this.images.get(ROLE_IMAGE[role]!)!;
  }

  /** Note the dark-photon triggers of `truth`; the number of truth records. */
  private keepTruth(truth: readonly TriggerTruth[]): number {
    for (const t of truth) if (t.particle?.darkPhoton) this.signal.triggered.set(`${t.spillNumber}:${t.triggerNumber}`, t.typeMask);
    return truth.length;
  }

  private step(s: string): void {
    this.hooks.onStep?.(s);
  }

  private async launch(b: BoardInfo): Promise<VmBoard> {
    await this.bus!.ensure();
    const vm = new VmBoard({ image: imagePath(ROLE_IMAGE[b.role]!), boardId: b.id, hostPort: this.hostPort, bus: this.bus!, ...(this.keys?.get(b.id) ? { key: this.keys.get(b.id)! } : {}) });
    this.vms.set(b.id, vm);
    return vm;
  }

  private links(): BoardLink[] {
    return this.setup.boards.map((b) => this.session!.link(b.id));
  }

  private maxInject(link: BoardLink): number {
    return Math.min(link.hello?.maxPayloadBytes ?? MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES) - 2;
  }

  private drained(): boolean {
    return this.links().every((l) => !l.connected || l.down.idle);
  }

  /** Wait for `cond`, failing early when a VM died; `stage` names what was awaited. */
  private async waitFor(cond: () => boolean, stage: string): Promise<void> {
    const w0 = performance.now();
    for (;;) {
      await this.recoverRestarts();
      if (cond()) break;
      this.alive();
      if (performance.now() - w0 > this.o.timeoutMs) {
        // Name the boards that owe an answer and for how long (issue 11, defect 10).
        const late = this.session?.lateBoards() ?? [];
        throw new BenchError(stage, `timed out after ${this.o.timeoutMs} ms${late.length ? `: ${late.join("; ")}` : ""}`);
      }
      await sleep(1);
    }
    if (this.started) this.timing.waitBoardsMs += performance.now() - w0;
  }

  /** Bring a restarted board back into the run: configuration, run state, the records it lost. */
  private async recoverRestarts(): Promise<void> {
    const session = this.session!;
    if (this.recovering !== undefined || !session.pendingRestarts.length) return;
    try {
      while (session.pendingRestarts.length) {
        const id = session.pendingRestarts.shift()!;
        this.recovering = id;
        const n = session.restarts.get(id) ?? 0;
        if (n > MAX_RESTARTS) throw new BenchError("recovery", `board ${id} restarted ${n} times; its last output:\n${this.vms.get(id)?.logs.slice(-15).join("\n")}`);
        const link = session.link(id);
        const b = this.conversion.boards.find((x) => x.boardId === id)!;
        if (link.hello?.configHash !== b.hash) await session.configureBoard(b);
        if (session.runActive) await session.runControl(RunAction.BEGIN_RUN, 0, [id]);
        if (this.spillOpen) await session.runControl(RunAction.BEGIN_SPILL, this.currentSpill, [id]);
        for (const payload of packRecords(this.ledger.replay(id), this.maxInject(link))) link.send("INJECT", { records: payload });
      }
    } finally {
      this.recovering = undefined;
    }
  }

  /** A restarted board gets new records only after its spill state was replayed. */
  private awaitingRecovery(id: number): boolean {
    return this.recovering === id || this.session!.pendingRestarts.includes(id);
  }

  /** Move every FIFO record of every connected board into INJECT frames. */
  private readOut(): void {
    const s0 = performance.now();
    for (const b of this.setup.boards) {
      const link = this.session!.server.link(b.id);
      if (!link?.connected || this.awaitingRecovery(b.id)) continue; // its FIFO fills: the hardware inhibits triggers
      const max = this.maxInject(link);
      for (;;) {
        const bytes = this.sim.takeRecords(b.id, max);
        if (!bytes.length) {
          if (this.sim.readRegister(b.id, Reg.FIFO_COUNT) > 0) throw new BenchError("readout", `board ${b.id}: the next FIFO record does not fit ${max} bytes`);
          break;
        }
        this.ledger.injected(b.id, splitRecords(bytes));
        link.send("INJECT", { records: bytes });
      }
    }
    this.timing.simulatorMs += performance.now() - s0;
  }

  private async injectFault(kind: "disconnect" | "restart", board: string): Promise<void> {
    const b = this.setup.boards.find((x) => x.name === board || String(x.id) === board);
    if (!b) throw new BenchError("fault", `no board ${board}`);
    this.step(`fault: ${kind} board ${b.name}`);
    if (kind === "disconnect") {
      this.session!.link(b.id).dropConnection();
      return;
    }
    await this.bus!.ensure();
    await this.vms.get(b.id)!.reboot();
  }
}
