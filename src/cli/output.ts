// Terminal output of the na64fe CLI: colour only on a TTY (and never with NO_COLOR), aligned
// tables, JSON, and the exit codes every command uses.
import pc from "picocolors";
import { jsonReplacer, type Colors } from "../format/text";

export const EXIT_OK = 0;
/** A check failed or the run is not sound (damaged run file, --strict warnings). */
export const EXIT_FAILED = 1;
/** Usage error or bad input (unknown preset, invalid file, out-of-range value). */
export const EXIT_USAGE = 2;

function colourOn(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !("NO_COLOR" in process.env);
}

export interface Out {
  c: Colors;
  line(s?: string): void;
  json(v: unknown): void;
  warn(s: string): void;
  error(s: string): void;
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
  return {
    c,
    line: (s = "") => void process.stdout.write(s + "\n"),
    json: (v) => void process.stdout.write(JSON.stringify(v, jsonReplacer, 2) + "\n"),
    warn: (s) => void process.stderr.write(`${e.yellow("warning:")} ${s}\n`),
    error: (s) => void process.stderr.write(`${e.red("na64fe: error:")} ${s}\n`),
  };
}

/**
 * How a command runs its body: main() gives every command one, which maps the body's exit code,
 * or the error it throws, to the process's exit code.
 */
export type Runner = (f: (out: Out) => number | Promise<number>) => void | Promise<void>;
