// What a physicist looks at after a bench run, computed from the built events (the frames the
// firmware sent, not the simulator's truth): triggers by type, the ECAL energy spectrum,
// missing-energy candidates, veto timing.
import type { Setup } from "../../boards/setup";
import { EventFlag, HitFlag, TriggerType } from "../../protocol/schema/enums";
import type { ConfigMsg, EventMsg, TriggerMsg } from "../../protocol/schema/messages";
import type { BuiltEvent } from "../builder/builder";
import type { SignalWindow } from "../config/darkphoton";
import { Histogram, Histogram2D } from "./histogram";
import { ChannelMaps } from "./channel-maps";

export const TRIGGER_NAMES: Record<number, string> = {
  [TriggerType.PHYSICS]: "physics",
  [TriggerType.BEAM]: "beam",
  [TriggerType.RANDOM]: "random",
  [TriggerType.CALIBRATION]: "calibration",
};

export interface Candidate {
  spill: number;
  trigger: number;
  ecalGeV: number;
  hcalGeV: number;
  inSignalWindow: boolean;
}

export interface SummaryCuts {
  beamEnergyGeV: number;
  hcalVetoMaxGeV: number;
  /** ECAL energy below which a physics event is a missing-energy candidate. */
  ecalMaxGeV: number;
  /** Length of a spill: the range of the trigger-time histograms. */
  spillLengthS: number;
  signal?: SignalWindow;
}

/** Board ids by setup name, and the configs the boards run (expected hit times). */
export interface SummaryBoards {
  setup: Setup;
  configs: ReadonlyMap<number, ConfigMsg>;
}

const keV = (x: number) => x / 1e6;

/** Boards every channel of which reads `det` (the ECAL boards, the HCAL board), in setup order. */
export function boardsReading(setup: Setup, det: string): number[] {
  return setup.boards.filter((b) => b.channels.length && b.channels.every((c) => c.det === det)).map((b) => b.id);
}

/** Energy in GeV of the EVENTs at `parts` indexes (their boards' energySumKeV; a missing board adds 0). */
export function energySumGeV(ev: BuiltEvent, parts: readonly number[]): number {
  return parts.reduce((a, i) => a + keV((ev.parts[i] as EventMsg | undefined)?.energySumKeV ?? 0), 0);
}

// Definitions of every count and spectrum: src/analysis/README.md.
export class PhysicsSummary {
  /** Built events by their TRIGGER's triggerType, each event once (events without the trigger board's frame in none). */
  readonly triggersByType: Record<string, number> = { physics: 0, beam: 0, random: 0, calibration: 0 };
  /**
   * ECAL (preshower + main) energy of the triggers with the BEAM bit in their typeMask: every
   * trigger the beam prescaler accepted, whatever its type. Unbiased: the prescaler does not look
   * at the ECAL. Their trigger type is beam, or physics when the physics condition was true too.
   */
  readonly ecalBeam: Histogram;
  /** Of the ecalBeam entries, those whose trigger type is physics (so ecalBeam.entries - this = triggersByType.beam). */
  ecalBeamOfTypePhysics = 0;
  /** ECAL energy of the triggers with the PHYSICS bit in their typeMask: exactly the triggers of type physics. */
  readonly ecalPhysics: Histogram;
  readonly hcalPhysics: Histogram;
  /** Veto-board hit time minus the channel's expected time, ns. */
  readonly vetoTiming = new Histogram(-100, 100, 40, "ns");
  /** ECAL versus HCAL energy of physics triggers (NA64's signature plot), 0..1.25 E0 each. */
  readonly ecalVsHcal: Histogram2D;
  /** ECAL energy of random triggers (noise and pile-up), 0..0.05 E0. */
  readonly ecalRandom: Histogram;
  /** Amplitude of every ECAL and HCAL hit of calibration (LED) triggers. */
  readonly ledAmplitude = new Histogram(0, 4096, 64, "ADC");
  /** Trigger time in the spill (the trigger board's timestamp), per trigger type as in triggersByType. */
  readonly triggerTime: Record<string, Histogram>;
  /** Per-channel occupancy and beam-trigger energy. */
  readonly channels: ChannelMaps;
  vetoHits = 0;
  vetoInTime = 0;
  vetoedEvents = 0;
  events = 0;
  zeroHitEvents = 0;
  readonly candidates: Candidate[] = [];
  candidateCount = 0;
  /** Every candidate as "spill:trigger" (few: physics events with almost no energy anywhere). */
  readonly candidateKeys = new Set<string>();
  /** The candidates whose ECAL energy is in the expected signal window. */
  readonly candidatesInWindowKeys = new Set<string>();
  candidatesInWindow = 0;
  /**
   * The trigger board's ECAL maximum (its CONFIG ecalMaxSumAdc over the sum's gain), in GeV. The
   * trigger compares a fast analog sum at the trigger time; the digitisers read the whole readout
   * window, so physics events can show more ECAL energy than this: another particle's shower in
   * the window (pile-up).
   */
  readonly triggerEcalMaxGeV: number | undefined;
  /** Physics triggers whose ECAL energy is above triggerEcalMaxGeV... */
  physicsAboveTriggerMax = 0;
  /** ...and of those, the ones with less than half of their ECAL energy in hits flagged in time. */
  physicsAboveTriggerMaxOutOfTime = 0;
  private readonly idx: { trig: number; ecal: number[]; hcal: number[]; veto: number };
  private readonly vetoChannels = new Set<number>();
  /** ECAL boards, in the order of idx.ecal. */
  private readonly ecalBoardIds: number[];

