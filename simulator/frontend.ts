// The front-end hardware of every readout board (ADC + FPGA), driven by a simulated beam: the
// object a bench run drives spill by spill. The simulator is the clock: advance() moves time
// forward, the trigger logic runs over every particle on the way, and each accepted trigger puts
// exactly the bytes the firmware reads into every running board's FIFO. See simulator/README.md.
//
// Inhibits: a trigger that passes its prescale while the dead time runs, while any running board
// has CTRL.BUSY set or while any running board's FIFO has no free event slot is not recorded but
// counted (inhibitedDead / inhibitedBusy in the SPILL_END scalers): prescale-passed triggers =
// accepted + inhibitedBusy + inhibitedDead, always.
import type { Setup } from "../boards/setup";
import { Reg } from "../protocol/generated/registers";
import { registerAt } from "../protocol/schema/registers";
import { CtrlBit, EventFlag, FexBit, TriggerType } from "../protocol/schema/enums";
import type { FifoBodies } from "../protocol/fifo-records";
import type { FifoSpillEndRec } from "../protocol/schema/fifo";
import { MAX_RECORD_SAMPLES, MAX_SPI_READ_BYTES, MAX_WINDOW_SAMPLES } from "../protocol/schema/limits";
import { type BeamSpec, SPECIES_NAMES, SpeciesCode, validateBeam } from "./beam";
import { BeamSource, Stream } from "./beam-source";
import { DetectorLayout } from "./detector";
import { Digitiser, emptyReadout, resolveDigitiser, type DigitiserParams, type Readout, type WindowHits } from "./digitiser";
import { FeatureExtractor, FeatureHits, energyKeV } from "./features";
import { FifoOverflowError, RegisterError, SimOptionError, SimStateError, UnknownBoardError } from "./errors";
import { MIN_FIFO_DEPTH, RecordFifo } from "./fifo";
import { ParticleRing } from "./particles";
import { makeShape } from "./pulse-shapes";
import { type PhysicsOverrides, type PhysicsParams, resolvePhysics } from "./physics-params";
import { RegisterFile } from "./registers";
import { Deposits, DetectorResponse } from "./response";
import { Xoshiro128 } from "./rng";
import { type InputState, TriggerLogic, primaryType, typeBit } from "./trigger-logic";
import { particleTruth, type ParticleTruth, type SpillTruth, type TriggerTruth } from "./truth";

export interface SimOptions {
  /** Run seed (integer 0..2^53). Same seed, same setup, same register writes: same bytes. */
  seed?: number;
  /** FIFO capacity of every board, in records (FIFO_DEPTH). */
  fifoDepth?: number;
  physics?: PhysicsOverrides;
  digitiser?: Partial<DigitiserParams>;
}

export const DEFAULT_FIFO_DEPTH = 1024;
/** Beam generated ahead of the trigger decisions in batches of this length (plus the lookahead). */
const GENERATION_BATCH_NS = 20_000;
// Enum members copied into module constants: the per-particle path then reads no imported binding.
const PHYSICS: number = TriggerType.PHYSICS;
const BEAM: number = TriggerType.BEAM;
const PHYSICS_BIT = 1 << (PHYSICS - 1);
const BEAM_BIT = 1 << (BEAM - 1);
const HALO: number = SpeciesCode.HALO;
/** Largest tick a timestamp can hold. */
const MAX_TICKS = 0xffffffff;

interface BoardState {
  readonly layout: DetectorLayout["boards"][number];
  readonly regs: RegisterFile;
  readonly fifo: RecordFifo;
  /** Takes part in the current spill (RUN_ENABLE was set at beginSpill). */
  running: boolean;
  recordsWritten: number;
  busy: boolean;
  busySinceNs: number;
  busyNs: number;
  readonly out: Readout;
  /** Feature extraction (digitisers; FEX_CTRL.FEATURES). */
  readonly fex: FeatureExtractor;
  readonly hits: FeatureHits;
  /** This trigger's waveform was decided before digitising (WAVE_EVERY_N, WAVE_TYPE_MASK). */
  fullReadout: boolean;
  /** Most records one trigger writes into this board's FIFO as the registers stand. */
  recordsPerTrigger: number;
}

