// benchmarks/protocol.ts fails loudly when its DeviceScript VM part cannot run, instead of recording the
// error in the results and exiting 0.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/devs";

describe("benchmarks/protocol.ts", () => {
  it("exits 1 and leaves the results as they were when the VM program does not build (--vm-only)", () => {
    const results = join(ROOT, "benchmarks", "results", "protocol.json");
    const before = readFileSync(results, "utf-8");
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "benchmarks/protocol.ts", "--vm-only", "--vm-program", "test/benchmarks/fixtures/vm-does-not-build.ts"],
      { cwd: ROOT, encoding: "utf-8", timeout: 120_000 },
    );
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain("VM benchmark failed");
    expect(r.stderr).toMatch(/vm-does-not-build\.ts:\d+:\d+ - error/);
    expect(readFileSync(results, "utf-8")).toBe(before);
  }, 150_000);
});
