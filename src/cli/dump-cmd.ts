// `na64fe dump`: simulate NA64 with the front ends programmed as the boards would program them from
// a beam preset (presets/NAME.yaml, the same one `bench` and `record` use) and write a few
// triggered events' waveforms, decoded from the front-end FIFO records, as CSV (one line per
// sample) or JSON (--json: the beam simulated, the seed and every event with its truth).
import { writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { loadSetup } from "../../boards/setup";
import { withBeamOverrides, type BeamSpec } from "../../simulator/beam";
import { dumpEvents, formatCsv } from "../../simulator/dump";
import { SimulatorError } from "../../simulator/errors";
import { DEFAULT_BENCH } from "../bench/options";
import { presetBeam } from "../config/beam";
import { convertPreset } from "../config/convert";
import { loadPreset, type LoadedPreset } from "../presets/load";
import { presetWith } from "../presets/override";
import { TRIGGER_TYPES, type TriggerTypeName } from "../presets/schema";
import { numberOption, outputFileOption } from "./number-option";
import { EXIT_FAILED, EXIT_OK, type Out, type Runner } from "./output";

/** Events `dump` holds at once (about 50 KB each as numbers: 100 MB at most). */
const MAX_DUMP_EVENTS = 2000;

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
  types?: TriggerTypeName[];
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

function triggerTypes(v: string): TriggerTypeName[] {
  return v.split(",").map((name) => {
    const t = TRIGGER_TYPES.find((n) => n === name.trim());
    if (t === undefined) throw new InvalidArgumentError(`--types: unknown trigger type "${name}" (have ${TRIGGER_TYPES.join(", ")})`);
    return t;
  });
}

/** The preset's beam at --intensity times its rate, over --spill-ms, with the --mass signal. */
function beamOf(loaded: LoadedPreset, o: DumpCliOpts): BeamSpec {
  const base = presetBeam(loaded.preset);
  // The spill length alone first, so that a bad one is blamed on --spill-ms.
  const { spillNs } = o.spillMs === undefined ? base : withBeamOverrides(base, { spillNs: o.spillMs * 1e6 });
  return withBeamOverrides(base, {
    intensityPerSpill: (base.intensityPerSpill * o.intensity * spillNs) / base.spillNs,
    spillNs,
    ...(o.mass !== undefined ? { darkPhoton: { massMeV: o.mass, probabilityPerPositron: o.signalRate } } : {}),
  });
}

function dump(out: Out, o: DumpCliOpts): number {
  const loaded = loadPreset(o.beam);
  const setup = loadSetup();
  const preset = presetWith(loaded.preset, { readout: { zeroSuppression: o.zs }, trigger: o.types ? { enabledTypes: o.types } : {} }, "[I] set by na64fe dump's options");
  const registers = convertPreset(loaded.name, preset, setup).boards;
  const { beam, events } = blamingOptions(() => {
    const beam = beamOf(loaded, o);
    return { beam, events: dumpEvents({ beam, events: o.events, seed: o.seed, boards: o.board, registers, maxSpills: o.spills }, setup) };
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

export function dumpCommand(run: Runner): Command {
  return new Command("dump")
    .description("simulate NA64 and write a few triggered events' waveforms (decoded from the front-end FIFO records) as CSV or JSON")
    .option("--beam <preset>", "beam preset (a name in presets/, or a path to a preset file)", "e+70")
    .option("--events <n>", `triggered events to write (at most ${MAX_DUMP_EVENTS}: every sample is kept until the end)`, numberOption("--events", true, 1, MAX_DUMP_EVENTS), 5)
    .option("--seed <n>", "simulation seed: the same seed gives the same events", numberOption("--seed", true, 0), 1)
    .option("--intensity <fraction>", "beam rate as a fraction of the preset's", numberOption("--intensity", false, 0), 1)
    .option("--spill-ms <ms>", "length of the simulated spills, at that rate (default: the preset's 4800 ms)", numberOption("--spill-ms", false))
    .option("--mass <MeV>", "inject dark photons of this mass (must be within the beam's reach)", numberOption("--mass", false))
    .option("--signal-rate <p>", "dark photons per positron on target, with --mass", numberOption("--signal-rate", false), DEFAULT_BENCH.signalPerPositron)
    .option("--spills <n>", "most spills to simulate while collecting the events", numberOption("--spills", true, 1), 3)
    .option("--board <name...>", "only these digitiser boards (default: all of them)")
    .option("--types <list>", `enabled trigger types, comma-separated (${TRIGGER_TYPES.join(", ")}; default: the preset's)`, triggerTypes)
    .option("--no-zs", "read every enabled channel (hardware zero suppression off)")
    .option("--json", "JSON instead of CSV: { beam, seed, events: [...] }, each event with its truth")
    .option("--out <file>", "write to this file instead of stdout", outputFileOption("--out"))
    .addHelpText(
      "after",
      "\nCSV columns: spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc (one line per sample).\n" +
        "Example: na64fe dump --beam e+70 --mass 200 --signal-rate 0.01 --types physics --events 3 --board ecal-main\n" +
        "Exit codes: 0 the events were written, 1 fewer events than asked within --spills spills (those found are written), 2 bad option.",
    )
    .action((opts: DumpCliOpts) => run((out) => dump(out, opts)));
}