export class FrontEndSimulator {
  readonly layout: DetectorLayout;
  readonly physics: PhysicsParams;
  readonly digitiserParams: DigitiserParams;
  readonly seed: number;
  readonly fifoDepth: number;
  readonly response: DetectorResponse;
  private readonly source: BeamSource;
  private readonly ring = new ParticleRing();
  private readonly digitiser: Digitiser;
  private readonly trigger: TriggerLogic;
  private readonly boards: BoardState[];
  private readonly byId = new Map<number, BoardState>();
  private readonly trigBoard: BoardState;
  private readonly clockNs: number;
  private readonly randomRng = new Xoshiro128(0);
  private readonly digiRng = new Xoshiro128(0);
  private readonly detailRng = new Xoshiro128(0);

  // Readout reach around a trigger time, for any window/pretrigger setting (ns).
  private readonly lookbackNs: number;
  private readonly lookaheadNs: number;
  // What a readout window of P pretrigger and Q = W - P later samples reaches beyond P and Q
  // clock periods: a particle t before the trigger still matters while its pulse (peaking
  // tExpected after it) has tail left at the window start; one t after it, while its pulse has
  // started before the window end.
  private readonly hitsBackExtraNs: number;
  private readonly hitsAheadExtraNs: number;

  // Spill state.
  private inSpill = false;
  private spillNumber = 0;
  private nowNs = 0;
  private nextDecide = 0;
  private nextRandomNs = Infinity;
  private nextCalibNs = Infinity;
  private deadUntilNs = -Infinity;
  private triggerNumber = 0;
  private acceptedThisSpill = 0;
  private globalBusy = false;
  private globalBusySinceNs = 0;
  private globalBusyNs = 0;
  private truth: TriggerTruth[] = [];
  /** Digitiser boards taking part in the current spill. */
  private runningDigitisers: BoardState[] = [];
  private lastSpill: SpillTruth | null = null;

  // Per-trigger scratch.
  private readonly hits: WindowHits = { n: 0, tNs: new Float64Array(64), deposits: [] };
  private readonly hitSerials: number[] = [];
  private readonly state: InputState = { pattern: 0, vetoed: false, psSumAdc: 0, ecalSumAdc: 0 };

  /** The beam, as validated by the constructor (a checked copy of the one given). */
  readonly beam: BeamSpec;

  constructor(setup: Setup, beam: BeamSpec, options: SimOptions = {}) {
    this.beam = beam = validateBeam(beam);
    const seed = options.seed ?? 1;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new SimOptionError("seed", seed, "must be an integer 0..2^53");
    const depth = options.fifoDepth ?? DEFAULT_FIFO_DEPTH;
    if (!Number.isInteger(depth) || depth < MIN_FIFO_DEPTH || depth > 1 << 20)
      throw new SimOptionError("fifoDepth", depth, `must be an integer ${MIN_FIFO_DEPTH}..${1 << 20} records`);
    this.seed = seed;
    this.fifoDepth = depth;
    this.digitiserParams = resolveDigitiser(options.digitiser ?? {});
    this.physics = resolvePhysics(options.physics ?? {});
    this.layout = new DetectorLayout(setup);
    this.clockNs = this.layout.clockNs;
    this.response = new DetectorResponse(this.layout, beam, this.physics);
    this.source = new BeamSource(beam, this.response);
    this.digitiser = new Digitiser(this.layout, this.digitiserParams, seed, Stream.NOISE_BUFFER);
    this.trigger = new TriggerLogic(this.layout, makeShape(this.digitiserParams.sumShape, this.clockNs), this.digitiserParams.sumAdcBits);
    this.boards = this.layout.boards.map((b) => {
      const s: BoardState = {
        layout: b,
        regs: new RegisterFile(b, this.digitiser.maxAdc, this.digitiserParams.windowSamples),
        fifo: new RecordFifo(depth),
        running: false,
        recordsWritten: 0,
        busy: false,
        busySinceNs: 0,
        busyNs: 0,
        out: emptyReadout(b.channels.length),
        fex: new FeatureExtractor(),
        hits: new FeatureHits(),
        fullReadout: false,
        recordsPerTrigger: 1,
      };
      this.byId.set(b.id, s);
      return s;
    });
    this.trigBoard = this.boards.find((b) => b.layout.role === "trigger")!;
    this.trigger.configure(this.trigBoard.regs);
    const clock = this.clockNs;
    const d = this.digitiser;
    const jitter = 5 * d.maxJitterNs;
    this.hitsBackExtraNs = clock + d.maxExpectedNs + d.maxTailNs + jitter;
    this.hitsAheadExtraNs = Math.max(0, d.maxRiseNs + jitter + clock - d.minExpectedNs);
    this.lookbackNs = MAX_WINDOW_SAMPLES * clock + this.hitsBackExtraNs;
    this.lookaheadNs = MAX_WINDOW_SAMPLES * clock + d.maxRiseNs + jitter + clock;
  }

