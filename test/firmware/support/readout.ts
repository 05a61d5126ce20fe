// The per-trigger items of the READOUT frames a board sent (protocol/readout.ts), each with the seq
// of its frame: what the tests compare against the reference models.
import type { Frame } from "../../../protocol/frame";
import { readoutItems, type ReadoutEvent, type WaveformPart } from "../../../protocol/readout";
import type { TriggerMsg } from "../../../protocol/schema/messages";

export interface Sent<T> {
  body: T;
  /** Seq of the READOUT frame that carried it. */
  seq: number;
}

function items(frames: readonly Frame[], name: "EVENT" | "TRIGGER" | "WAVEFORM"): Sent<unknown>[] {
  const out: Sent<unknown>[] = [];
  for (const f of frames) if (f.name === "READOUT") for (const i of readoutItems(f.body)) if (i.name === name) out.push({ body: i.body, seq: f.seq });
  return out;
}

/** The digitiser events of READOUT frames, in order. */
export const readoutEvents = (frames: readonly Frame[]) => items(frames, "EVENT") as Sent<ReadoutEvent>[];
/** The trigger board's triggers of READOUT frames, in order. */
export const readoutTriggers = (frames: readonly Frame[]) => items(frames, "TRIGGER") as Sent<TriggerMsg>[];
/** The waveforms of READOUT frames, in order. */
export const readoutWaveforms = (frames: readonly Frame[]) => items(frames, "WAVEFORM") as Sent<WaveformPart>[];