  constructor(
    private readonly cuts: SummaryCuts,
    private readonly boards: SummaryBoards,
    /** Order of BuiltEvent.parts (EventBuilder.boardIds). */
    partsOrder: readonly number[],
  ) {
    const e0 = cuts.beamEnergyGeV;
    this.ecalBeam = new Histogram(0, 1.25 * e0, 25, "GeV");
    this.ecalPhysics = new Histogram(0, 1.25 * e0, 25, "GeV");
    this.hcalPhysics = new Histogram(0, 1.25 * e0, 25, "GeV");
    this.ecalVsHcal = new Histogram2D({ lo: 0, hi: 1.25 * e0, n: 25 }, { lo: 0, hi: 1.25 * e0, n: 25 });
    this.ecalRandom = new Histogram(0, 0.05 * e0, 35, "GeV");
    this.triggerTime = Object.fromEntries(Object.values(TRIGGER_NAMES).map((n) => [n, new Histogram(0, cuts.spillLengthS, 48, "s")]));
    this.channels = new ChannelMaps(boards.setup, boards.configs, partsOrder);
    const pos = (role: string) => {
      const b = boards.setup.boards.find((x) => x.role === role);
      return b ? partsOrder.indexOf(b.id) : -1;
    };
    this.ecalBoardIds = boardsReading(boards.setup, "ECAL");
    this.idx = { trig: pos("trigger"), ecal: this.ecalBoardIds.map((id) => partsOrder.indexOf(id)), hcal: boardsReading(boards.setup, "HCAL").map((id) => partsOrder.indexOf(id)), veto: pos("veto") };
    const trigBoard = boards.setup.boards.find((b) => b.role === "trigger");
    const trigCfg = trigBoard && boards.configs.get(trigBoard.id);
    this.triggerEcalMaxGeV = trigCfg ? trigCfg.ecalMaxSumAdc / boards.setup.triggerSums.ecalAdcPerGeV : undefined;
    const vetoBoard = boards.setup.boards.find((b) => b.role === "veto");
    for (const c of vetoBoard?.channels ?? []) if (c.det === "VETO" || c.det === "V0" || c.det === "V1") this.vetoChannels.add(c.ch);
  }

  add(ev: BuiltEvent): void {
    this.events++;
    if (ev.hits === 0) this.zeroHitEvents++;
    const trig = ev.parts[this.idx.trig] as TriggerMsg | undefined;
    const type = trig?.triggerType ?? 0;
    const name = TRIGGER_NAMES[type];
    if (name) this.triggersByType[name]!++;
    const ecal = energySumGeV(ev, this.idx.ecal);
    const hcal = energySumGeV(ev, this.idx.hcal);
    const veto = ev.parts[this.idx.veto] as EventMsg | undefined;
    const vetoed = veto ? (veto.eventFlags & EventFlag.VETOED) !== 0 : false;
    if (vetoed) this.vetoedEvents++;
    if (veto) this.addVetoTiming(veto);
    const beam = trig !== undefined && (trig.typeMask & (1 << (TriggerType.BEAM - 1))) !== 0;
    this.channels.add(ev, beam);
    if (type === TriggerType.RANDOM) this.ecalRandom.add(ecal);
    if (type === TriggerType.CALIBRATION) this.addLed(ev);
    if (!trig) return;
    if (name) this.triggerTime[name]!.add((trig.timestampTicks * this.boards.setup.clockNs) / 1e9);
    const mask = trig.typeMask;
    if (beam) {
      this.ecalBeam.add(ecal);
      if (trig.triggerType === TriggerType.PHYSICS) this.ecalBeamOfTypePhysics++;
    }
    if (mask & (1 << (TriggerType.PHYSICS - 1))) {
      this.ecalPhysics.add(ecal);
      this.hcalPhysics.add(hcal);
      this.ecalVsHcal.add(ecal, hcal);
      if (this.triggerEcalMaxGeV !== undefined && ecal > this.triggerEcalMaxGeV) {
        this.physicsAboveTriggerMax++;
        if (this.ecalInTimeFraction(ev) < 0.5) this.physicsAboveTriggerMaxOutOfTime++;
      }
      const s = this.cuts.signal;
      const inWindow = s ? ecal >= s.ecalLowGeV && ecal <= s.ecalHighGeV : false;
      if (!vetoed && hcal < this.cuts.hcalVetoMaxGeV && (ecal < this.cuts.ecalMaxGeV || inWindow)) {
        this.candidateCount++;
        this.candidateKeys.add(`${ev.spill}:${ev.trigger}`);
        if (inWindow) {
          this.candidatesInWindow++;
          this.candidatesInWindowKeys.add(`${ev.spill}:${ev.trigger}`);
        }
        if (this.candidates.length < 20) this.candidates.push({ spill: ev.spill, trigger: ev.trigger, ecalGeV: ecal, hcalGeV: hcal, inSignalWindow: inWindow });
      }
    }
  }

