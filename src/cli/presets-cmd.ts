// `na64fe presets`: list the beam presets, show one (or a base file), or show where two differ,
// in their settings and in the values their conversion derives.
import { Command, InvalidArgumentError } from "commander";
import { loadSetup } from "../../boards/setup";
import { listPresets, loadPreset, loadPresetOrBase } from "../presets/load";
import { diffPresets, settingRows } from "../presets/diff";
import { convertPreset } from "../config/convert";
import { derivedRows, diffDerived } from "../config/derived-view";
import { fmtValue, table } from "../format/text";
import { EXIT_OK, EXIT_USAGE, type Out, type Runner } from "./output";

interface DirOpt {
  dir?: string;
  json?: boolean;
}

function list(out: Out, o: DirOpt): number {
  const rows = listPresets(o.dir).map((e) => {
    if (e.error || e.abstract) return { ...e, beam: undefined };
    try {
      const p = loadPreset(e.name, o.dir).preset;
      return { ...e, beam: { particle: p.beam.particle.value, energyGeV: p.beam.energyGeV.value } };
    } catch (err) {
      return { ...e, beam: undefined, error: (err as Error).message };
    }
  });
  const broken = rows.filter((r) => r.error);
  if (o.json) out.json({ dir: o.dir, presets: rows.map(({ error, beam, ...r }) => ({ ...r, ...(beam ? { beam } : {}), valid: !error, ...(error ? { error } : {}) })) });
  else {
    const c = out.c;
    const body = rows.map((r) => [
      r.abstract ? c.dim(r.name) : c.bold(r.name),
      r.error ? c.red("invalid") : r.beam ? `${r.beam.particle} ${r.beam.energyGeV} GeV` : c.dim("(base)"),
      r.abstract ? c.dim(r.title) : r.title,
      c.dim(r.file),
    ]);
    for (const l of table([[c.underline("name"), c.underline("beam"), c.underline("title"), c.underline("file")], ...body])) out.line(l);
  }
  for (const r of broken) out.error(r.error!);
  return broken.length ? EXIT_USAGE : EXIT_OK;
}

function show(out: Out, name: string, o: DirOpt): number {
  const p = loadPresetOrBase(name, o.dir);
  const title = "abstract" in p ? p.title : p.preset.title;
  const rows = settingRows(p);
  const note = "abstract" in p ? "a base for other presets (abstract: true), shown as written; it is validated as part of each preset that extends it" : undefined;
  if (o.json) {
    out.json({ name: p.name, title, file: p.file, abstract: "abstract" in p, settings: rows });
    return EXIT_OK;
  }
  const c = out.c;
  out.line(`${c.bold(p.name)}  ${title}  ${c.dim(p.file)}`);
  if (note) out.line(c.dim(`  ${note}`));
  const body = rows.map((r) => [r.path, c.cyan(fmtValue(r.value)), r.from === p.file ? "" : c.dim(`(${r.from})`), c.dim(r.src)]);
  for (const l of table(body)) out.line("  " + l);
  return EXIT_OK;
}

function diff(out: Out, a: string, b: string, o: DirOpt & { mass?: number }): number {
  const pa = loadPreset(a, o.dir), pb = loadPreset(b, o.dir);
  const d = diffPresets(pa, pb);
  const setup = loadSetup();
  const conv = (p: typeof pa) => derivedRows(convertPreset(p.name, p.preset, setup, o.mass !== undefined ? { darkPhotonMassMeV: o.mass } : {}), setup);
  const derived = diffDerived(conv(pa), conv(pb));
  if (o.json) {
    out.json({ a: pa.name, b: pb.name, differences: d, derived });
    return EXIT_OK;
  }
  const c = out.c;
  const head = (first: string) => [c.underline(first), c.underline(pa.name), c.underline(pb.name)];
  if (!d.length) out.line(`${pa.name} and ${pb.name} have the same settings`);
  else {
    const cell = (x?: { value: unknown }) => (x ? fmtValue(x.value) : c.dim("(unset)"));
    const body = d.map((x) => [x.path, c.red(cell(x.a)), c.green(cell(x.b))]);
    for (const l of table([head("setting"), ...body])) out.line(l);
  }
  if (derived.length) {
    out.line();
    const cell = (v: number | string | undefined, unit: string) => (v === undefined ? c.dim("(none)") : `${fmtValue(v)}${unit ? ` ${unit}` : ""}`);
    const body = derived.map((x) => [x.label, c.red(cell(x.a, x.unit)), c.green(cell(x.b, x.unit))]);
    for (const l of table([head("derived (conversion with boards/)"), ...body])) out.line(l);
  }
  return EXIT_OK;
}

function mass(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x)) throw new InvalidArgumentError(`--mass: expected a number, got "${v}"`);
  return x;
}

export function presetsCommand(run: Runner): Command {
  const dirOpt = (cmd: Command) => cmd.option("--dir <dir>", "presets folder (default: presets/ of this repository)").option("--json", "machine-readable output");
  const cmd = new Command("presets")
    .enablePositionalOptions() // `presets show X --json`: options after a subcommand are the subcommand's
    .description("list the beam presets (presets/*.yaml); `show` and `diff` for details")
    .addHelpText(
      "after",
      "\nA new beam energy is a new YAML file in the presets folder, usually `extends: common`.\n" +
        "Exit codes: 0 every file is a valid preset (or base), 2 a file is invalid (the list still shows every file, each error goes to stderr) or the folder does not exist.",
    );
  dirOpt(cmd).action((o: DirOpt) => run((out) => list(out, o)));
  dirOpt(cmd.command("show").argument("<name>", "preset or base name (or path to a .yaml file)").description("every setting of a preset (or base file) with its value, source note and file"))
    .action((name: string, o: DirOpt) => run((out) => show(out, name, o)));
  dirOpt(
    cmd
      .command("diff")
      .argument("<a>", "first preset")
      .argument("<b>", "second preset")
      .option("--mass <MeV>", "dark-photon mass: also compare the resonance energy and expected ECAL window", mass)
      .description("the settings whose values differ between two presets, and the derived values (cuts, registers, rates) that change with them"),
  ).action((a: string, b: string, o: DirOpt & { mass?: number }) => run((out) => diff(out, a, b, o)));
  return cmd;
}
