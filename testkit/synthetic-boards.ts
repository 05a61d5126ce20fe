// Synthetic readout boards for builder/run-file tests and the host ingest benchmark: seeded,
// sealed frames exactly as the firmware sends them (TRIGGER from the trigger board, EVENT from
// digitisers, SCALERS after each spill's last event), each board with its own up sequence.
import { encodeFrame } from "../protocol/frame";
import type { EventMsg, ScalersMsg, TriggerMsg } from "../protocol/schema/messages";

export interface SynthBoard {
  id: number;
  kind: "trigger" | "digitiser";
  /** Mean hits per EVENT (digitisers); 0 gives zero-hit events only. */
  meanHits?: number;
  /** Channels the board reads (hit channel numbers are drawn below this). */
  channels?: number;
  configHash?: number;
}

export interface SynthOptions {
  boards: readonly SynthBoard[];
  spills: number;
  triggersPerSpill: number;
  seed?: number;
  firstSpill?: number;
  /** Trigger numbers restart at 1 every spill (default) or run on across spills. */
  triggerNumbering?: "per-spill" | "per-run";
  /**
   * Every Nth trigger of a spill is a physics trigger that is also a beam trigger (type mask 3),
   * counted in both per-type scalers, as the trigger board counts it; default none.
   */
  multiTypeEvery?: number;
  /** Every Nth trigger of a spill (not taken by multiTypeEvery) is a beam trigger only (type 2, mask 2); default none. */
  beamOnlyEvery?: number;
}

/** One frame as a board sent it, with the logical content for test assertions. */
export interface SynthFrame {
  board: number;
  seq: number;
  kind: "EVENT" | "TRIGGER" | "SCALERS";
  spill: number;
  trigger: number;
  hits: number;
  bytes: Buffer;
}

/** mulberry32: small, seeded, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(r: () => number, mean: number): number {
  if (mean <= 0) return 0;
  const l = Math.exp(-mean);
  let k = 0;
  for (let p = r(); p > l; p *= r()) k++;
  return k;
}

function scalers(spill: number, events: number, hits: number, b: SynthBoard, triggers: number, alsoBeam: number): ScalersMsg {
  const trig = b.kind === "trigger";
  return {
    runNumber: 1,
    spillNumber: spill,
    spillTicks: 373250000,
    deadTicks: 0,
    beamCoincidences: trig ? triggers : 0,
    rawTriggers: trig ? [triggers, alsoBeam, 0, 0] : [0, 0, 0, 0],
    acceptedTriggers: trig ? [triggers, alsoBeam, 0, 0] : [0, 0, 0, 0],
    inhibitedBusy: 0,
    inhibitedDead: 0,
    fifoRecords: events + 2,
    fifoMaxDepth: 1,
    eventsSent: events,
    hitsSent: hits,
    framesResent: 0,
    busyTicks: 0,
    channels: { n: 0, channel: [], hits: [] },
  };
}

/** Frames per board, in the order each board sends them. */
export function synthesize(o: SynthOptions): Map<number, SynthFrame[]> {
  const r = rng(o.seed ?? 1);
  const out = new Map<number, SynthFrame[]>(o.boards.map((b) => [b.id, []]));
  const seq = new Map<number, number>(o.boards.map((b) => [b.id, 1]));
  const first = o.firstSpill ?? 1;
  let runTrigger = 0;
  for (let s = first; s < first + o.spills; s++) {
    const counts = new Map<number, { events: number; hits: number }>(o.boards.map((b) => [b.id, { events: 0, hits: 0 }]));
    for (let k = 1; k <= o.triggersPerSpill; k++) {
      const trigger = o.triggerNumbering === "per-run" ? ++runTrigger : k;
      const ts = Math.floor(r() * 373250000);
      for (const b of o.boards) {
        const q = seq.get(b.id)!;
        seq.set(b.id, q + 1);
        const hash = b.configHash ?? 0x11223344;
        let bytes: Buffer;
        let hits = 0;
        if (b.kind === "trigger") {
          const typeMask = o.multiTypeEvery && k % o.multiTypeEvery === 0 ? 3 : o.beamOnlyEvery && k % o.beamOnlyEvery === 0 ? 2 : 1;
          const t: TriggerMsg = { spillNumber: s, triggerNumber: trigger, timestampTicks: ts, configHash: hash, triggerType: typeMask === 2 ? 2 : 1, typeMask, inputPattern: 0x27, psSumAdc: 40 + Math.floor(r() * 400), ecalSumAdc: Math.floor(r() * 1100) };
          bytes = encodeFrame("TRIGGER", t, { source: b.id, seq: q });
        } else {
          hits = Math.min(b.channels ?? 36, poisson(r, b.meanHits ?? 0));
          const ch = b.channels ?? 36;
          const start = Math.floor(r() * Math.max(1, ch - hits + 1));
          const e: EventMsg = {
            spillNumber: s,
            triggerNumber: trigger,
            timestampTicks: ts,
            configHash: hash,
            triggerType: 1,
            eventFlags: 0,
            energySumKeV: hits * 1000,
            hits: {
              n: hits,
              channel: Array.from({ length: hits }, (_, i) => start + i),
              amplitudeAdc: Array.from({ length: hits }, () => 5 + Math.floor(r() * 4000)),
              timeQ8: Array.from({ length: hits }, () => 3400 + Math.floor(r() * 400)),
              flags: Array.from({ length: hits }, () => 4),
            },
          };
          bytes = encodeFrame("EVENT", e, { source: b.id, seq: q });
        }
        const c = counts.get(b.id)!;
        c.events++;
        c.hits += hits;
        out.get(b.id)!.push({ board: b.id, seq: q, kind: b.kind === "trigger" ? "TRIGGER" : "EVENT", spill: s, trigger, hits, bytes });
      }
    }
    for (const b of o.boards) {
      const q = seq.get(b.id)!;
      seq.set(b.id, q + 1);
      const c = counts.get(b.id)!;
      const alsoBeam = o.multiTypeEvery ? Math.floor(o.triggersPerSpill / o.multiTypeEvery) : 0;
      const bytes = encodeFrame("SCALERS", scalers(s, c.events, c.hits, b, o.triggersPerSpill, alsoBeam), { source: b.id, seq: q });
      out.get(b.id)!.push({ board: b.id, seq: q, kind: "SCALERS", spill: s, trigger: 0, hits: 0, bytes });
    }
  }
  return out;
}

/** The five boards of boards/channel-map.json with NA64-like hit multiplicities. */
export const NA64_BOARDS: readonly SynthBoard[] = [
  { id: 1, kind: "trigger" },
  { id: 2, kind: "digitiser", meanHits: 9, channels: 36 },
  { id: 3, kind: "digitiser", meanHits: 12, channels: 36 },
  { id: 4, kind: "digitiser", meanHits: 4, channels: 36 },
  { id: 5, kind: "digitiser", meanHits: 3, channels: 15 },
];

/** Round-robin interleave of the boards' streams (as if all boards sent at the same rate). */
export function interleave(perBoard: Map<number, SynthFrame[]>): SynthFrame[] {
  const lists = [...perBoard.values()];
  const out: SynthFrame[] = [];
  const n = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < n; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}
