// A few triggered events' waveforms for a quick look: the library of `na64fe dump`
// (src/cli/dump-cmd.ts). The events go through the whole chain (beam, trigger logic, digitiser,
// FIFO record bytes) and are decoded back from the records, so what is printed is what the
// firmware would read.
import { loadSetup, type Setup } from "../boards/setup";
import { decodeFifoRecords } from "../protocol/fifo-records";
import type { FifoEventRec } from "../protocol/schema/fifo";
import { TriggerType } from "../protocol/schema/enums";
import type { BeamSpec } from "./beam";
import { SimOptionError } from "./errors";
import { FrontEndSimulator } from "./frontend";
import type { TriggerTruth } from "./truth";

export const TRIGGER_TYPE_NAMES: Record<number, string> = {
  [TriggerType.PHYSICS]: "physics",
  [TriggerType.BEAM]: "beam",
  [TriggerType.RANDOM]: "random",
  [TriggerType.CALIBRATION]: "calibration",
};

export interface DumpOptions {
  beam: BeamSpec;
  events: number;
  seed?: number;
  /** Board names to include (all digitiser boards when empty). */
  boards?: string[];
  /** Register writes per board that program the front ends (the boards' own, from a preset's CONFIG). */
  registers: ReadonlyArray<{ boardId: number; registers: { addrs: readonly number[]; values: readonly number[] } }>;
  /** Give up after this many spills without enough triggers (default 3). */
  maxSpills?: number;
}

export interface DumpedChannel {
  channel: number;
  element: string;
  samples: number[];
}

export interface DumpedEvent {
  spillNumber: number;
  triggerNumber: number;
  triggerType: string;
  timestampTicks: number;
  truth: TriggerTruth;
  boards: { board: string; boardId: number; windowSamples: number; channels: DumpedChannel[] }[];
}

/** Run the simulator, its front ends programmed with `o.registers`, until `events` triggers are recorded. */
export function dumpEvents(o: DumpOptions, setup: Setup = loadSetup()): DumpedEvent[] {
  const sim = new FrontEndSimulator(setup, o.beam, { seed: o.seed ?? 1, fifoDepth: 1 << 16 });
  for (const b of o.registers) sim.writeRegisters(b.boardId, b.registers.addrs, b.registers.values);
  const digitisers = setup.boards.filter((b) => b.role !== "trigger");
  for (const name of o.boards ?? [])
    if (!digitisers.some((b) => b.name === name)) throw new SimOptionError("boards", name, `no digitiser board named ${name} (have ${digitisers.map((b) => b.name).join(", ")})`);
  const wanted = digitisers.filter((b) => !o.boards?.length || o.boards.includes(b.name));
  const out: DumpedEvent[] = [];
  const slice = Math.round(1e6 / setup.clockNs); // 1 ms
  for (let spill = 1; spill <= (o.maxSpills ?? 3) && out.length < o.events; spill++) {
    sim.beginSpill(spill);
    for (let t = 0; t < sim.spillTicks && out.length < o.events; ) {
      t = Math.min(sim.spillTicks, t + slice);
      sim.advance(t);
      collect(sim, wanted, spill, o.events, out);
    }
    // Enough events: cut the beam instead of simulating the rest of the spill.
    sim.endSpill(out.length >= o.events);
    collect(sim, wanted, spill, o.events, out);
  }
  return out;
}

function collect(sim: FrontEndSimulator, boards: Setup["boards"], spill: number, limit: number, out: DumpedEvent[]): void {
  const truth = sim.takeTruth();
  const perBoard = boards.map((b) => ({
    b,
    events: decodeFifoRecords(sim.takeRecords(b.id, 1 << 30))
      .filter((r) => r.name === "EVENT")
      .map((r) => r.body as FifoEventRec),
  }));
  for (const id of sim.boardIds()) if (!boards.some((b) => b.id === id)) sim.takeRecords(id, 1 << 30);
  truth.forEach((t, i) => {
    if (out.length >= limit) return;
    out.push({
      spillNumber: spill,
      triggerNumber: t.triggerNumber,
      triggerType: TRIGGER_TYPE_NAMES[t.triggerType] ?? String(t.triggerType),
      timestampTicks: t.timestampTicks,
      truth: t,
      boards: perBoard.map(({ b, events }) => {
        const e = events[i]!;
        if (e.triggerNumber !== t.triggerNumber) throw new Error(`board ${b.name}: record ${e.triggerNumber} where trigger ${t.triggerNumber} was expected`);
        return {
          board: b.name,
          boardId: b.id,
          windowSamples: e.windowSamples,
          channels: e.channels.map((ch, k) => ({
            channel: ch,
            element: b.channels.find((c) => c.ch === ch)?.element ?? `ch${ch}`,
            samples: e.samples.slice(k * e.windowSamples, (k + 1) * e.windowSamples),
          })),
        };
      }),
    });
  });
}

/** One line per sample: spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc. */
export function formatCsv(events: DumpedEvent[]): string {
  const lines = ["spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc"];
  for (const e of events)
    for (const b of e.boards)
      for (const c of b.channels)
        c.samples.forEach((v, s) => lines.push(`${e.spillNumber},${e.triggerNumber},${e.triggerType},${e.timestampTicks},${b.board},${c.channel},${c.element},${s},${v}`));
  return lines.join("\n") + "\n";
}