  private addLed(ev: BuiltEvent): void {
    for (const i of [...this.idx.ecal, ...this.idx.hcal]) {
      const e = ev.parts[i] as EventMsg | undefined;
      if (e) for (let j = 0; j < e.hits.n; j++) this.ledAmplitude.add(e.hits.amplitudeAdc[j]!);
    }
  }

  /** Share of the event's ECAL hit energy in hits the boards flagged IN_TIME. */
  private ecalInTimeFraction(ev: BuiltEvent): number {
    let all = 0;
    let inTime = 0;
    this.idx.ecal.forEach((i, k) => {
      const e = ev.parts[i] as EventMsg | undefined;
      const evPerAdc = this.boards.configs.get(this.ecalBoardIds[k]!)?.channels.energyEvPerAdc;
      if (!e || !evPerAdc) return;
      for (let j = 0; j < e.hits.n; j++) {
        const energy = e.hits.amplitudeAdc[j]! * evPerAdc[e.hits.channel[j]!]!;
        all += energy;
        if (e.hits.flags[j]! & HitFlag.IN_TIME) inTime += energy;
      }
    });
    return all ? inTime / all : 1;
  }

  private addVetoTiming(v: EventMsg): void {
    const cfg = this.boards.configs.get(this.boards.setup.boards.find((b) => b.role === "veto")!.id);
    if (!cfg) return;
    const clock = this.boards.setup.clockNs;
    const h = v.hits;
    for (let i = 0; i < h.n; i++) {
      const ch = h.channel[i]!;
      if (!this.vetoChannels.has(ch)) continue;
      this.vetoHits++;
      const dtNs = ((h.timeQ8[i]! - cfg.channels.timeExpectedQ8[ch]!) / 256) * clock;
      this.vetoTiming.add(dtNs);
      if (Math.abs(h.timeQ8[i]! - cfg.channels.timeExpectedQ8[ch]!) <= cfg.channels.timeHalfWindowQ8[ch]!) this.vetoInTime++;
    }
  }

  toJSON() {
    return {
      events: this.events,
      zeroHitEvents: this.zeroHitEvents,
      triggersByType: this.triggersByType,
      ecalBeamGeV: this.ecalBeam,
      ecalBeamOfTypePhysics: this.ecalBeamOfTypePhysics,
      ecalPhysicsGeV: this.ecalPhysics,
      hcalPhysicsGeV: this.hcalPhysics,
      vetoedEvents: this.vetoedEvents,
      vetoTimingNs: this.vetoTiming,
      vetoHits: this.vetoHits,
      vetoInTime: this.vetoInTime,
      triggerEcalMaxGeV: this.triggerEcalMaxGeV,
      ecalVsHcalPhysicsGeV: this.ecalVsHcal,
      ecalRandomGeV: this.ecalRandom,
      ledAmplitudeAdc: this.ledAmplitude,
      triggerTimeS: this.triggerTime,
      channels: this.channels,
      physicsAboveTriggerMax: { events: this.physicsAboveTriggerMax, mostlyOutOfTime: this.physicsAboveTriggerMaxOutOfTime },
      candidates: { cuts: this.cuts, count: this.candidateCount, inSignalWindow: this.candidatesInWindow, first: this.candidates },
    };
  }
}
