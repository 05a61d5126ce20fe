// `na64fe dump`: simulate NA64 with the front ends programmed for running without firmware and
// write a few triggered events' waveforms, decoded from the front-end FIFO records, as CSV (one
// line per sample) or JSON (--json: the beam simulated, the seed and every event with its truth).
import { writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { TriggerType } from "../../protocol/schema/enums";
import { BEAM_PRESETS, beamPreset, type BeamSpec } from "../../simulator/beam";
import { dumpEvents, formatCsv, TRIGGER_TYPE_NAMES } from "../../simulator/dump";
import { SimulatorError } from "../../simulator/errors";
import type { StandaloneSettings } from "../../simulator/standalone-config";
import { DEFAULT_BENCH } from "../bench/options";
import { numberOption } from "./number-option";
import { EXIT_FAILED, EXIT_OK, type Out } from "./output";
import type { CommandResult } from "./main";

interface DumpCliOpts {
  beam: string;
  events: number;
  seed: number;
  intensity: number;
  spillMs?: number;
  mass?: number;
  signalRate: number;
  spills: number;
  board?: string[];
  types?: TriggerType[];
  zs: boolean;
  json?: boolean;
  out?: string;
}

/** Which option a simulator error about the beam or the boards comes from. */
const OPTION_OF_FIELD: Record<string, string> = {
  "beam.intensityPerSpill": "--intensity",
  "beam.spillNs": "--spill-ms",
  "beam.darkPhoton": "--mass",
  "beam.darkPhoton.massMeV": "--mass",
  "beam.darkPhoton.probabilityPerPositron": "--signal-rate",
  boards: "--board",
};

/** Run `f`; a simulator error caused by an option becomes a usage error naming that option. */
function blamingOptions<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const option = e instanceof SimulatorError ? OPTION_OF_FIELD[e.field] : undefined;
    if (option) throw new InvalidArgumentError(`${option}: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

function presetName(v: string): string {
  if (!BEAM_PRESETS[v]) throw new InvalidArgumentError(`--beam: unknown simulator preset "${v}" (have ${Object.keys(BEAM_PRESETS).join(", ")})`);
  return v;
}

const TYPE_BY_NAME = new Map(Object.entries(TRIGGER_TYPE_NAMES).map(([t, name]) => [name, Number(t) as TriggerType]));

function triggerTypes(v: string): TriggerType[] {
  return v.split(",").map((name) => {
    const t = TYPE_BY_NAME.get(name.trim());
    if (t === undefined) throw new InvalidArgumentError(`--types: unknown trigger type "${name}" (have ${[...TYPE_BY_NAME.keys()].join(", ")})`);
    return t;
  });
}

/** The preset at --intensity times its rate, over --spill-ms, with the --mass signal. */
function beamOf(o: DumpCliOpts): BeamSpec {
  const base = BEAM_PRESETS[o.beam]!;
  // The spill length alone first, so that a bad one is blamed on --spill-ms.
  const { spillNs } = o.spillMs === undefined ? base : beamPreset(o.beam, { spillNs: o.spillMs * 1e6 });
  return beamPreset(o.beam, {
    intensityPerSpill: (base.intensityPerSpill * o.intensity * spillNs) / base.spillNs,
    spillNs,
    ...(o.mass !== undefined ? { darkPhoton: { massMeV: o.mass, probabilityPerPositron: o.signalRate } } : {}),
  });
}

function dump(out: Out, o: DumpCliOpts): number {
  const settings: Partial<StandaloneSettings> = { zeroSuppression: o.zs, ...(o.types ? { triggerTypes: o.types } : {}) };
  const { beam, events } = blamingOptions(() => {
    const beam = beamOf(o);
    return { beam, events: dumpEvents({ beam, events: o.events, seed: o.seed, boards: o.board, settings, maxSpills: o.spills }) };
  });
  if (o.out) writeFileSync(o.out, o.json ? JSON.stringify({ beam, seed: o.seed, events }, null, 2) + "\n" : formatCsv(events));
  else if (o.json) out.json({ beam, seed: o.seed, events });
  else out.line(formatCsv(events).trimEnd());
  if (events.length < o.events) {
    out.warn(`only ${events.length} of ${o.events} events in ${o.spills} spill(s): more --spills, a higher --intensity or other --types`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

export function dumpCommand(run: (f: (out: Out) => number) => CommandResult): Command {
  return new Command("dump")
    .description("simulate NA64 and write a few triggered events' waveforms (decoded from the front-end FIFO records) as CSV or JSON")
    .option("--beam <preset>", `simulator beam preset (${Object.keys(BEAM_PRESETS).join(", ")})`, presetName, "e+70")
    .option("--events <n>", "triggered events to write", numberOption("--events", true, 1), 5)
    .option("--seed <n>", "simulation seed: the same seed gives the same events", numberOption("--seed", true, 0), 1)
    .option("--intensity <fraction>", "beam rate as a fraction of the preset's", numberOption("--intensity", false, 0), 1)
    .option("--spill-ms <ms>", "length of the simulated spills, at that rate (default: the preset's 4800 ms)", numberOption("--spill-ms", false))
    .option("--mass <MeV>", "inject dark photons of this mass (must be within the beam's reach)", numberOption("--mass", false))
    .option("--signal-rate <p>", "dark photons per positron on target, with --mass", numberOption("--signal-rate", false), DEFAULT_BENCH.signalPerPositron)
    .option("--spills <n>", "most spills to simulate while collecting the events", numberOption("--spills", true, 1), 3)
    .option("--board <name...>", "only these digitiser boards (default: all of them)")
    .option("--types <list>", `enabled trigger types, comma-separated (${Object.values(TRIGGER_TYPE_NAMES).join(", ")}; default all)`, triggerTypes)
    .option("--no-zs", "read every enabled channel (hardware zero suppression off)")
    .option("--json", "JSON instead of CSV: { beam, seed, events: [...] }, each event with its truth")
    .option("--out <file>", "write to this file instead of stdout")
    .addHelpText(
      "after",
      "\nCSV columns: spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc (one line per sample).\n" +
        "Example: na64fe dump --beam e+70 --mass 200 --signal-rate 0.01 --types physics --events 3 --board ecal-main\n" +
        "Exit codes: 0 the events were written, 1 fewer events than asked within --spills spills (those found are written), 2 bad option.",
    )
    .action((opts: DumpCliOpts) => run((out) => dump(out, opts)));
}
