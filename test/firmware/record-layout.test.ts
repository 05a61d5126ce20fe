// The record offsets the firmware reads forwarded FIFO records with (devs/core/record-layout.ts)
// are where the host codec puts those fields.
import { describe, expect, it } from "vitest";
import { encodeFifoRecord } from "../../protocol/fifo-records";
import * as L from "../../devs/core/record-layout";

describe("FIFO record offsets of the firmware", () => {
  it("FEATURES: trigger number, event flags, veto and counter hits, hit count, size", () => {
    const hits = { n: 3, channel: [1, 2, 3], amplitudeAdc: [10, 20, 30], timeQ8: [100, 200, 300], flags: [4, 5, 6] };
    const b = encodeFifoRecord("FEATURES", { triggerNumber: 0x01020304, timestampTicks: 7, triggerType: 2, eventFlags: 0xa5, energySumKeV: 9, vetoHits: 0x33, counterHits: 0x44, hits });
    expect(b.readUInt32LE(L.FEATURES_TRIGGER_OFF)).toBe(0x01020304);
    expect(b[L.FEATURES_FLAGS_OFF]).toBe(0xa5);
    expect(b[L.FEATURES_VETO_HITS_OFF]).toBe(0x33);
    expect(b[L.FEATURES_COUNTER_HITS_OFF]).toBe(0x44);
    expect(b[L.FEATURES_HITS_OFF]).toBe(3);
    expect(b.length).toBe(L.FEATURES_FIXED_BYTES + 3 * L.HIT_BYTES);
  });

  it("TRIGGER: trigger number, type, size", () => {
    const b = encodeFifoRecord("TRIGGER", { triggerNumber: 0x0a0b0c0d, timestampTicks: 5, triggerType: 3, typeMask: 4, inputPattern: 7, psSumAdc: 1, ecalSumAdc: 2 });
    expect(b.readUInt32LE(L.TRIGGER_NUMBER_OFF)).toBe(0x0a0b0c0d);
    expect(b[L.TRIGGER_TYPE_OFF]).toBe(3);
    expect(b.length).toBe(L.TRIGGER_RECORD_BYTES);
  });
});
