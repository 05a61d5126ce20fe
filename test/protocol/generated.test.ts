// The generated codecs (protocol/generated/) and protocol/README.md's tables must be exactly what
// protocol/codegen produces from the schemas now: the same check `npm run codegen -- --check` makes.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../../protocol/codegen/generate";
import { staleFiles } from "../../protocol/codegen/output";

describe("generated codecs and tables", () => {
  it("are up to date with the schemas (run `npm run codegen` if not)", () => {
    const files = generatedFiles();
    expect(Object.keys(files).sort()).toEqual([
      "protocol/README.md",
      "protocol/generated/config-fields.ts",
      "protocol/generated/device-codec.ts",
      "protocol/generated/host-codec.ts",
      "protocol/generated/registers.ts",
    ]);
    expect(staleFiles(files), "stale generated files: run `npm run codegen` to regenerate them").toEqual([]);
  });

  it("the staleness check reports an edited, a missing and an up-to-date file correctly", () => {
    const files = generatedFiles();
    const root = mkdtempSync(join(tmpdir(), "na64-stale-"));
    try {
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, p)), { recursive: true });
        writeFileSync(join(root, p), text);
      }
      expect(staleFiles(files, root)).toEqual([]);
      writeFileSync(join(root, "protocol/generated/host-codec.ts"), files["protocol/generated/host-codec.ts"]!.replace("OWN_MINOR", "OWN_MINOR_"));
      rmSync(join(root, "protocol/generated/registers.ts"));
      expect(staleFiles(files, root).sort()).toEqual(["protocol/generated/host-codec.ts", "protocol/generated/registers.ts"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