  // ---- registers -------------------------------------------------------------------------

  /** Apply the firmware's register writes to one board (atomically; RegisterError on bad input). */
  writeRegisters(boardId: number, addrs: ArrayLike<number>, values: ArrayLike<number>): void {
    const b = this.board(boardId);
    const wasRunning = b.regs.ctrl(CtrlBit.RUN_ENABLE);
    b.regs.write(addrs, values);
    b.recordsPerTrigger = this.recordsPerTrigger(b);
    if (b === this.trigBoard) {
      const oldRandom = this.trigger.randomPeriodNs;
      const oldCalib = this.trigger.calibPeriodNs;
      const oldEnable = this.trigger.enableMask;
      this.trigger.configure(b.regs);
      // The trigger counter restarts when a run starts (RUN_ENABLE rising edge).
      if (!wasRunning && b.regs.ctrl(CtrlBit.RUN_ENABLE)) this.triggerNumber = 0;
      if (this.inSpill && (oldRandom !== this.trigger.randomPeriodNs || oldCalib !== this.trigger.calibPeriodNs || oldEnable !== this.trigger.enableMask)) {
        this.armRandom(this.nowNs);
        this.armCalib(this.nowNs);
      }
    }
    if (this.inSpill) this.refreshBusy(this.nowNs);
  }

  /** Apply the register writes of an FE_WRITE frame (`regs` as decoded: n, addr[], value[]). */
  applyFeWrite(boardId: number, regs: { n: number; addr: ArrayLike<number>; value: ArrayLike<number> }): void {
    if (regs.addr.length !== regs.n || regs.value.length !== regs.n)
      throw new RegisterError(boardId, 0, "(FE_WRITE)", regs.n, `count ${regs.n} but ${regs.addr.length} addresses and ${regs.value.length} values`);
    this.writeRegisters(boardId, regs.addr, regs.value);
  }

  /** Read a register as the firmware would (FIFO_* status registers are live). */
  readRegister(boardId: number, addr: number): number {
    const b = this.board(boardId);
    switch (addr) {
      case Reg.FIFO_DEPTH:
        return b.fifo.depth;
      case Reg.FIFO_COUNT:
        return b.fifo.count;
      case Reg.FIFO_BYTES:
        return b.fifo.nextBytes;
      case Reg.FIFO_BURST_BYTES:
        return b.fifo.burstBytes(MAX_SPI_READ_BYTES);
      case Reg.FIFO_DATA:
        throw new RegisterError(boardId, addr, "FIFO_DATA", undefined, "the FIFO read port streams bytes: use takeRecords");
    }
    if (!Number.isInteger(addr) || !registerAt(addr)) throw new RegisterError(boardId, Number(addr) || 0, "?", addr, `no register at address ${addr}`);
    return b.regs.get(addr);
  }

  // ---- spills ------------------------------------------------------------------------------

