// The readout setup (channel map + calibration) is validated with errors that name the file,
// the JSON path and the value.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BOARDS_DIR, SetupError, buildSetup, loadSetup } from "../../boards/setup";

const map = () => JSON.parse(readFileSync(join(BOARDS_DIR, "channel-map.json"), "utf-8"));
const cal = () => JSON.parse(readFileSync(join(BOARDS_DIR, "calibration.json"), "utf-8"));

function setupError(fn: () => unknown): SetupError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SetupError) return e;
    throw e;
  }
  throw new Error("expected a SetupError");
}

describe("readout setup", () => {
  it("loads the bench setup: 5 boards, calibration resolved per channel", () => {
    const s = loadSetup();
    expect(s.boards.map((b) => [b.name, b.role, b.channels.length])).toEqual([
      ["trig", "trigger", 5],
      ["ecal-ps", "calorimeter", 36],
      ["ecal-main", "calorimeter", 36],
      ["hcal", "calorimeter", 36],
      ["veto", "veto", 15],
    ]);
    const c = s.boards[2]!.channels[14]!;
    expect(c.element).toBe("ECAL:1:2:2");
    expect(c.cal.gainAdcPerGeV).toBeCloseTo(40 * 0.9873, 6);
    expect(s.triggerSums.ecalAdcPerGeV).toBe(20);
  });

  it("names the path and value of a malformed channel", () => {
    const m = map();
    m.boards[1].channels[3].ch = 99;
    const e = setupError(() => buildSetup(m, cal()));
    expect(e.file).toBe("channel-map.json");
    expect(e.field).toBe("boards.1.channels.3.ch");
    expect(e.value).toBe(99);
  });

  it("rejects an unknown detector, a channel used twice and a duplicate board id", () => {
    const m1 = map();
    m1.boards[0].channels[0].det = "S9";
    expect(setupError(() => buildSetup(m1, cal())).field).toBe("boards.0.channels.0.det");
    const m2 = map();
    m2.boards[4].channels[1].ch = 0;
    expect(setupError(() => buildSetup(m2, cal())).message).toMatch(/channel used twice/);
    const m3 = map();
    m3.boards[1].id = 1;
    expect(setupError(() => buildSetup(m3, cal())).message).toMatch(/board id used twice/);
  });

  it("requires calibration for every detector read and none for unknown elements", () => {
    const c1 = cal();
    delete c1.defaults.HCAL;
    expect(setupError(() => buildSetup(map(), c1)).field).toBe("defaults.HCAL");
    const c2 = cal();
    c2.channels["ECAL:1:9:9"] = { gainScale: 1 };
    expect(setupError(() => buildSetup(map(), c2)).message).toMatch(/no board reads/);
    const c3 = cal();
    c3.defaults.SRD.gainAdcPerGeV = -1;
    expect(setupError(() => buildSetup(map(), c3)).field).toBe("defaults.SRD.gainAdcPerGeV");
  });
});
