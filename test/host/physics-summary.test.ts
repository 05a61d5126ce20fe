// The physics summary's pile-up count: physics triggers whose ECAL energy (read over the whole
// readout window) is above the trigger's ECAL maximum, and how many of them have most of that
// energy in hits the boards did not flag in time.
import { describe, expect, it } from "vitest";
import { loadSetup } from "../../boards/setup";
import { HitFlag, TriggerType } from "../../protocol/schema/enums";
import type { EventMsg, TriggerMsg } from "../../protocol/schema/messages";
import { loadPreset } from "../../src/presets/load";
import { convertPreset } from "../../src/config/convert";
import { PhysicsSummary } from "../../src/analysis/physics-summary";
import { summaryCuts } from "../../src/analysis/cuts";
import { ecalLines } from "../../src/analysis/render";
import pc from "picocolors";
import type { BuiltEvent } from "../../src/builder/builder";

const setup = loadSetup();
const preset = loadPreset("e+70");
const conv = convertPreset(preset.name, preset.preset, setup);
const configs = new Map(conv.boards.map((b) => [b.boardId, b.config]));
const ids = setup.boards.map((b) => b.id);
const byName = (n: string) => setup.boards.find((b) => b.name === n)!;

/** A physics event with `gev` in one ecal-main channel, its hit in time or not (type and mask may be given). */
function physicsEvent(trigger: number, gev: number, inTime: boolean, type: number = TriggerType.PHYSICS, typeMask = 1 << (TriggerType.PHYSICS - 1)): BuiltEvent {
  const main = byName("ecal-main");
  const evPerAdc = configs.get(main.id)!.channels.energyEvPerAdc[20]!;
  const adc = Math.round((gev * 1e9) / evPerAdc);
  const common = { spillNumber: 1, triggerNumber: trigger, timestampTicks: 0, configHash: 0, triggerType: type };
  const empty = (): EventMsg => ({ ...common, eventFlags: 0, energySumKeV: 0, hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] } });
  const parts = ids.map((id): EventMsg | TriggerMsg => {
    if (id === byName("trig").id) return { ...common, typeMask, inputPattern: 0, psSumAdc: 40, ecalSumAdc: 100 };
    if (id !== main.id) return empty();
    return { ...common, eventFlags: 0, energySumKeV: Math.round((adc * evPerAdc) / 1000), hits: { n: 1, channel: [20], amplitudeAdc: [adc], timeQ8: [3000], flags: [inTime ? HitFlag.IN_TIME : 0] } };
  });
  return { spill: 1, trigger, complete: true, completion: "complete", parts, missing: [], hashMismatch: [], hits: 1 };
}

describe("physics summary", () => {
  it("counts physics events above the trigger's ECAL maximum, and those mostly out of time", () => {
    const s = new PhysicsSummary(summaryCuts(preset.preset), { setup, configs }, ids);
    expect(s.triggerEcalMaxGeV).toBe(56); // ecalMaxSumAdc 1120 / 20 ADC per GeV
    s.add(physicsEvent(1, 30, true));
    s.add(physicsEvent(2, 70, false));
    s.add(physicsEvent(3, 72, true));
    expect(s.triggersByType.physics).toBe(3);
    expect(s.ecalPhysics.entries).toBe(3);
    expect(s.physicsAboveTriggerMax).toBe(2);
    expect(s.physicsAboveTriggerMaxOutOfTime).toBe(1);
    expect(s.toJSON().physicsAboveTriggerMax).toEqual({ events: 2, mostlyOutOfTime: 1 });
  });

  it("counts a trigger once by its type, and in the beam spectrum by the beam bit of its type mask (the two differ by the physics-type triggers the beam prescaler also took)", () => {
    const s = new PhysicsSummary(summaryCuts(preset.preset), { setup, configs }, ids);
    const bit = (t: number) => 1 << (t - 1);
    s.add(physicsEvent(1, 69, true, TriggerType.PHYSICS, bit(TriggerType.PHYSICS) | bit(TriggerType.BEAM)));
    s.add(physicsEvent(2, 70, true, TriggerType.BEAM, bit(TriggerType.BEAM)));
    s.add(physicsEvent(3, 71, true, TriggerType.BEAM, bit(TriggerType.BEAM)));
    s.add(physicsEvent(4, 20, true));
    expect(s.triggersByType).toEqual({ physics: 2, beam: 2, random: 0, calibration: 0 });
    expect(s.ecalBeam.entries).toBe(3);
    expect(s.ecalBeamOfTypePhysics).toBe(1);
    expect(s.ecalPhysics.entries).toBe(2);
    const caption = ecalLines(s, 70, pc.createColors(false))[0]!;
    expect(caption).toContain("(3 events: 2 of trigger type beam, 1 of type physics; mean 70.0 GeV; E0 = 70 GeV)");
  });
});
