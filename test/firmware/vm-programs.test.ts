// Every DeviceScript program under test/vm/ and benchmarks/vm/ builds, and every test/vm program is
// run by some vitest file. Nothing else would notice a VM program that stopped compiling or that no
// test runs any more (benchmarks/vm/protocol.ts once broke unnoticed for a codec change). A program a
// vitest file runs is compiled by that run (`devs run` builds it first, and a build error fails that
// test), so only the programs no test runs (the benchmarks') are built here.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { goldenVmProgramsOnDisk } from "../../protocol/golden/generate";
import { ROOT, runDevs, type DevsRun } from "../support/devs";

const PROGRAM_DIRS = ["test/vm", "benchmarks/vm"];

/** The .ts files of a directory that no sibling imports ("./name"): programs, not helper modules. */
function programsIn(dir: string): string[] {
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".ts"));
  const imported = new Set(files.flatMap((f) => [...readFileSync(join(ROOT, dir, f), "utf-8").matchAll(/from\s+"\.\/([^"]+)"/g)].map((m) => `${m[1]}.ts`)));
  return files.filter((f) => !imported.has(f)).map((f) => `${dir}/${f}`).sort();
}

function testFiles(dir = join(ROOT, "test")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

/** VM programs some vitest file runs: path literals passed to runVmTests, and the golden programs. */
function programsRunByTests(): Map<string, string> {
  const run = new Map<string, string>();
  for (const file of testFiles()) {
    const text = readFileSync(file, "utf-8");
    const name = relative(ROOT, file);
    for (const m of text.matchAll(/runVmTests\(\s*"([^"]+)"/g)) run.set(m[1]!, name);
    // test/protocol/golden.test.ts runs every generated golden program it finds on disk.
    if (/goldenVmProgramsOnDisk\(\)/.test(text) && /runVmTests\(p\)/.test(text)) for (const p of goldenVmProgramsOnDisk()) run.set(p, name);
  }
  return run;
}

const programs = PROGRAM_DIRS.flatMap(programsIn);
const runByTests = programsRunByTests();
/** Programs no vitest file runs: their build is the only check they get. */
const buildOnly = programs.filter((p) => !runByTests.has(p));

describe("DeviceScript programs under test/vm and benchmarks/vm", () => {
  const builds = new Map<string, DevsRun>();

  beforeAll(async () => {
    // Two builds at a time: the machine is shared, and each build is one compiler process.
    const queue = [...buildOnly];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) builds.set(p, await runDevs(["build", p], 120_000));
    };
    await Promise.all([worker(), worker()]);
  }, 600_000);

  it("are found, with the helper modules told apart", () => {
    expect(programs).toContain("benchmarks/vm/protocol.ts");
    expect(programs).toContain("test/vm/smoke.ts");
    expect(programs).not.toContain("test/vm/golden-support.ts");
  });

  it("the programs no test runs are the benchmarks'", () => {
    expect(buildOnly.length).toBeGreaterThan(0);
    expect(buildOnly).toAllSatisfy((p) => p.startsWith("benchmarks/vm/"));
  });

  it.each(buildOnly)("%s builds", (p) => {
    const b = builds.get(p)!;
    expect(b.status, `devs build ${p}:\n${b.output.split("\n").slice(-40).join("\n")}`).toBe(0);
  });

  it("every test/vm program is run by some vitest file", () => {
    expect(programsIn("test/vm").length).toBeGreaterThan(0);
    expect(programsIn("test/vm").filter((p) => !runByTests.has(p))).toEqual([]);
  });
});
