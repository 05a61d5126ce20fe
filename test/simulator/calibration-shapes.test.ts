// The calibration's leading-edge-to-peak times (used by the host to set the veto board's in-time
// windows) must describe the pulses the simulator actually makes.
import { describe, expect, it } from "vitest";
import { loadSetup } from "../../boards/setup";
import { DEFAULT_DIGITISER } from "../../simulator/digitiser";
import { makeShape } from "../../simulator/pulse-shapes";

/** Time from the half-height crossing on the rising edge to the peak, by bisection. */
function leadToPeakNs(det: keyof typeof DEFAULT_DIGITISER.shapes, clockNs: number): number {
  const s = makeShape(DEFAULT_DIGITISER.shapes[det], clockNs);
  let lo = -s.riseNs, hi = 0; // value(lo) < 0.5 <= value(hi) = 1
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (s.value(mid) < 0.5) lo = mid;
    else hi = mid;
  }
  return -hi;
}

describe("calibration vs simulated pulse shapes", () => {
  it("tLeadingEdgeToPeakNs is the shape's half-height rise time within 2 ns", () => {
    const setup = loadSetup();
    const seen = new Set<string>();
    for (const b of setup.boards)
      for (const c of b.channels) {
        if (seen.has(c.det)) continue;
        seen.add(c.det);
        expect(Math.abs(c.cal.tLeadingEdgeToPeakNs - leadToPeakNs(c.det, setup.clockNs)), c.element).toBeLessThan(2);
      }
    expect(seen.size).toBe(9);
  });
});
