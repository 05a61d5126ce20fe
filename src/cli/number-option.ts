// Commander parsers of na64fe's options, run while the command line is read, so that a bad value
// stops the command before anything starts: a bad value is an InvalidArgumentError naming the
// flag (one line, exit code 2 through main's error mapping).
import { InvalidArgumentError, Option } from "commander";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, resolve } from "node:path";

/** Parser of a finite number (an integer with `integer`), at least `min` and at most `max` when given. */
export function numberOption(flag: string, integer: boolean, min?: number, max?: number): (v: string) => number {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || (min !== undefined && x < min) || (max !== undefined && x > max)) {
      const range = min !== undefined && max !== undefined ? ` ${min}..${max}` : min !== undefined ? ` >= ${min}` : max !== undefined ? ` <= ${max}` : "";
      throw new InvalidArgumentError(`${flag}: expected ${integer ? "an integer" : "a number"}${range}, got "${v}"`);
    }
    return x;
  };
}

/** A TCP port; 0 (any free port) only where `anyFree`. */
export function portOption(flag: string, anyFree = true): (v: string) => number {
  return numberOption(flag, true, anyFree ? 0 : 1, 65535);
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An IP address (v4 or v6) or a host name; dotted numbers must be a valid IPv4 address. */
export function hostOption(flag: string): (v: string) => string {
  return (v: string) => {
    const ok = isIP(v) !== 0 || (!/^[\d.]+$/.test(v) && HOSTNAME.test(v));
    if (!ok) throw new InvalidArgumentError(`${flag}: expected an IP address or a host name, got "${v}"`);
    return v;
  };
}

/** A file to write: not a folder, in a folder that exists and is writable (nothing is created yet). */
export function outputFileOption(flag: string): (v: string) => string {
  return (v: string) => {
    const path = resolve(v);
    const bad = (why: string) => new InvalidArgumentError(`${flag} ${JSON.stringify(v)}: ${why}`);
    if (existsSync(path) && statSync(path).isDirectory()) throw bad("it is a folder, not a file");
    const dir = dirname(path);
    if (!existsSync(dir)) throw bad(`the folder ${dirname(v)} does not exist`);
    if (!statSync(dir).isDirectory()) throw bad(`${dirname(v)} is not a folder`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw bad(`the folder ${dirname(v)} is not writable`);
    }
    return v;
  };
}

/**
 * The options that take their default from the environment (`(env: NAME)` in --help), shared by
 * the commands that listen for boards or write run files: NA64FE_HOST, NA64FE_PORT, NA64FE_RUNS,
 * NA64FE_OPERATOR. A bad value in the environment is refused like a bad option.
 */
export const envOptions = {
  host: (what: string) => new Option("--host <address>", what).env("NA64FE_HOST").argParser(hostOption("--host")).default("127.0.0.1"),
  port: (what: string, fallback: number) => new Option("--port <n>", what).env("NA64FE_PORT").argParser(portOption("--port")).default(fallback),
  runs: (what: string) => new Option("--out <dir>", what).env("NA64FE_RUNS").default("runs"),
  operator: () => new Option("--operator <name>", "who takes the run (recorded in the run file)").env("NA64FE_OPERATOR").default(process.env["USER"]),
  comment: () => new Option("--comment <text>", "a comment for the run file's header (na64fe runs lists it)"),
};