  /** Start spill n at time 0: SPILL_BEGIN into every board whose CTRL.RUN_ENABLE is set. */
  beginSpill(spillNumber: number): void {
    if (this.inSpill) throw new SimStateError("spillNumber", spillNumber, `spill ${this.spillNumber} is still open: call endSpill first`);
    if (!Number.isInteger(spillNumber) || spillNumber < 0 || spillNumber > 0xffffffff) throw new SimStateError("spillNumber", spillNumber, "must be a u32");
    // Room for SPILL_BEGIN everywhere first: nothing changes when a FIFO is full.
    for (const b of this.boards) if (b.regs.ctrl(CtrlBit.RUN_ENABLE) && b.fifo.full) throw new FifoOverflowError(b.layout.id, "SPILL_BEGIN", b.fifo.depth);
    this.inSpill = true;
    this.spillNumber = spillNumber;
    this.nowNs = 0;
    this.nextDecide = 0;
    this.deadUntilNs = -Infinity;
    this.ring.reset();
    this.source.startSpill(this.seed, spillNumber);
    this.randomRng.reseed(this.seed, Stream.RANDOM_TRIGGER, spillNumber);
    this.digiRng.reseed(this.seed, Stream.DIGITISER, spillNumber);
    this.trigger.resetSpill();
    this.truth = [];
    this.acceptedThisSpill = 0;
    this.globalBusy = false;
    this.globalBusyNs = 0;
    for (const b of this.boards) {
      b.running = b.regs.ctrl(CtrlBit.RUN_ENABLE);
      b.recordsWritten = 0;
      b.busy = false;
      b.busyNs = 0;
      b.fifo.resetMax();
      if (b.running) this.pushBoundary(b, "SPILL_BEGIN", { spillNumber });
    }
    this.runningDigitisers = this.boards.filter((b) => b.running && b !== this.trigBoard);
    this.armRandom(0);
    this.armCalib(0);
    this.refreshBusy(0);
  }

  /** Simulate the beam and the trigger up to `toTicks` (ticks since spill begin). */
  advance(toTicks: number): void {
    if (!this.inSpill) throw new SimStateError("advance", toTicks, "no spill open: call beginSpill first");
    if (!Number.isInteger(toTicks) || toTicks > MAX_TICKS) throw new SimStateError("toTicks", toTicks, `must be an integer up to ${MAX_TICKS}`);
    const toNs = toTicks * this.clockNs;
    if (toNs < this.nowNs) throw new SimStateError("toTicks", toTicks, `time cannot go backwards (now at tick ${this.nowTicks})`);
    this.run(toNs);
    this.nowNs = toNs;
  }

  /**
   * Finish the spill and put SPILL_END scalers into every running FIFO. The rest of the beam is
   * simulated first, unless `cutBeam` is set: then the spill ends now, as when the beam is dumped
   * or a run is aborted (the scalers cover the spill up to now).
   */
  endSpill(cutBeam = false): SpillTruth {
    if (!this.inSpill) throw new SimStateError("endSpill", undefined, "no spill open");
    const endNs = cutBeam ? this.nowNs : Math.max(this.nowNs, this.spillTicks * this.clockNs);
    this.run(endNs);
    this.nowNs = endNs;
    // Room for SPILL_END everywhere first: when a FIFO is full the spill stays open (drain, retry).
    for (const b of this.boards) if (b.running && b.fifo.full) throw new FifoOverflowError(b.layout.id, "SPILL_END", b.fifo.depth);
    this.closeBusy(endNs);
    if (this.deadUntilNs > endNs) this.trigger.scalers.deadNs -= this.deadUntilNs - endNs;
    for (const b of this.boards) {
      if (!b.running) continue;
      b.recordsWritten++; // the SPILL_END record itself
      this.pushBoundary(b, "SPILL_END", this.scalersOf(b));
    }
    const sc = this.trigger.scalers;
    const particles = {} as Record<(typeof SPECIES_NAMES)[number], number>;
    SPECIES_NAMES.forEach((n, i) => (particles[n] = this.source.counts[i]!));
    this.lastSpill = {
      spillNumber: this.spillNumber,
      particles,
      darkPhotons: this.response.darkPhotons,
      acceptedTriggers: this.acceptedThisSpill,
      inhibitedBusy: sc.inhibitedBusy,
      inhibitedDead: sc.inhibitedDead,
    };
    this.inSpill = false;
    return this.lastSpill;
  }

  // ---- reading out -----------------------------------------------------------------------

  /** Remove whole FIFO records of a board, oldest first, at most maxBytes in total. */
  takeRecords(boardId: number, maxBytes: number): Uint8Array {
    const b = this.board(boardId);
    if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new SimStateError("maxBytes", maxBytes, "must be a non-negative integer");
    const out = b.fifo.take(maxBytes);
    if (this.inSpill && out.length) this.refreshBusy(this.nowNs);
    return out;
  }

