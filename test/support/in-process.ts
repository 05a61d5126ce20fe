// na64fe run in-process with its output captured (faster than spawning the binary, and the
// command's JSON arrives as data).
import pc from "picocolors";
import { main } from "../../src/cli/main";
import type { Out } from "../../src/cli/output";

export interface Captured {
  code: number;
  lines: string[];
  json: unknown[];
  warnings: string[];
  errors: string[];
}

export async function na64feInProcess(...args: string[]): Promise<Captured> {
  const c: Omit<Captured, "code"> = { lines: [], json: [], warnings: [], errors: [] };
  const out: Out = {
    c: pc.createColors(false),
    line: (s = "") => void c.lines.push(...s.split("\n")),
    json: (v) => void c.json.push(JSON.parse(JSON.stringify(v))),
    warn: (s) => void c.warnings.push(s),
    error: (s) => void c.errors.push(s),
  };
  const code = await main(args, out);
  return { code, ...c };
}
