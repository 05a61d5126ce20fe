// The na64fe command line: commander program, error-to-exit-code mapping, one-line errors.
// Started by bin/na64fe.js through tsx; main() returns the exit code instead of exiting so that
// output is flushed and tests can call it in-process.
import { Command, CommanderError } from "commander";
import { SetupError } from "../../boards/setup";
import { PresetDirError, PresetError, UnknownPresetError } from "../presets/errors";
import { ConfigError, DarkPhotonMassError } from "../config/errors";
import { RunFileError, RunFolderError, RunNumberError } from "../runfile/errors";
import { ListenError } from "../link/errors";
import { KeyFileError } from "../link/keys";
import { keysCommand } from "./keys-cmd";
import { softwareVersions } from "../runfile/snapshot";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, terminal, type Out, type Runner } from "./output";
import { presetsCommand } from "./presets-cmd";
import { configureCommand } from "./configure-cmd";
import { inspectCommand } from "./inspect-cmd";
import { benchCommand } from "./bench-cmd";
import { recordCommand } from "./record-cmd";
import { buildCommand, bundleCommand } from "./firmware-cmd";
import { dumpCommand } from "./dump-cmd";
import { runsCommand } from "./runs-cmd";
import { exportCommand } from "./export-cmd";
import { ExportError } from "../export/export-runs";
import { LiveServerError } from "../live/server";
import { BenchOptionError } from "../bench/options";
import { InvalidArgumentError } from "commander";

/** A command line commander refused (unknown option, missing argument). */
class UsageError extends Error {
  override name = "UsageError";
}

/** Errors that mean the user's input was wrong (exit 2); anything else is a failure (exit 1). */
function isBadInput(e: unknown): boolean {
  if (e instanceof RunFileError) return e.code !== "IO" || e.field === "path";
  return (
    e instanceof PresetError ||
    e instanceof UnknownPresetError ||
    e instanceof PresetDirError ||
    e instanceof RunFolderError ||
    e instanceof RunNumberError ||
    e instanceof ListenError ||
    e instanceof KeyFileError ||
    e instanceof SetupError ||
    e instanceof ConfigError ||
    e instanceof DarkPhotonMassError ||
    e instanceof BenchOptionError ||
    e instanceof ExportError ||
    e instanceof LiveServerError ||
    e instanceof InvalidArgumentError
  );
}

/** A typed failure (a board did not answer, a run file is damaged...): its message says it all. */
function isTypedFailure(e: unknown): e is Error {
  return e instanceof Error && e.name !== "Error" && !(e instanceof TypeError) && !(e instanceof RangeError) && !(e instanceof ReferenceError);
}

/** The JSON form of an error under --json: what failed, where, with which value, and the exit code. */
export function errorJson(e: unknown, exitCode: number): { error: Record<string, unknown> } {
  const err = (e instanceof Error ? e : new Error(String(e))) as Error & Record<string, unknown>;
  const fields = Object.fromEntries(["field", "value", "problems"].filter((k) => err[k] !== undefined).map((k) => [k, err[k]]));
  return { error: { kind: err.name, message: err.message, ...fields, exitCode } };
}

export async function main(argv: readonly string[], out: Out = terminal()): Promise<number> {
  let code = EXIT_OK;
  /** --json on the command that runs (a usage error before that: --json anywhere on the line). */
  let json = argv.includes("--json");
  const fail = (e: unknown) => {
    code = isBadInput(e) ? EXIT_USAGE : EXIT_FAILED;
    if (isBadInput(e) || isTypedFailure(e)) out.error((e as Error).message);
    else out.error(`internal error: ${(e as Error).stack ?? String(e)}`);
    if (json) out.json(errorJson(e, code));
  };
  /** Run a command body; a sync body stays sync, an async one is awaited by commander. */
  const run: Runner = (f) => {
    try {
      const r = f(out);
      if (typeof r === "number") {
        code = r;
        return;
      }
      return r.then((c) => void (code = c), fail);
    } catch (e) {
      fail(e);
    }
    return undefined;
  };
  const program = new Command("na64fe")
    .description("NA64 front-end host tools: beam presets, board configurations, run files")
    .version(softwareVersions().na64fe)
    .enablePositionalOptions(); // each command owns the options written after it
  program.addCommand(presetsCommand(run));
  program.addCommand(configureCommand(run));
  program.addCommand(inspectCommand(run));
  program.addCommand(exportCommand(run));
  program.addCommand(benchCommand(run));
  program.addCommand(recordCommand(run));
  program.addCommand(keysCommand(run));
  program.addCommand(runsCommand(run));
  program.addCommand(dumpCommand(run));
  program.addCommand(buildCommand(run));
  program.addCommand(bundleCommand(run));
  // Usage errors as one line, through the same exit-code mapping as everything else.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program).filter((c) => c !== program && c.commands.length === 0))
    cmd.option("-q, --quiet", "no status lines: results, warnings and errors only").option("-v, --verbose", "more detail on what is going on");
  program.hook("preAction", (_program, action) => {
    const o = action.opts<{ quiet?: boolean; verbose?: boolean; json?: boolean }>();
    out.level = o.quiet ? "quiet" : o.verbose ? "verbose" : "normal";
    json = o.json === true;
  });
  for (const cmd of all(program))
    cmd.exitOverride().configureOutput({
      writeOut: (s) => out.raw(s, "stdout"),
      writeErr: (s) => out.raw(s, "stderr"),
      outputError: (s, write) => write(s.startsWith("error:") ? `na64fe: ${s.trimEnd().replace(/\s*\n\s*/g, " ")} (see --help)\n` : s),
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version succeed; help shown because a command was missing is a usage error.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT_OK;
      if (json) out.json(errorJson(new UsageError(e.message.replace(/^error: /, "")), EXIT_USAGE));
      return EXIT_USAGE;
    }
    throw e;
  }
  return code;
}
