// Host side of READOUT frames: the front-end FIFO records a board forwards (protocol/schema/messages.ts
// Readout), turned into the per-trigger data the host builds events from: one EventMsg per FEATURES
// record (a digitiser's hits, with the waveforms of the EVENT records that follow it) and one
// TriggerMsg per TRIGGER record, each with the frame's spill number and config hash. Decoded once
// per frame body (cached), however many consumers read it.
import { decodeFifoRecords } from "./fifo-records";
import { PayloadDecodeError } from "./errors";
import type { EventMsg, ReadoutMsg, TriggerMsg } from "./schema/messages";
import { MsgType } from "./schema/enums";

/** Raw ADC samples of one channel in one event (a waveform event's EVENT records). */
export interface Waveform {
  channel: number;
  samplesAdc: ArrayLike<number>;
}

/** A digitiser's event from a READOUT frame: the EVENT fields, and the samples of a waveform event. */
export interface ReadoutEvent extends EventMsg {
  waveforms?: Waveform[];
}

/** The samples of a waveform event (its EVENT records), which the board forwards before its FEATURES record. */
export interface WaveformPart {
  spillNumber: number;
  triggerNumber: number;
  waveforms: Waveform[];
}

export type ReadoutItem = { name: "EVENT"; body: ReadoutEvent } | { name: "TRIGGER"; body: TriggerMsg } | { name: "WAVEFORM"; body: WaveformPart };

const cache = new WeakMap<ReadoutMsg, ReadoutItem[]>();

/** The message types that carry a board's data of triggers (a run file's "data frames"): READOUT, and EVENT and TRIGGER of protocol 1.0-1.1 boards. */
export function isDataFrameType(type: number): boolean {
  return type === MsgType.READOUT || type === MsgType.EVENT || type === MsgType.TRIGGER;
}

/**
 * The events, triggers and waveforms of one READOUT body, in order. A waveform event's EVENT records
 * come before its FEATURES record, possibly in an earlier frame: the event builder joins them
 * (ReadoutEvent.waveforms). A record kind a READOUT does not carry is a PayloadDecodeError.
 */
export function readoutItems(r: ReadoutMsg): ReadoutItem[] {
  const hit = cache.get(r);
  if (hit) return hit;
  const out: ReadoutItem[] = [];
  let wave: WaveformPart | undefined;
  for (const rec of decodeFifoRecords(r.records)) {
    if (rec.name === "FEATURES") {
      const f = rec.body;
      out.push({
        name: "EVENT",
        body: {
          spillNumber: r.spillNumber,
          triggerNumber: f.triggerNumber,
          timestampTicks: f.timestampTicks,
          configHash: r.configHash,
          triggerType: f.triggerType,
          eventFlags: f.eventFlags,
          energySumKeV: f.energySumKeV,
          hits: f.hits,
        },
      });
    } else if (rec.name === "EVENT") {
      const w = rec.body;
      if (!wave || wave.triggerNumber !== w.triggerNumber) out.push({ name: "WAVEFORM", body: (wave = { spillNumber: r.spillNumber, triggerNumber: w.triggerNumber, waveforms: [] }) });
      const W = w.windowSamples;
      w.channels.forEach((channel, i) => wave!.waveforms.push({ channel, samplesAdc: w.samples.slice(i * W, (i + 1) * W) }));
      continue;
    } else if (rec.name === "TRIGGER") {
      const t = rec.body;
      out.push({
        name: "TRIGGER",
        body: {
          spillNumber: r.spillNumber,
          triggerNumber: t.triggerNumber,
          timestampTicks: t.timestampTicks,
          configHash: r.configHash,
          triggerType: t.triggerType,
          typeMask: t.typeMask,
          inputPattern: t.inputPattern,
          psSumAdc: t.psSumAdc,
          ecalSumAdc: t.ecalSumAdc,
        },
      });
    } else throw new PayloadDecodeError("READOUT", "records", rec.kind, `a READOUT does not carry ${rec.name} records`);
    wave = undefined;
  }
  cache.set(r, out);
  return out;
}
