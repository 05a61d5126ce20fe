// Everything the plots of a run show, as plain JSON: the physics summary's histograms, the spills'
// dead time and BUSY from the SCALERS, the boards' links. The after-the-run HTML report renders it
// once; the live page of a running DAQ receives a fresh one every second. One builder serves both,
// so the two show the same numbers the same way.
import type { Setup } from "../../boards/setup";
import type { ScalersMsg } from "../../protocol/schema/messages";
import type { SpillReport } from "../builder/builder";
import type { PhysicsSummary } from "../analysis/physics-summary";
import type { Histogram, Histogram2D } from "../analysis/histogram";
import type { ChannelMaps } from "../analysis/channel-maps";

export type HistogramJson = ReturnType<Histogram["toJSON"]>;
export type Histogram2DJson = ReturnType<Histogram2D["toJSON"]>;
export type ChannelMapsJson = ReturnType<ChannelMaps["toJSON"]>;

export interface SpillView {
  spill: number;
  events: number;
  /** Seconds of beam (the trigger board's spill ticks), when its SCALERS arrived. */
  beamS?: number;
  /** Trigger-board dead time and every board's BUSY, as fractions of the spill. */
  deadFraction?: number;
  busyFraction: Record<string, number>;
  accepted?: number;
  inhibitedBusy?: number;
  inhibitedDead?: number;
}

export interface BoardView {
  id: number;
  name: string;
  role: string;
  connected: boolean;
  bootCount?: number;
  reconnects: number;
  restarts: number;
  resendRequests: number;
  /** The board's BUSY line in its last STATUS (live view). */
  busy?: boolean;
  /** Milliseconds since the board's last STATUS heartbeat (live view). */
  heartbeatAgeMs?: number;
  frames: number;
}

/** The raw samples of one channel in a recent event (live view). */
export interface WaveformView {
  board: string;
  channel: number;
  element: string;
  spill: number;
  trigger: number;
  samplesAdc: number[];
}

export interface RunView {
  beamEnergyGeV: number;
  clockNs: number;
  events: number;
  triggersByType: Record<string, number>;
  zeroHitEvents: number;
  vetoedEvents: number;
  /** Spills whose SCALERS closed them; the trigger-time plots average over spillsSeen. */
  spills: SpillView[];
  spillsSeen: number;
  beamSeconds?: number;
  cuts: { ecalMaxGeV: number; hcalVetoMaxGeV: number; triggerEcalMaxGeV?: number; signal?: { ecalLowGeV: number; ecalHighGeV: number } };
  ecalBeam: HistogramJson;
  ecalPhysics: HistogramJson;
  hcalPhysics: HistogramJson;
  ecalVsHcal: Histogram2DJson;
  ecalRandom: HistogramJson;
  ledAmplitude: HistogramJson;
  vetoTiming: HistogramJson;
  triggerTime: Record<string, HistogramJson>;
  channels: ChannelMapsJson;
  /** Element names per board and channel, for the maps. */
  elements: Record<string, Record<number, { element: string; det: string; cell: number[] }>>;
  boards?: BoardView[];
  waveforms?: WaveformView[];
}

/** Dead time and BUSY of each closed spill, from its SCALERS. */
export function spillViews(reports: Iterable<SpillReport>, setup: Setup): SpillView[] {
  const trig = setup.boards.find((b) => b.role === "trigger");
  const out: SpillView[] = [];
  for (const r of reports) {
    const t: ScalersMsg | undefined = trig ? r.scalers[trig.id] : undefined;
    const busy: Record<string, number> = {};
    for (const b of setup.boards) {
      const s = r.scalers[b.id];
      if (s && s.spillTicks) busy[b.name] = s.busyTicks / s.spillTicks;
    }
    out.push({
      spill: r.spill,
      events: r.events,
      ...(t
        ? {
            beamS: (t.spillTicks * setup.clockNs) / 1e9,
            deadFraction: t.spillTicks ? t.deadTicks / t.spillTicks : 0,
            accepted: r.events,
            inhibitedBusy: t.inhibitedBusy,
            inhibitedDead: t.inhibitedDead,
          }
        : {}),
      busyFraction: busy,
    });
  }
  return out.sort((a, b) => a.spill - b.spill);
}

export function runView(s: PhysicsSummary, setup: Setup, reports: Iterable<SpillReport>, o: { spillsSeen?: number; boards?: BoardView[]; waveforms?: WaveformView[] } = {}): RunView {
  const j = s.toJSON();
  const spills = spillViews(reports, setup);
  const cuts = j.candidates.cuts;
  return {
    beamEnergyGeV: cuts.beamEnergyGeV,
    clockNs: setup.clockNs,
    events: s.events,
    triggersByType: { ...s.triggersByType },
    zeroHitEvents: s.zeroHitEvents,
    vetoedEvents: s.vetoedEvents,
    spills,
    spillsSeen: Math.max(o.spillsSeen ?? 0, spills.length),
    ...(spills.some((x) => x.beamS !== undefined) ? { beamSeconds: spills.reduce((a, x) => a + (x.beamS ?? 0), 0) } : {}),
    cuts: {
      ecalMaxGeV: cuts.ecalMaxGeV,
      hcalVetoMaxGeV: cuts.hcalVetoMaxGeV,
      ...(s.triggerEcalMaxGeV !== undefined ? { triggerEcalMaxGeV: s.triggerEcalMaxGeV } : {}),
      ...(cuts.signal ? { signal: { ecalLowGeV: cuts.signal.ecalLowGeV, ecalHighGeV: cuts.signal.ecalHighGeV } } : {}),
    },
    ecalBeam: s.ecalBeam.toJSON(),
    ecalPhysics: s.ecalPhysics.toJSON(),
    hcalPhysics: s.hcalPhysics.toJSON(),
    ecalVsHcal: s.ecalVsHcal.toJSON(),
    ecalRandom: s.ecalRandom.toJSON(),
    ledAmplitude: s.ledAmplitude.toJSON(),
    vetoTiming: s.vetoTiming.toJSON(),
    triggerTime: Object.fromEntries(Object.entries(s.triggerTime).map(([k, h]) => [k, h.toJSON()])),
    channels: s.channels.toJSON(),
    elements: Object.fromEntries(setup.boards.map((b) => [b.name, Object.fromEntries(b.channels.map((c) => [c.ch, { element: c.element, det: c.det, cell: c.cell }]))])),
    ...(o.boards ? { boards: o.boards } : {}),
    ...(o.waveforms ? { waveforms: o.waveforms } : {}),
  };
}
