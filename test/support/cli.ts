// The na64fe CLI in-process, its output captured the way a terminal would show it (without colour
// and without the time of day on status lines): main() with an Out that records every line.
import pc from "picocolors";
import { main } from "../../src/cli/main";
import type { Out } from "../../src/cli/output";
import { jsonReplacer } from "../../src/format/text";

export interface Captured {
  code: number;
  /** Everything written to stdout, as the binary would print it. */
  stdout: string;
  /** Everything written to stderr: status lines, "warning: ...", "na64fe: error: ...", help text. */
  stderr: string;
  /** stdout split into lines (JSON output included). */
  lines: string[];
  json: unknown[];
  status: string[];
  warnings: string[];
  errors: string[];
}

/** An Out that records; `lines` fills as the command writes (stdout lines, JSON included). */
export function capturingOut(): { out: Out; lines: string[]; result: () => Omit<Captured, "code"> } {
  let stdout = "";
  const lines: string[] = [];
  let stderr = "";
  const json: unknown[] = [];
  const status: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const out: Out = {
    c: pc.createColors(false),
    level: "normal",
    line: (s = "") => {
      stdout += s + "\n";
      lines.push(...s.split("\n"));
    },
    json: (v) => {
      const text = JSON.stringify(v, jsonReplacer, 2);
      json.push(JSON.parse(text));
      stdout += text + "\n";
      lines.push(...text.split("\n"));
    },
    status: (s) => {
      if (out.level === "quiet") return;
      status.push(s);
      stderr += s + "\n";
    },
    detail: (s) => {
      if (out.level === "verbose") stderr += s + "\n";
    },
    warn: (s) => {
      warnings.push(s);
      stderr += `warning: ${s}\n`;
    },
    error: (s) => {
      errors.push(s);
      stderr += `na64fe: error: ${s}\n`;
    },
    raw: (s, stream) => void (stream === "stdout" ? (stdout += s) : (stderr += s)),
  };
  return { out, lines, result: () => ({ stdout, stderr, lines, json, status, warnings, errors }) };
}

/** `na64fe ...args` in this process. */
export async function na64fe(...args: string[]): Promise<Captured> {
  const { out, result } = capturingOut();
  const code = await main(args, out);
  return { code, ...result() };
}
