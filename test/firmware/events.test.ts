// Calorimeter and veto event processing against the golden vectors (also run in the VM by
// test/vm/core-events.ts) and against the independent reference model.
import { describe, expect, it } from "vitest";
import { EVENT_VECTORS, runEventVector } from "./golden/events";
import { diff } from "./golden/support";
import { referenceEvent } from "./reference-events";
import { runVmTests, vmFailure } from "../support/devs";

describe("event processing: golden vectors", () => {
  for (const v of EVENT_VECTORS) {
    it(v.name, () => {
      expect(diff(runEventVector(v), v.expect)).toBe("");
    });
    it(`${v.name} (reference model agrees)`, () => {
      expect(referenceEvent(v.config, v.channels, v.samples)).toEqual(v.expect);
    });
  }
  it("slicing does not change the result", () => {
    for (const v of EVENT_VECTORS)
      for (const slice of [1, 2, 5, 72]) expect(diff(runEventVector({ ...v, slice }), v.expect)).toBe("");
  });
});

describe("event processing in the DeviceScript VM", () => {
  it("the same golden vectors pass in the VM", async () => {
    const r = await runVmTests("test/vm/core-events.ts");
    expect(vmFailure(r)).toBeUndefined();
    expect(r.tests).toBe(EVENT_VECTORS.length);
  });
});
