// The firmware scripts: which image `npm run bundle` builds for a board, and the one message it
// gives offline when the DeviceScript runtime image is not in the cache.
import { describe, expect, it } from "vitest";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BundleError, planBundle, runtimeProblem } from "../../src/firmware/bundle";
import { firmwareEntries } from "../../src/firmware/images";

describe("npm run bundle", () => {
  it("maps each board of the channel map to its role's image and the ESP32-S3 runtime", () => {
    expect(["na64_trigger_s3", "na64_calo_s3", "na64_veto_s3"].map((b) => planBundle(b).entry)).toEqual(["trigger", "calorimeter", "veto"]);
    const p = planBundle("na64_veto_s3");
    expect(p.arch).toBe("esp32s3");
    expect(p.cachePath).toMatch(/\.devicescript[\\/]cache[\\/]devicescript-esp32s3-esp32s3_bare-0x0\.bin$/);
    expect(p.output).toMatch(/dist[\\/]firmware[\\/]na64_veto_s3\.bin$/);
  });

  it("names the boards it knows when the board is unknown or missing", () => {
    expect(() => planBundle("esp32_nope")).toThrow(BundleError);
    expect(() => planBundle("esp32_nope")).toThrow(/unknown board "esp32_nope".*na64_trigger_s3, na64_calo_s3, na64_veto_s3/);
    expect(() => planBundle(undefined)).toThrow(/--board/);
  });

  it("offline, says in one message which runtime file is missing, where it goes and how to get it", () => {
    const dir = mkdtempSync(join(tmpdir(), "na64-bundle-"));
    const plan = { ...planBundle("na64_calo_s3"), cachePath: join(dir, "devicescript-esp32s3-esp32s3_bare-0x0.bin") };
    const missing = runtimeProblem(plan)!;
    expect(missing).toContain("is missing");
    expect(missing).toContain("https://github.com/microsoft/devicescript-esp32/releases/latest/download/devicescript-esp32s3-esp32s3_bare-0x0.bin");
    expect(missing).toContain("touch");
    expect(missing.split("\n")).toHaveLength(1);
    writeFileSync(plan.cachePath, Buffer.alloc(16));
    expect(runtimeProblem(plan)).toBeUndefined();
    const old = (Date.now() - 30 * 3600 * 1000) / 1000;
    utimesSync(plan.cachePath, old, old);
    expect(runtimeProblem(plan)).toMatch(/30 hours old.*touch/);
  });
});

describe("firmware entries", () => {
  it("one image per board role", () => {
    expect(firmwareEntries()).toEqual(["calorimeter", "trigger", "veto"]);
  });
});
