// The na64fe command line: commander program, error-to-exit-code mapping, one-line errors.
// Started by bin/na64fe.js through tsx; main() returns the exit code instead of exiting so that
// output is flushed and tests can call it in-process.
import { Command, CommanderError } from "commander";
import { SetupError } from "../../boards/setup";
import { PresetDirError, PresetError, UnknownPresetError } from "../presets/errors";
import { ConfigError, DarkPhotonMassError } from "../config/errors";
import { RunFileError, RunFolderError } from "../runfile/errors";
import { softwareVersions } from "../runfile/snapshot";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, terminal, type Out, type Runner } from "./output";
import { presetsCommand } from "./presets-cmd";
import { configureCommand } from "./configure-cmd";
import { inspectCommand } from "./inspect-cmd";
import { benchCommand } from "./bench-cmd";
import { recordCommand } from "./record-cmd";
import { buildCommand, bundleCommand } from "./firmware-cmd";
import { dumpCommand } from "./dump-cmd";
import { BenchOptionError } from "../bench/options";
import { InvalidArgumentError } from "commander";

/** Errors that mean the user's input was wrong (exit 2); anything else is a failure (exit 1). */
function isBadInput(e: unknown): boolean {
  if (e instanceof RunFileError) return e.code !== "IO" || e.field === "path";
  return (
    e instanceof PresetError ||
    e instanceof UnknownPresetError ||
    e instanceof PresetDirError ||
    e instanceof RunFolderError ||
    e instanceof SetupError ||
    e instanceof ConfigError ||
    e instanceof DarkPhotonMassError ||
    e instanceof BenchOptionError ||
    e instanceof InvalidArgumentError
  );
}

export async function main(argv: readonly string[], out: Out = terminal()): Promise<number> {
  let code = EXIT_OK;
  const fail = (e: unknown) => {
    if (isBadInput(e)) {
      out.error((e as Error).message);
      code = EXIT_USAGE;
    } else if (e instanceof Error && e.name !== "Error" && !(e instanceof TypeError) && !(e instanceof RangeError) && !(e instanceof ReferenceError)) {
      // A typed failure (a board did not answer, a run file is damaged...): its message says it all.
      out.error(e.message);
      code = EXIT_FAILED;
    } else {
      out.error(`internal error: ${(e as Error).stack ?? String(e)}`);
      code = EXIT_FAILED;
    }
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
  program.addCommand(benchCommand(run));
  program.addCommand(recordCommand(run));
  program.addCommand(dumpCommand(run));
  program.addCommand(buildCommand(run));
  program.addCommand(bundleCommand(run));
  // Usage errors as one line, through the same exit-code mapping as everything else.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program))
    cmd.exitOverride().configureOutput({
      writeOut: (s) => void process.stdout.write(s),
      writeErr: (s) => void process.stderr.write(s),
      outputError: (s, write) => write(s.startsWith("error:") ? `na64fe: ${s.trimEnd().replace(/\s*\n\s*/g, " ")} (see --help)\n` : s),
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version succeed; help shown because a command was missing is a usage error.
      return e.code === "commander.helpDisplayed" || e.code === "commander.version" ? EXIT_OK : EXIT_USAGE;
    }
    throw e;
  }
  return code;
}
