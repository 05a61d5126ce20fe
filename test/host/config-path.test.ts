// One path from a preset to the front-end registers: the bench and `record` (convertPreset), the
// simulator's tests, `na64fe dump` and the benchmarks (convertNamedPreset) all program the front
// ends with the register list of the conversion, which is what a board derives from the CONFIG
// bytes it receives, computed by the firmware's own devs/core code.
import { describe, expect, it } from "vitest";
import { loadSetup } from "../../boards/setup";
import { decodeConfigPayload } from "../../protocol/config-hash";
import { Reg } from "../../protocol/generated/registers";
import { CtrlBit } from "../../protocol/schema/enums";
import { FrontEndSimulator } from "../../simulator/frontend";
import { loadBeam } from "../../src/config/beam";
import { convertPreset } from "../../src/config/convert";
import { convertNamedPreset } from "../../src/config/named";
import { frontEndRegisters, programFrontEnds } from "../../src/config/registers";
import { loadPreset } from "../../src/presets/load";

const SETUP = loadSetup();
const PRESETS = ["e+70", "e+40", "e-100", "e+100"];

describe("one configuration path", () => {
  for (const name of PRESETS)
    it(`${name}: the registers of every board are those its CONFIG bytes give, and the simulator holds them`, () => {
      const loaded = loadPreset(name);
      const conv = convertPreset(loaded.name, loaded.preset, SETUP);
      expect(convertNamedPreset(name, {}, SETUP)).toEqual(conv);
      expect(conv.boards.length).toBe(SETUP.boards.length);
      const sim = new FrontEndSimulator(SETUP, loadBeam(name), { seed: 1 });
      programFrontEnds(sim, conv.boards);
      for (const b of conv.boards) {
        expect(frontEndRegisters(decodeConfigPayload(b.payload))).toEqual(b.registers);
        expect(b.registers.addrs.length).toBeGreaterThan(b.config.channels.n);
        expect(b.registers.addrs.at(-1)).toBe(Reg.CTRL);
        expect(b.registers.values.at(-1)! & CtrlBit.RUN_ENABLE).toBe(CtrlBit.RUN_ENABLE);
        const last = new Map<number, number>();
        b.registers.addrs.forEach((a, i) => last.set(a, b.registers.values[i]!));
        for (const [addr, value] of last) expect(sim.readRegister(b.boardId, addr), `${b.name} register ${addr}`).toBe(value >>> 0);
      }
    });

  it("zero suppression and the thresholds come from the preset: a changed setting changes the registers", () => {
    const base = convertNamedPreset("e+70", {}, SETUP);
    const off = convertNamedPreset("e+70", { readout: { zeroSuppression: false, zsThresholdSigma: 5 } }, SETUP);
    const main = (c: typeof base) => c.boards.find((b) => b.name === "ecal-main")!;
    const ctrl = (c: typeof base) => main(c).registers.values.at(-1)!;
    expect(ctrl(base) & CtrlBit.ZERO_SUPPRESSION).toBe(CtrlBit.ZERO_SUPPRESSION);
    expect(ctrl(off) & CtrlBit.ZERO_SUPPRESSION).toBe(0);
    const thr = (c: typeof base) => main(c).registers.values[main(c).registers.addrs.indexOf(Reg.CH_THRESHOLD_ADC)]!;
    expect(thr(off)).toBeGreaterThan(thr(base));
  });
});