  /** Truth of the triggers accepted since the last call. */
  takeTruth(): TriggerTruth[] {
    const t = this.truth;
    this.truth = [];
    return t;
  }

  /** The SPILL_END scalers of a board as they stand now (final once the spill has ended). */
  scalers(boardId: number): FifoSpillEndRec {
    return this.scalersOf(this.board(boardId));
  }

  /** Summary of the last finished spill, or null. */
  get lastSpillTruth(): SpillTruth | null {
    return this.lastSpill;
  }

  get nowTicks(): number {
    return Math.round(this.nowNs / this.clockNs);
  }

  /** Length of the beam spill in ticks. */
  get spillTicks(): number {
    return Math.ceil(this.beam.spillNs / this.clockNs);
  }

  get spillOpen(): boolean {
    return this.inSpill;
  }

  boardIds(): number[] {
    return this.boards.map((b) => b.layout.id);
  }

  // ---- the trigger loop ------------------------------------------------------------------

  /**
   * Process everything before toNs in time order: beam particles (trigger decisions), random and
   * calibration triggers. Particles are generated ahead of the decisions (veto window, analog-sum
   * rise and readout windows look into the future) in batches, and old ones are released.
   */
  private run(toNs: number): void {
    const ring = this.ring;
    const source = this.source;
    const trig = this.trigger;
    const triggering = this.trigBoard.running && this.trigBoard.regs.ctrl(CtrlBit.RUN_ENABLE);
    const ahead = Math.max(this.lookaheadNs, trig.vetoWindowNs);
    const back = Math.max(this.lookbackNs, trig.vetoWindowNs);
    const batchNs = ahead + GENERATION_BATCH_NS;
    for (;;) {
      const tr = triggering ? this.nextRandomNs : Infinity;
      const tc = triggering ? this.nextCalibNs : Infinity;
      const tOther = tr < tc ? tr : tc;
      const limit = tOther < toNs ? tOther : toNs;
      // Beam particles up to the next generator trigger (or the end of this advance).
      for (;;) {
        if (this.nextDecide >= ring.head) {
          if (source.done) break;
          source.fillUntil(ring, source.lastTimeNs + batchNs);
          continue;
        }
        const serial = this.nextDecide;
        const t = ring.tNs[ring.slot(serial)]!;
        if (!(t < limit)) break;
        if (!source.done && source.lastTimeNs < t + ahead) source.fillUntil(ring, t + batchNs);
        this.nextDecide = serial + 1;
        if (triggering) this.decideParticle(serial);
        if ((serial & 1023) === 0) ring.release(ring.firstAtOrAfter(t - back));
      }
      if (!(tOther < toNs)) break;
      if (!source.done && source.lastTimeNs < tOther + ahead) source.fillUntil(ring, tOther + batchNs);
      if (tr <= tc) {
        this.nextRandomNs = tr + trig.randomPeriodNs * this.randomRng.exponential();
        if (trig.prescaled(TriggerType.RANDOM)) this.accept(tr, typeBit(TriggerType.RANDOM), -1);
      } else {
        this.nextCalibNs = tc + trig.calibPeriodNs;
        if (trig.prescaled(TriggerType.CALIBRATION)) this.accept(tc, typeBit(TriggerType.CALIBRATION), -1);
      }
    }
    if (!triggering) ring.release(Math.min(this.nextDecide, ring.firstAtOrAfter(toNs - back)));
  }

  private decideParticle(serial: number): void {
    const trig = this.trigger;
    const ring = this.ring;
    const slot = ring.slot(serial);
    if (!trig.coincidence(ring, slot)) return;
    let mask = 0;
    const enabled = trig.enableMask;
    if (enabled & PHYSICS_BIT && trig.physics(ring, slot, this.state)) {
      trig.prescaled(PHYSICS);
      mask |= PHYSICS_BIT;
    }
    if (enabled & BEAM_BIT && trig.prescaled(BEAM)) mask |= BEAM_BIT;
    if (mask) this.accept(ring.tNs[slot]!, mask, serial);
  }

