// The beam coincidence as the trigger board's registers set it: a counter threshold above a MIP
// removes the particles whose energy loss stays below it (and all of them above the largest loss
// the model gives), TRIG_COINC_MASK chooses which counters must fire, and TRIG_COINC_WINDOW_TICKS
// lets another particle's pulse complete a coincidence. Expected counts come from the Moyal
// energy loss of the counters and the beam rate; tolerances are 5 binomial standard deviations plus
// the grid of the counters' energy-loss draws (10 bits: a grid cell straddling the threshold
// counts whole, at most 1/1024 of the particles).
import { describe, expect, it } from "vitest";
import { Reg } from "../../protocol/generated/registers";
import { TriggerInput, TriggerType } from "../../protocol/schema/enums";
import { DEFAULT_PHYSICS } from "../../simulator/physics-params";
import { moyalSurvival } from "./expectations";
import { programmedSim, runSpill, SETUP, shortBeam } from "./support";

const BEAM = shortBeam(2e7);
const trigger = SETUP.boards.find((b) => b.role === "trigger")!;
const s1 = trigger.channels.find((c) => c.element === "S1")!;
/** S1's MIP in ADC counts above its pedestal. */
const S1_MIP_ADC = s1.cal.mipGeV * s1.cal.gainAdcPerGeV;
const GRID = 1 / 1024;
/** Largest energy loss the model gives, in MIPs (end of the Moyal table). */
const MAX_LOSS_MIP = 1 + 40 * DEFAULT_PHYSICS.mip.landauWidth;

interface Setting {
  s1ThresholdMip?: number;
  mask?: number;
  windowTicks?: number;
}

/**
 * One spill with the registers of `s` written over the standalone ones; the coincidence scaler and,
 * with `record`, the serials of the coincidence particles (every coincidence a BEAM trigger).
 */
function run(s: Setting, record = false): { coincidences: number; onAxis: number; serials: Set<number> } {
  const sim = programmedSim(BEAM, { seed: 31, fifoDepth: 1 << 16 }, { trigger: { enabledTypes: ["beam"], prescaleBeam: record ? 1 : 0, deadTimeNs: 0 } });
  const addrs: number[] = [];
  const values: number[] = [];
  if (s.s1ThresholdMip !== undefined) addrs.push(Reg.CH_THRESHOLD_ADC + s1.ch), values.push(Math.min(4095, Math.round(s.s1ThresholdMip * S1_MIP_ADC)));
  if (s.mask !== undefined) addrs.push(Reg.TRIG_COINC_MASK), values.push(s.mask);
  if (s.windowTicks !== undefined) addrs.push(Reg.TRIG_COINC_WINDOW_TICKS), values.push(s.windowTicks);
  sim.writeRegisters(trigger.id, addrs, values);
  const { truth } = runSpill(sim, 1);
  const p = sim.lastSpillTruth!.particles;
  return { coincidences: sim.scalers(trigger.id).beamCoincidences, onAxis: p.positron + p.electron + p.hadron + p.muon, serials: new Set(truth.map((t) => t.particle!.serial)) };
}

/** |observed - n p| within 5 binomial sigmas plus the energy-loss grid (and `extra`). */
function countMatches(observed: number, n: number, p: number, extra = 0): void {
  expect(Math.abs(observed - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)) + n * (GRID + extra));
}

describe("beam coincidence registers", () => {
  const w = DEFAULT_PHYSICS.mip.landauWidth;

  it("with thresholds at half a MIP every on-axis particle makes a coincidence", () => {
    const r = run({});
    countMatches(r.coincidences, r.onAxis, moyalSurvival(0.5, w) ** 3);
  });

  it("an S1 threshold above a MIP keeps only the energy-loss tail; above the largest loss, nothing", () => {
    const r = run({ s1ThresholdMip: 2 });
    const p = moyalSurvival(2, w);
    expect(p).toBeLessThan(0.05);
    countMatches(r.coincidences, r.onAxis, p);
    const dead = run({ s1ThresholdMip: 4095 / S1_MIP_ADC });
    expect(4095 / S1_MIP_ADC).toBeGreaterThan(MAX_LOSS_MIP);
    expect(dead.coincidences).toBe(0);
  });

  it("TRIG_COINC_MASK: leaving the dead counter out of the mask brings the coincidences back", () => {
    const dead = 4095 / S1_MIP_ADC;
    expect(run({ s1ThresholdMip: dead, mask: TriggerInput.S0 | TriggerInput.S1 | TriggerInput.S2 }).coincidences).toBe(0);
    const r = run({ s1ThresholdMip: dead, mask: TriggerInput.S0 | TriggerInput.S2 });
    countMatches(r.coincidences, r.onAxis, moyalSurvival(0.5, w) ** 2);
    expect(run({ mask: 0 }).coincidences).toBe(0);
  });

  it("TRIG_COINC_WINDOW_TICKS: a wider window lets earlier S1 pulses complete coincidences (a superset)", () => {
    const p = moyalSurvival(2, w);
    const narrow = run({ s1ThresholdMip: 2, windowTicks: 0 }, true);
    const windowTicks = 1000;
    const wide = run({ s1ThresholdMip: 2, windowTicks }, true);
    expect([narrow.serials.size, wide.serials.size]).toEqual([narrow.coincidences, wide.coincidences]);
    // Without another particle the coincidence needs S1 from the particle itself; with a window
    // W, an S1 pulse of any particle in the W before it (Poisson, rate x p) does too.
    countMatches(narrow.coincidences, narrow.onAxis, p);
    const rate = BEAM.intensityPerSpill / BEAM.spillNs;
    const W = windowTicks * SETUP.clockNs;
    const reach = (q: number) => q + (1 - q) * (1 - Math.exp(-rate * q * W));
    // The grid moves p by up to 1/1024, the expected fraction by up to reach'(p) times that.
    const slope = 1 + rate * W;
    countMatches(wide.coincidences, wide.onAxis, reach(p), slope * GRID);
    expect(wide.coincidences).toBeGreaterThan(5 * narrow.coincidences);
    for (const s of narrow.serials) expect(wide.serials.has(s)).toBe(true);
  });
});
