// The dump library (behind `na64fe dump`, tested in test/host/dump-cmd.test.ts): events decoded
// from the FIFO records, every digitiser board or the ones asked for, as CSV.
import { describe, expect, it } from "vitest";
import { dumpEvents, formatCsv } from "../../simulator/dump";
import { SimOptionError } from "../../simulator/errors";
import { conversionFor, SETUP, shortBeam, thrown } from "./support";
import { rawReadout } from "../../src/config/registers";

/** 50 ms at the full 70 GeV e+ rate. */
const SHORT = shortBeam(5e7);
/** The registers the boards write for the e+70 preset, feature extraction off (raw windows, as `na64fe dump` programs them). */
const raw = (boards: ReturnType<typeof conversionFor>["boards"]) => boards.map((b) => ({ ...b, registers: rawReadout(b.registers) }));
const REGS = raw(conversionFor(SHORT).boards);

describe("dump", () => {
  it("returns the requested number of events with every digitiser board's channels", () => {
    const events = dumpEvents({ beam: SHORT, events: 3, seed: 4, registers: REGS }, SETUP);
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
  });

  it("reads every enabled channel without zero suppression, and can select boards", () => {
    const [e] = dumpEvents({ beam: SHORT, events: 1, seed: 4, boards: ["hcal"], registers: raw(conversionFor(SHORT, { readout: { zeroSuppression: false } }).boards) }, SETUP);
    expect(e!.boards.length).toBe(1);
    expect(e!.boards[0]!.channels.length).toBe(36);
    const err = thrown(() => dumpEvents({ beam: SHORT, events: 1, boards: ["hcall"], registers: REGS }, SETUP));
    expect(err).toBeInstanceOf(SimOptionError);
    expect((err as SimOptionError).field).toBe("boards");
    expect((err as SimOptionError).value).toBe("hcall");
  });
});
