// The dump command: events decoded from the FIFO records, as CSV and JSON, and the CLI's exit codes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dumpEvents, formatCsv, formatJson, main } from "../../simulator/dump";
import { SimOptionError } from "../../simulator/errors";
import { SETUP, thrown } from "./support";

const SHORT = { spillNs: 5e7, intensityPerSpill: 4.375e4 };

describe("dump", () => {
  it("returns the requested number of events with every digitiser board's channels", () => {
    const events = dumpEvents({ beam: "e+70", events: 3, seed: 4, beamOverrides: SHORT }, SETUP);
    expect(events.length).toBe(3);
    expect(events.map((e) => e.triggerNumber)).toEqual([1, 2, 3]);
    for (const e of events) {
      expect(e.boards.map((b) => b.board)).toEqual(["ecal-ps", "ecal-main", "hcal", "veto"]);
      for (const b of e.boards) for (const c of b.channels) expect(c.samples.length).toBe(b.windowSamples);
    }
    const csv = formatCsv(events).trim().split("\n");
    expect(csv[0]).toBe("spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc");
    const samples = events.flatMap((e) => e.boards.flatMap((b) => b.channels.flatMap((c) => c.samples)));
    expect(csv.length - 1).toBe(samples.length);
    expect(csv[1]!.split(",").length).toBe(9);
    expect(JSON.parse(formatJson(events))).toEqual(JSON.parse(JSON.stringify(events)));
  });

  it("reads every enabled channel without zero suppression, and can select boards", () => {
    const [e] = dumpEvents({ beam: "e+70", events: 1, seed: 4, beamOverrides: SHORT, boards: ["hcal"], settings: { zeroSuppression: false } }, SETUP);
    expect(e!.boards.length).toBe(1);
    expect(e!.boards[0]!.channels.length).toBe(36);
    const err = thrown(() => dumpEvents({ beam: "e+70", events: 1, boards: ["hcall"] }, SETUP));
    expect(err).toBeInstanceOf(SimOptionError);
    expect((err as SimOptionError).field).toBe("boards");
    expect((err as SimOptionError).value).toBe("hcall");
  });

  it("the CLI writes the file and exits 0; bad input exits 1 (simulation) or 2 (usage)", () => {
    const dir = mkdtempSync(join(tmpdir(), "na64-dump-"));
    try {
      const out = join(dir, "events.json");
      expect(main(["node", "dump", "--beam", "e+70", "--events", "1", "--format", "json", "--out", out, "--board", "veto"])).toBe(0);
      const events = JSON.parse(readFileSync(out, "utf-8"));
      expect(events.length).toBe(1);
      expect(events[0].boards[0].board).toBe("veto");
      expect(main(["node", "dump", "--beam", "e+71", "--events", "1", "--out", out])).toBe(1);
      expect(main(["node", "dump", "--format", "xml", "--out", out])).toBe(2);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
