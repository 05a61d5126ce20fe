// Runs DeviceScript programs in the WASM VM from vitest. A VM test program that ran zero tests
// is a failure: without --test-self-exit DeviceScript silently skips every test and exits 0.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEVS_CLI = join(ROOT, "node_modules", "@devicescript", "cli", "devicescript");

export interface DevsRun {
  status: number | null;
  /** stdout + stderr with ANSI colour codes removed. */
  output: string;
  /** Lines the program printed with console.log (the "WASM> " prefix removed). */
  logLines: string[];
}

export interface VmTestSummary extends DevsRun {
  tests: number;
  pass: number;
  errors: number;
}

export function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Run `devs <args>` from the project root and collect its output. */
export function runDevs(args: string[], timeoutMs = 120_000): Promise<DevsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEVS_CLI, ...args], { cwd: ROOT });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      const output = stripAnsi(out);
      const logLines = output
        .split("\n")
        .filter((l) => l.startsWith("WASM> "))
        .map((l) => l.slice(6));
      resolve({ status, output, logLines });
    });
  });
}

/** Run a DeviceScript test program (`describe`/`test` from @devicescript/test) in the VM. */
export async function runVmTests(file: string, testTimeoutMs = 60_000): Promise<VmTestSummary> {
  const r = await runDevs(["run", file, "--test", "--test-self-exit", "-T", String(testTimeoutMs)], testTimeoutMs + 60_000);
  const m = /tests: (\d+), pass: (\d+), error: (\d+)/.exec(r.output);
  return { ...r, tests: m ? Number(m[1]) : 0, pass: m ? Number(m[2]) : 0, errors: m ? Number(m[3]) : -1 };
}

/** A readable failure message for a VM run that did not pass cleanly, or undefined if it did. */
export function vmFailure(s: VmTestSummary): string | undefined {
  if (s.status === 0 && s.tests > 0 && s.pass > 0 && s.errors === 0) return undefined;
  const why =
    s.tests === 0 ? "ran zero tests (missing --test-self-exit, or the program never reached its tests)" : `exit ${s.status}, ${s.pass}/${s.tests} passed, ${s.errors} errors`;
  return `${why}\n--- VM output (last 60 lines) ---\n${s.output.split("\n").slice(-60).join("\n")}`;
}
