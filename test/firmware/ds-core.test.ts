// The firmware runs generated, DeviceScript-specialised copies of devs/core/digitiser.ts, seq-ring.ts,
// config-check.ts and config-regs.ts (devs/ds-core/, scripts/specialise-core.ts): they must be up
// to date with their sources, and the same golden vectors must pass on them in the VM.
import { describe, expect, it } from "vitest";
import { specialise, specialisedFiles } from "../../scripts/specialise-core";
import { staleFiles } from "../../protocol/codegen/output";
import { PULSE_VECTORS } from "./golden/pulse";
import { EVENT_VECTORS } from "./golden/events";
import { CHECK_VECTORS, REGS_VECTORS } from "./golden/config";
import { runVmTests, vmFailure } from "../support/devs";

describe("devs/ds-core", () => {
  it("is what scripts/specialise-core.ts makes of devs/core now (npm run specialise)", () => {
    expect(staleFiles(specialisedFiles())).toEqual([]);
  });

  it("turns the byte helpers into Buffer.getAt / setAt and redirects imports", () => {
    const src = [
      'import { u16At, setU16At } from "./bytes"',
      'import { Pulse } from "./pulse"',
      'import { BoardRole } from "../../protocol/schema/enums"',
      "function f(b: ByteArray, o: number): number {",
      "    const x = u16At(b, o + 2) << 4",
      "    setU16At(b, 2 * o, x)",
      "    return x",
      "}",
    ].join("\n");
    const out = specialise("digitiser", src);
    expect(out).toContain('from "../core/bytes"');
    expect(out).toContain('from "../core/pulse"');
    expect(out).toContain('from "../../protocol/schema/enums"');
    expect(out).toContain('const x = (b as Buffer).getAt(o + 2, "u16") << 4');
    expect(out).toContain(';(b as Buffer).setAt(2 * o, "u16", x)');
    expect(out).not.toMatch(/\bu16At\(|\bsetU16At\(/);
  });

  it("refuses a helper call nested in another one's arguments", () => {
    expect(() => specialise("digitiser", "const x = u16At(b, u16At(b, 0))")).toThrow(/nested/);
  });

  it("the golden vectors pass on it in the VM", async () => {
    const r = await runVmTests("test/vm/ds-core.ts");
    expect(vmFailure(r)).toBeUndefined();
    expect(r.tests).toBe(PULSE_VECTORS.length + EVENT_VECTORS.length + 1); // + the resend ring script
  });

  it("the configuration golden vectors pass on it in the VM", async () => {
    const r = await runVmTests("test/vm/ds-core-config.ts");
    expect(vmFailure(r)).toBeUndefined();
    expect(r.tests).toBe(CHECK_VECTORS.length + REGS_VECTORS.length);
  });
});
