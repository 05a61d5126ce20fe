import { describe, expect, it } from "vitest";
import { runVmTests, vmFailure } from "../support/devs";

describe("DeviceScript VM", () => {
  it("runs the frame smoke test", async () => {
    const r = await runVmTests("test/vm/smoke.ts");
    expect(vmFailure(r)).toBeUndefined();
  });

  it("treats a program that ran zero tests as a failure, although it exits 0", async () => {
    const r = await runVmTests("test/vm/no-tests.ts", 10_000);
    expect(r.status).toBe(0);
    expect(r.tests).toBe(0);
    expect(vmFailure(r)).toMatch(/^ran zero tests/);
  });
});
