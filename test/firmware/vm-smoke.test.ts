import { describe, expect, it } from "vitest";
import { runVmTests, vmFailure } from "../support/devs";

describe("DeviceScript VM", () => {
  it("runs the frame smoke test", async () => {
    const r = await runVmTests("test/vm/smoke.ts");
    expect(vmFailure(r)).toBeUndefined();
  });
});
