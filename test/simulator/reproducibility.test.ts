// Same seed, same setup, same register writes: the same bytes in every FIFO. Slicing the run
// differently changes only how full the FIFOs got between reads (the fifoMaxDepth scaler).
// Another seed or another spill number: different bytes.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FifoSpillEndRec } from "../../protocol/schema/fifo";
import { programmedSim, runSpill, shortBeam } from "./support";

const BEAM = shortBeam(1e7);

function digest(seed: number, spill: number, slice: number): string {
  const r = runSpill(programmedSim(BEAM, { seed, fifoDepth: 4096 }), spill, slice);
  const h = createHash("sha256");
  for (const [id, bytes] of [...r.bytes].sort((a, b) => a[0] - b[0])) h.update(`${id}:`).update(bytes);
  return h.digest("hex");
}

describe("reproducibility", () => {
  it("the same seed gives the same bytes", () => {
    expect(digest(21, 1, 7776)).toBe(digest(21, 1, 7776));
  });

  it("another slicing of the run changes only the FIFO occupancy scaler", () => {
    const a = runSpill(programmedSim(BEAM, { seed: 21, fifoDepth: 4096 }), 1, 7776);
    const b = runSpill(programmedSim(BEAM, { seed: 21, fifoDepth: 4096 }), 1, 997);
    expect(b.truth).toEqual(a.truth);
    for (const [id, recs] of a.records) {
      const other = b.records.get(id)!;
      expect(other.length).toBe(recs.length);
      expect(other.slice(0, -1)).toEqual(recs.slice(0, -1));
      const endA = recs.at(-1)!.body as FifoSpillEndRec;
      const endB = other.at(-1)!.body as FifoSpillEndRec;
      expect({ ...endB, fifoMaxDepth: 0 }).toEqual({ ...endA, fifoMaxDepth: 0 });
      expect(endB.fifoMaxDepth).toBeLessThanOrEqual(endA.fifoMaxDepth);
    }
  });

  it("a different seed or spill number gives different bytes", () => {
    const a = digest(21, 1, 7776);
    expect(digest(22, 1, 7776)).not.toBe(a);
    expect(digest(21, 2, 7776)).not.toBe(a);
  });
});
