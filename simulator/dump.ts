// Dump a few triggered events' waveforms for a quick look, as CSV or JSON. The events go through
// the whole chain (beam, trigger logic, digitiser, FIFO record bytes) and are decoded back from the
// records, so what is printed is what the firmware would read.
//
//   npx tsx simulator/dump.ts --beam e+70 --events 5 --format csv
//   npx tsx simulator/dump.ts --beam e-100 --events 2 --format json --board ecal-main --no-zs
//
// The host CLI calls dumpEvents() / formatCsv() / formatJson() directly.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { loadSetup, type Setup } from "../boards/setup";
import { decodeFifoRecords } from "../protocol/fifo-records";
import type { FifoEventRec } from "../protocol/schema/fifo";
import { TriggerType } from "../protocol/schema/enums";
import { BEAM_PRESETS, beamPreset, type BeamOverrides } from "./beam";
import { SimOptionError, SimulatorError } from "./errors";
import { FrontEndSimulator } from "./frontend";
import { standaloneRegisters, type StandaloneSettings } from "./standalone-config";
import type { TriggerTruth } from "./truth";

export const TRIGGER_TYPE_NAMES: Record<number, string> = {
  [TriggerType.PHYSICS]: "physics",
  [TriggerType.BEAM]: "beam",
  [TriggerType.RANDOM]: "random",
  [TriggerType.CALIBRATION]: "calibration",
};

export interface DumpOptions {
  beam: string;
  events: number;
  seed?: number;
  /** Board names to include (all digitiser boards when empty). */
  boards?: string[];
  beamOverrides?: BeamOverrides;
  settings?: Partial<StandaloneSettings>;
  /** Give up after this many spills without enough triggers. */
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

/** Run the simulator with the standalone register settings until `events` triggers are recorded. */
export function dumpEvents(o: DumpOptions, setup: Setup = loadSetup()): DumpedEvent[] {
  const beam = beamPreset(o.beam, o.beamOverrides);
  const sim = new FrontEndSimulator(setup, beam, { seed: o.seed ?? 1, fifoDepth: 1 << 16 });
  for (const w of standaloneRegisters(setup, beam, o.settings)) sim.writeRegisters(w.boardId, w.addrs, w.values);
  const wanted = setup.boards.filter((b) => b.role !== "trigger" && (!o.boards?.length || o.boards.includes(b.name)));
  for (const name of o.boards ?? [])
    if (!setup.boards.some((b) => b.name === name)) throw new SimOptionError("boards", name, `no board named ${name} (have ${setup.boards.map((b) => b.name).join(", ")})`);
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

export function formatJson(events: DumpedEvent[]): string {
  return JSON.stringify(events, null, 1) + "\n";
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

const TYPES_BY_NAME: Record<string, TriggerType> = { physics: TriggerType.PHYSICS, beam: TriggerType.BEAM, random: TriggerType.RANDOM, calibration: TriggerType.CALIBRATION };

function triggerTypes(v: string): TriggerType[] {
  return v.split(",").map((name) => {
    const t = TYPES_BY_NAME[name.trim()];
    if (t === undefined) throw new InvalidArgumentError(`unknown trigger type "${name}" (have ${Object.keys(TYPES_BY_NAME).join(", ")})`);
    return t;
  });
}

export function main(argv = process.argv): number {
  const program = new Command("dump")
    .description("Simulate NA64 and dump triggered events' waveforms (decoded from the front-end FIFO records)")
    .option("--beam <preset>", `beam preset (${Object.keys(BEAM_PRESETS).join(", ")})`, "e+70")
    .option("--events <n>", "number of triggered events", positiveInt, 5)
    .option("--format <format>", "csv or json", "csv")
    .option("--seed <n>", "random seed", nonNegativeInt, 1)
    .option("--board <name...>", "only these boards (default: every digitiser board)")
    .option("--types <list>", "enabled trigger types, comma-separated", triggerTypes)
    .option("--no-zs", "read every enabled channel (zero suppression off)")
    .option("--out <file>", "write to a file instead of stdout")
    .exitOverride();
  try {
    program.parse(argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const opts = program.opts<{ beam: string; events: number; format: string; seed: number; board?: string[]; types?: TriggerType[]; zs: boolean; out?: string }>();
  if (opts.format !== "csv" && opts.format !== "json") {
    process.stderr.write(`dump: --format must be csv or json (got "${opts.format}")\n`);
    return 2;
  }
  try {
    const settings: Partial<StandaloneSettings> = { zeroSuppression: opts.zs };
    if (opts.types) settings.triggerTypes = opts.types;
    const events = dumpEvents({ beam: opts.beam, events: opts.events, seed: opts.seed, boards: opts.board, settings });
    const text = opts.format === "csv" ? formatCsv(events) : formatJson(events);
    if (opts.out) writeFileSync(opts.out, text);
    else process.stdout.write(text);
    if (events.length < opts.events) process.stderr.write(`dump: only ${events.length} of ${opts.events} events in 3 spills\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`dump: ${e instanceof SimulatorError || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main();