  private armRandom(fromNs: number): void {
    const t = this.trigger;
    this.nextRandomNs = t.enabled(TriggerType.RANDOM) && t.randomPeriodNs > 0 ? fromNs + t.randomPeriodNs * this.randomRng.exponential() : Infinity;
  }

  private armCalib(fromNs: number): void {
    const t = this.trigger;
    const p = t.calibPeriodNs;
    this.nextCalibNs = t.enabled(TriggerType.CALIBRATION) && p > 0 ? (Math.floor(fromNs / p) + 1) * p : Infinity;
  }

  /** A trigger passed its prescale at tNs: inhibit and count it, or record it everywhere. */
  private accept(tNs: number, typeMask: number, serial: number): void {
    const sc = this.trigger.scalers;
    if (tNs < this.deadUntilNs) {
      sc.inhibitedDead++;
      return;
    }
    if (this.globalBusy) {
      sc.inhibitedBusy++;
      return;
    }
    const trig = this.trigger;
    const number = ++this.triggerNumber;
    this.acceptedThisSpill++;
    this.deadUntilNs = tNs + trig.deadTimeNs;
    sc.deadNs += trig.deadTimeNs;
    for (let t = 1; t <= 4; t++) if (typeMask & (1 << (t - 1))) sc.accepted[t - 1]!++;
    const type = primaryType(typeMask);
    const tick = Math.floor(tNs / this.clockNs);
    const st = trig.inputState(this.ring, tNs, this.state);

    this.collectHits(tNs);
    for (const b of this.runningDigitisers) b.fullReadout = this.waveformByPolicy(b, number, type);
    this.digitiser.readout(this.runningDigitisers, tick, tNs, this.hits, type === TriggerType.CALIBRATION, this.digiRng);
    for (const b of this.boards) {
      if (!b.running) continue;
      if (b !== this.trigBoard && b.fex.enabled(b.regs)) {
        this.writeFeatures(b, number, tick, type);
        continue;
      }
      if (b === this.trigBoard) {
        b.fifo.append("TRIGGER", {
          triggerNumber: number,
          timestampTicks: tick,
          triggerType: type,
          typeMask,
          inputPattern: st.pattern,
          psSumAdc: st.psSumAdc,
          ecalSumAdc: st.ecalSumAdc,
        });
      } else {
        b.fifo.append("EVENT", {
          triggerNumber: number,
          timestampTicks: tick,
          triggerType: type,
          windowSamples: b.regs.get(Reg.WINDOW_SAMPLES),
          channels: b.out.channels,
          samples: b.out.samples,
        });
      }
      b.recordsWritten++;
    }
    this.refreshBusy(tNs);
    this.truth.push(this.truthOf(number, tick, tNs, type, typeMask, st, serial));
  }

  /** Waveforms of this trigger decided by its number and type alone (WAVE_EVERY_N, WAVE_TYPE_MASK). */
  private waveformByPolicy(b: BoardState, number: number, type: number): boolean {
    if (!b.fex.enabled(b.regs)) return false;
    const every = b.regs.get(Reg.WAVE_EVERY_N);
    return (every > 0 && number % every === 0) || (b.regs.get(Reg.WAVE_TYPE_MASK) & typeBit(type)) !== 0;
  }

  /** Channels per EVENT record of a waveform of W-sample windows. */
  private static channelsPerRecord(W: number): number {
    return Math.max(1, Math.floor(MAX_RECORD_SAMPLES / W));
  }

  private recordsPerTrigger(b: BoardState): number {
    if (b === this.trigBoard || !b.fex.enabled(b.regs)) return 1;
    const r = b.regs;
    if (r.get(Reg.WAVE_EVERY_N) === 0 && r.get(Reg.WAVE_TYPE_MASK) === 0 && r.get(Reg.WAVE_HIT_FLAG_MASK) === 0) return 1;
    return 1 + Math.ceil(b.layout.channels.length / FrontEndSimulator.channelsPerRecord(r.get(Reg.WINDOW_SAMPLES)));
  }

