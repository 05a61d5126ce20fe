// The instrumented DeviceScript VM of benchmarks/opcount/ counts exactly the operations the VM's
// watchdog counts: a program that loops without an await from its start is stopped after exactly
// 131,071 operations (128 K - 1), and the counter says so.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OpCounters } from "../../benchmarks/opcount/counters";
import { runDevs } from "../support/devs";

describe("benchmarks/opcount: the operation counter", () => {
  const counters = new OpCounters();
  afterAll(() => counters.stop());

  it("counts the watchdog's 131,071 steps of a loop without an await", async () => {
    // The preload writes the count every 20 ms and once more when the VM exits.
    const r = await runDevs(["run", "test/benchmarks/fixtures/burn-watchdog.ts", "--test", "--test-self-exit", "-T", "20000"], 60_000);
    expect(r.output).toMatch(/PANIC 60001|InfiniteLoop/);
    const files = readdirSync(counters.dir).filter((f) => f.endsWith(".json"));
    expect(files).toHaveLength(1);
    const ops = (JSON.parse(readFileSync(join(counters.dir, files[0]!), "utf-8")) as { ops: number }).ops;
    // The program's first slice runs from its start until the watchdog stops it: every operation
    // it executed is one watchdog step.
    expect(ops).toBe(131_071);
  }, 90_000);
});
