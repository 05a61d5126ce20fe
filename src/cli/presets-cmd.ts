// `na64fe presets`: list the beam presets, show one, or show where two differ.
import { Command } from "commander";
import { listPresets, loadPreset } from "../presets/load";
import { diffPresets, settingRows } from "../presets/diff";
import { EXIT_FAILED, EXIT_OK, fmtValue, table, type Out } from "./output";
import type { CommandResult } from "./main";

interface DirOpt {
  dir?: string;
  json?: boolean;
}

function list(out: Out, o: DirOpt): number {
  const rows = listPresets(o.dir).map((e) => {
    if (e.abstract) return { ...e, beam: undefined, error: undefined };
    try {
      const p = loadPreset(e.name, o.dir).preset;
      return { ...e, beam: { particle: p.beam.particle.value, energyGeV: p.beam.energyGeV.value }, error: undefined };
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
      r.beam ? `${r.beam.particle} ${r.beam.energyGeV} GeV` : r.abstract ? c.dim("(base)") : c.red("invalid"),
      r.abstract ? c.dim(r.title) : r.title,
      c.dim(r.file),
    ]);
    for (const l of table([[c.underline("name"), c.underline("beam"), c.underline("title"), c.underline("file")], ...body])) out.line(l);
    for (const r of broken) out.error(r.error!);
  }
  return broken.length ? EXIT_FAILED : EXIT_OK;
}

function show(out: Out, name: string, o: DirOpt): number {
  const p = loadPreset(name, o.dir);
  const rows = settingRows(p);
  if (o.json) {
    out.json({ name: p.name, title: p.preset.title, file: p.file, settings: rows });
    return EXIT_OK;
  }
  const c = out.c;
  out.line(`${c.bold(p.name)}  ${p.preset.title}  ${c.dim(p.file)}`);
  const body = rows.map((r) => [r.path, c.cyan(fmtValue(r.value)), r.from === p.file ? "" : c.dim(`(${r.from})`), c.dim(r.src)]);
  for (const l of table(body)) out.line("  " + l);
  return EXIT_OK;
}

function diff(out: Out, a: string, b: string, o: DirOpt): number {
  const pa = loadPreset(a, o.dir), pb = loadPreset(b, o.dir);
  const d = diffPresets(pa, pb);
  if (o.json) {
    out.json({ a: pa.name, b: pb.name, differences: d });
    return EXIT_OK;
  }
  const c = out.c;
  if (!d.length) {
    out.line(`${pa.name} and ${pb.name} have the same settings`);
    return EXIT_OK;
  }
  const cell = (x?: { value: unknown }) => (x ? fmtValue(x.value) : c.dim("(unset)"));
  const body = d.map((x) => [x.path, c.red(cell(x.a)), c.green(cell(x.b))]);
  for (const l of table([[c.underline("setting"), c.underline(pa.name), c.underline(pb.name)], ...body])) out.line(l);
  return EXIT_OK;
}

export function presetsCommand(run: (f: (out: Out) => number) => CommandResult): Command {
  const dirOpt = (cmd: Command) => cmd.option("--dir <dir>", "presets folder (default: presets/ of this repository)").option("--json", "machine-readable output");
  const cmd = new Command("presets")
    .enablePositionalOptions() // `presets show X --json`: options after a subcommand are the subcommand's
    .description("list the beam presets (presets/*.yaml); `show` and `diff` for details")
    .addHelpText("after", "\nA new beam energy is a new YAML file in the presets folder, usually `extends: common`.");
  dirOpt(cmd).action((o: DirOpt) => run((out) => list(out, o)));
  dirOpt(cmd.command("show").argument("<name>", "preset name (or path to a .yaml file)").description("every setting of a preset with its value, source note and file"))
    .action((name: string, o: DirOpt) => run((out) => show(out, name, o)));
  dirOpt(cmd.command("diff").argument("<a>", "first preset").argument("<b>", "second preset").description("the settings whose values differ between two presets"))
    .action((a: string, b: string, o: DirOpt) => run((out) => diff(out, a, b, o)));
  return cmd;
}