  /**
   * The feature readout of one trigger: the FEATURES record of the channels that passed the
   * hardware zero suppression, then, on a waveform event, EVENT records with the samples of every
   * channel read out (at most MAX_RECORD_SAMPLES each).
   */
  private writeFeatures(b: BoardState, number: number, tick: number, type: number): void {
    const out = b.out;
    const h = b.hits;
    b.fex.extract(b.regs, out.chanBuf, out.n, out.sampleBuf, out.W, h, out.passed);
    const wave = b.fullReadout || (b.regs.get(Reg.WAVE_HIT_FLAG_MASK) & h.hitFlagsAny) !== 0;
    const n = h.n;
    b.fifo.append("FEATURES", {
      triggerNumber: number,
      timestampTicks: tick,
      triggerType: type,
      eventFlags: h.eventFlags | (wave ? EventFlag.WAVEFORM : 0),
      energySumKeV: energyKeV(h.energyEv),
      vetoHits: h.vetoHits,
      counterHits: h.counterHits,
      hits: {
        n,
        channel: h.channel.subarray(0, n) as unknown as number[],
        amplitudeAdc: h.amplitudeAdc.subarray(0, n) as unknown as number[],
        timeQ8: h.timeQ8.subarray(0, n) as unknown as number[],
        flags: h.flags.subarray(0, n) as unknown as number[],
      },
    });
    b.recordsWritten++;
    if (!wave) return;
    const W = out.W;
    const per = FrontEndSimulator.channelsPerRecord(W);
    let c0 = 0;
    do {
      const c1 = Math.min(out.n, c0 + per);
      b.fifo.append("EVENT", {
        triggerNumber: number,
        timestampTicks: tick,
        triggerType: type,
        windowSamples: W,
        channels: out.chanBuf.subarray(c0, c1) as unknown as number[],
        samples: out.sampleBuf.subarray(c0 * W, c1 * W) as unknown as number[],
      });
      b.recordsWritten++;
      c0 = c1;
    } while (c0 < out.n);
  }

  /** Particles whose pulses can reach a readout window of a trigger at tNs, with their deposits. */
  private collectHits(tNs: number): void {
    const ring = this.ring;
    const hits = this.hits;
    // Reach of the windows as the running digitisers are set now.
    let pre = 0;
    let post = 0;
    for (const b of this.boards) {
      if (!b.running || b === this.trigBoard) continue;
      const P = b.regs.get(Reg.PRETRIGGER_SAMPLES);
      pre = Math.max(pre, P);
      post = Math.max(post, b.regs.get(Reg.WINDOW_SAMPLES) - P);
    }
    const clock = this.clockNs;
    const lo = ring.firstAtOrAfter(tNs - pre * clock - this.hitsBackExtraNs);
    const hi = ring.firstAtOrAfter(tNs + post * clock + this.hitsAheadExtraNs);
    const n = hi - lo;
    if (hits.tNs.length < n) hits.tNs = new Float64Array(2 * n);
    while (hits.deposits.length < n) hits.deposits.push(new Deposits(this.layout.size + 8, this.digitiser.minDepositGeV));
    this.hitSerials.length = 0;
    for (let i = 0; i < n; i++) {
      const serial = lo + i;
      const slot = ring.slot(serial);
      hits.tNs[i] = ring.tNs[slot]!;
      this.detailRng.reseed(this.seed, Stream.DETAIL, this.spillNumber, serial);
      this.response.detail(this.detailRng, ring, slot, hits.deposits[i]!);
      this.hitSerials.push(serial);
    }
    hits.n = n;
  }

  // ---- busy and FIFO ---------------------------------------------------------------------

  private pushBoundary<K extends "SPILL_BEGIN" | "SPILL_END">(b: BoardState, name: K, body: FifoBodies[K]): void {
    if (b.fifo.full) throw new FifoOverflowError(b.layout.id, name, b.fifo.depth);
    b.fifo.append(name, body);
    if (name === "SPILL_BEGIN") b.recordsWritten++;
  }

  /** Re-evaluate every board's busy (CTRL.BUSY or no free event slot) at time tNs. */
  private refreshBusy(tNs: number): void {
    let any = false;
    for (const b of this.boards) {
      const busy = b.running && (b.regs.ctrl(CtrlBit.BUSY) || b.fifo.fullFor(b.recordsPerTrigger));
      if (busy !== b.busy) {
        if (busy) b.busySinceNs = tNs;
        else b.busyNs += tNs - b.busySinceNs;
        b.busy = busy;
      }
      any ||= busy;
    }
    if (any !== this.globalBusy) {
      if (any) this.globalBusySinceNs = tNs;
      else this.globalBusyNs += tNs - this.globalBusySinceNs;
      this.globalBusy = any;
    }
  }

