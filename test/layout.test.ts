// The house keeps its shape: what each top-level room may import (the arrows of the layout in
// README.md), what inside src/ may import the CLI and the bench, and no import circle anywhere
// (type-only imports included). Imports are read with TypeScript's own pre-processor, so an
// import written inside a string or a template (generated code) does not count.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/devs";

const SOURCE_ROOMS = ["protocol", "boards", "devs", "simulator", "src", "testkit", "scripts", "benchmarks", "test"];

/** Top-level room -> the rooms it may import besides itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  protocol: [],
  boards: ["protocol"],
  devs: ["protocol"],
  simulator: ["protocol", "boards", "devs/core"],
  testkit: ["protocol", "boards", "simulator"],
  src: ["protocol", "boards", "simulator", "devs/core"],
  scripts: ["protocol", "boards", "src"],
  benchmarks: ["protocol", "boards", "devs", "simulator", "src", "testkit"],
  test: SOURCE_ROOMS,
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, f);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...tsFiles(rel));
    else if (f.endsWith(".ts")) out.push(rel);
  }
  return out;
}

const FILES = SOURCE_ROOMS.flatMap((r) => tsFiles(r));
const KNOWN = new Set(FILES);

/** The project files `file` imports (relative imports resolved; packages left out). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf-8"), true, false);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const base = relative(ROOT, resolve(ROOT, dirname(file), fileName)).replace(/\.js$/, "");
    const hit = [base + ".ts", join(base, "index.ts"), base].find((c) => KNOWN.has(c));
    if (hit) out.push(hit);
  }
  return out;
}

const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

/** "src/cli/main.ts" -> "src/cli"; "devs/core/x.ts" -> "devs/core"; "protocol/x/y.ts" -> "protocol". */
function roomOf(file: string): string {
  const p = file.split("/");
  return (p[0] === "src" || p[0] === "devs") && p.length > 2 ? `${p[0]}/${p[1]}` : p[0]!;
}

const top = (room: string) => room.split("/")[0]!;

function allowed(from: string, to: string): boolean {
  if (top(from) === top(to)) return true;
  return MAY_IMPORT[top(from)]!.some((r) => to === r || to.startsWith(r + "/"));
}

/** Every import whose target room is not in the source room's list. */
function violations(rule: (from: string, to: string) => boolean): string[] {
  const out: string[] = [];
  for (const [f, deps] of GRAPH) for (const d of deps) if (!rule(roomOf(f), roomOf(d))) out.push(`${f} -> ${d}`);
  return out;
}

/** Strongly connected groups of more than one file (Tarjan). */
function circles(): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of GRAPH.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of GRAPH.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe("layout", () => {
  it("reads the imports of every source file", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(GRAPH.get("src/cli/main.ts")).toContain("src/cli/output.ts");
    // An import written inside generated code's text is not an import of the generator.
    expect(GRAPH.get("protocol/golden/emit-vm.ts")!.some((d) => d.startsWith("devs/"))).toBe(false);
  });

  it("every room imports only the rooms the layout allows", () => {
    expect(violations(allowed)).toEqual([]);
  });

  it("devs/core is portable: it imports nothing but itself and protocol/", () => {
    expect(violations((from, to) => from !== "devs/core" || to === "devs/core" || to === "protocol")).toEqual([]);
  });

  it("inside src/, only the CLI imports the CLI, only the CLI imports the bench, and the DAQ imports neither", () => {
    expect(violations((from, to) => to !== "src/cli" || from === "src/cli" || top(from) === "test")).toEqual([]);
    expect(violations((from, to) => to !== "src/bench" || from === "src/bench" || from === "src/cli" || top(from) === "test" || top(from) === "benchmarks")).toEqual([]);
  });

  it("nothing imports the tests but the tests", () => {
    expect(violations((from, to) => to !== "test" || from === "test")).toEqual([]);
  });

  it("has no import circle (type-only imports included)", () => {
    expect(circles()).toEqual([]);
  });
});
