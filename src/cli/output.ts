// Terminal output of the na64fe CLI: results on stdout (lines or JSON), status lines with the time
// of day, warnings and errors on stderr; colour on a terminal, or when FORCE_COLOR asks for it, and
// never with NO_COLOR; the log level of --quiet / --verbose; and the exit codes every command uses.
// Every command writes through an Out, so a test can run the CLI in-process with its output captured.
import pc from "picocolors";
import { jsonReplacer, type Colors } from "../format/text";

export const EXIT_OK = 0;
/** A check failed or the run is not sound (damaged run file, --strict warnings). */
export const EXIT_FAILED = 1;
/** Usage error or bad input (unknown preset, invalid file, out-of-range value). */
export const EXIT_USAGE = 2;

/** NO_COLOR (any value) turns colour off; FORCE_COLOR (other than "0" or "false") turns it on; else a terminal decides. */
export function colourOn(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if ("NO_COLOR" in env) return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force !== "false";
  return stream.isTTY === true;
}

/** quiet: results, warnings and errors only; normal: also status lines; verbose: also details. */
export type LogLevel = "quiet" | "normal" | "verbose";

export interface Out {
  c: Colors;
  /** A line of the result (stdout). */
  line(s?: string): void;
  /** The result as JSON (stdout). */
  json(v: unknown): void;
  /** What is going on (stderr, with the time of day); not with --quiet. */
  status(s: string): void;
  /** Detail for --verbose only (stderr). */
  detail(s: string): void;
  warn(s: string): void;
  error(s: string): void;
  /** Text as it is (help, usage errors) to stdout or stderr. */
  raw(s: string, stream: "stdout" | "stderr"): void;
  /** The log level; main() sets it from --quiet / --verbose. */
  level: LogLevel;
}

/** "08:57:13 " */
function clock(now = new Date()): string {
  return now.toTimeString().slice(0, 8) + " ";
}

let pipeGuard = false;

/** `na64fe ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE. */
function guardPipes(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const s of [process.stdout, process.stderr])
    s.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
}

export function terminal(): Out {
  guardPipes();
  const c = pc.createColors(colourOn(process.stdout));
  const e = pc.createColors(colourOn(process.stderr));
  const out: Out = {
    c,
    level: "normal",
    line: (s = "") => void process.stdout.write(s + "\n"),
    json: (v) => void process.stdout.write(JSON.stringify(v, jsonReplacer, 2) + "\n"),
    status: (s) => {
      if (out.level !== "quiet") process.stderr.write(e.dim(clock() + s) + "\n");
    },
    detail: (s) => {
      if (out.level === "verbose") process.stderr.write(e.dim(clock() + s) + "\n");
    },
    warn: (s) => void process.stderr.write(`${e.yellow("warning:")} ${s}\n`),
    error: (s) => void process.stderr.write(`${e.red("na64fe: error:")} ${s}\n`),
    raw: (s, stream) => void (stream === "stdout" ? process.stdout : process.stderr).write(s),
  };
  return out;
}

/**
 * How a command runs its body: main() gives every command one, which maps the body's exit code,
 * or the error it throws, to the process's exit code.
 */
export type Runner = (f: (out: Out) => number | Promise<number>) => void | Promise<void>;