  private closeBusy(endNs: number): void {
    for (const b of this.boards) {
      if (b.busy) {
        b.busyNs += endNs - b.busySinceNs;
        b.busySinceNs = endNs;
      }
    }
    if (this.globalBusy) {
      this.globalBusyNs += endNs - this.globalBusySinceNs;
      this.globalBusySinceNs = endNs;
    }
  }

  private busyNsOf(b: BoardState): number {
    const open = this.inSpill && b.busy ? this.nowNs - b.busySinceNs : 0;
    return b.busyNs + open;
  }

  private scalersOf(b: BoardState): FifoSpillEndRec {
    const clock = this.clockNs;
    const ticks = (ns: number) => Math.min(MAX_TICKS, Math.max(0, Math.round(ns / clock)));
    const isTrig = b === this.trigBoard;
    const sc = this.trigger.scalers;
    const globalBusy = this.globalBusyNs + (this.inSpill && this.globalBusy ? this.nowNs - this.globalBusySinceNs : 0);
    return {
      spillNumber: this.spillNumber,
      spillTicks: ticks(this.nowNs),
      deadTicks: isTrig ? ticks(Math.min(sc.deadNs, this.nowNs)) : 0,
      busyTicks: ticks(isTrig ? globalBusy : this.busyNsOf(b)),
      beamCoincidences: isTrig ? sc.beamCoincidences : 0,
      rawTriggers: isTrig ? [...sc.raw] : [0, 0, 0, 0],
      acceptedTriggers: isTrig ? [...sc.accepted] : [0, 0, 0, 0],
      inhibitedBusy: isTrig ? sc.inhibitedBusy : 0,
      inhibitedDead: isTrig ? sc.inhibitedDead : 0,
      recordsWritten: b.recordsWritten,
      fifoMaxDepth: Math.min(0xffff, b.fifo.maxCount),
    };
  }

  // ---- truth -------------------------------------------------------------------------------

  private truthOf(number: number, tick: number, tNs: number, type: number, typeMask: number, st: InputState, serial: number): TriggerTruth {
    const inWindow: ParticleTruth[] = [];
    let particle: ParticleTruth | null = null;
    for (let i = 0; i < this.hits.n; i++) {
      const s = this.hitSerials[i]!;
      const pt = particleTruth(this.ring, this.layout, s, this.hits.deposits[i]!);
      inWindow.push(pt);
      if (s === serial) particle = pt;
    }
    return {
      spillNumber: this.spillNumber,
      triggerNumber: number,
      timestampTicks: tick,
      timeNs: tNs,
      triggerType: type,
      typeMask,
      inputPattern: st.pattern,
      psSumAdc: st.psSumAdc,
      ecalSumAdc: st.ecalSumAdc,
      coincidence: serial >= 0,
      vetoed: st.vetoed,
      particle,
      inWindow,
      pileup: this.pileupAround(tNs, serial),
    };
  }

  /**
   * Beam particles (halo excluded) other than `serial` within +-W of tNs, W the longest
   * WINDOW_SAMPLES of the running digitiser boards as the registers stand (the power-on window when
   * none runs). Counted in the particle ring, which holds more than the longest window on both sides.
   */
  private pileupAround(tNs: number, serial: number): number {
    let samples = 0;
    for (const b of this.runningDigitisers) samples = Math.max(samples, b.regs.get(Reg.WINDOW_SAMPLES));
    const w = (samples || this.digitiserParams.windowSamples) * this.clockNs;
    const ring = this.ring;
    let n = 0;
    for (let s = ring.firstAtOrAfter(tNs - w); s < ring.head; s++) {
      const slot = ring.slot(s);
      if (ring.tNs[slot]! > tNs + w) break;
      if (s !== serial && ring.species[slot] !== HALO) n++;
    }
    return n;
  }

  private board(id: number): BoardState {
    const b = this.byId.get(id);
    if (!b) throw new UnknownBoardError(id, [...this.byId.keys()]);
    return b;
  }
}
