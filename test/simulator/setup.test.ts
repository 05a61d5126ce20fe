// The simulator takes its channels from boards/ (never hard-coded): a malformed channel map is a
// typed error naming the field, and a map the simulator cannot use is refused with its own typed
// error; a different but valid map changes what is read out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BOARDS_DIR, buildSetup, SetupError } from "../../boards/setup";
import { loadBeam } from "../../src/config/beam";
import { SimOptionError, SimSetupError } from "../../simulator/errors";
import { FrontEndSimulator } from "../../simulator/frontend";
import { programFrontEnds, rawReadout } from "../../src/config/registers";
import { conversionFor, runSpill, SETUP, shortBeam, thrown } from "./support";

const MAP = JSON.parse(readFileSync(join(BOARDS_DIR, "channel-map.json"), "utf-8"));
const CAL = JSON.parse(readFileSync(join(BOARDS_DIR, "calibration.json"), "utf-8"));

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** The calibration restricted to the elements a (modified) map still reads. */
function calFor(map: typeof MAP) {
  const cal = clone(CAL);
  const read = new Set<string>();
  for (const b of map.boards) for (const c of b.channels) read.add(c.cell?.length ? `${c.det}:${c.cell.join(":")}` : c.det);
  for (const k of Object.keys(cal.channels)) if (!read.has(k)) delete cal.channels[k];
  return cal;
}

describe("setup", () => {
  it("a malformed channel map is a SetupError naming the field", () => {
    const bad = clone(MAP);
    bad.boards[2].channels[5].det = "ECAL2";
    const e = thrown(() => buildSetup(bad, CAL));
    expect(e).toBeInstanceOf(SetupError);
    expect((e as SetupError).field).toBe("boards.2.channels.5.det");
    expect((e as SetupError).value).toBe("ECAL2");
  });

  it("a map without a trigger board, or with a malformed cell, is a SimSetupError", () => {
    const noTrig = clone(MAP);
    noTrig.boards = noTrig.boards.filter((b: { role: string }) => b.role !== "trigger");
    const e = thrown(() => new FrontEndSimulator(buildSetup(noTrig, calFor(noTrig)), loadBeam("e+70")));
    expect(e).toBeInstanceOf(SimSetupError);
    expect((e as SimSetupError).field).toBe("setup.boards");
    const badCell = clone(MAP);
    badCell.boards[1].channels[0].cell = [0, 0];
    const e2 = thrown(() => new FrontEndSimulator(buildSetup(badCell, calFor(badCell)), loadBeam("e+70")));
    expect(e2).toBeInstanceOf(SimSetupError);
    expect((e2 as SimSetupError).field).toBe("setup.boards.ecal-ps.channels.0.cell");
  });

  it("channels come from the map: a board with fewer channels reads fewer", () => {
    const small = clone(MAP);
    small.boards[3].channels = small.boards[3].channels.slice(0, 9); // HCAL module 0 only
    const beam = shortBeam(5e6, { species: { hadron: 0.3 } });
    const hcalChannels = (setup: typeof SETUP) => {
      const sim = new FrontEndSimulator(setup, beam, { seed: 2 });
      programFrontEnds(sim, conversionFor(beam, {}, setup).boards.map((b) => ({ ...b, registers: rawReadout(b.registers) })));
      const events = runSpill(sim, 1).records.get(4)!.filter((r) => r.name === "EVENT");
      expect(events.length).toBeGreaterThan(5);
      return new Set(events.flatMap((r) => (r.body as { channels: number[] }).channels));
    };
    const full = hcalChannels(SETUP);
    const cut = hcalChannels(buildSetup(small, calFor(small)));
    expect(Math.max(...full)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...cut)).toBeLessThan(9);
  });

  it("bad simulator options are typed errors naming the option", () => {
    const beam = loadBeam("e+70");
    const cases: [object, string][] = [
      [{ seed: -1 }, "seed"],
      [{ fifoDepth: 2 }, "fifoDepth"],
      [{ physics: { ecal: { stochasticTerm: -0.1 } } }, "physics.ecal.stochasticTerm"],
      [{ physics: { ecal: { stochastic: 0.1 } } }, "physics.ecal.stochastic"],
      [{ physics: { calorimeter: {} } }, "physics.calorimeter"],
      [{ digitiser: { adcBits: 40 } }, "digitiser.adcBits"],
      [{ digitiser: { shapes: { ECAL: { kind: "crrc", order: 0, tauNs: 10 } } } }, "digitiser.shapes.ECAL.order"],
      [{ digitiser: { shapes: { ECAL2: { kind: "compass-ecal" } } } }, "digitiser.shapes.ECAL2"],
      [{ digitiser: { ledShape: { kind: "crrc", order: 4, tauNs: -1 } } }, "digitiser.ledShape.tauNs"],
      [{ digitiser: { adcbits: 12 } }, "digitiser.adcbits"],
    ];
    for (const [options, field] of cases) {
      const e = thrown(() => new FrontEndSimulator(SETUP, beam, options));
      expect(e).toBeInstanceOf(SimOptionError);
      expect((e as SimOptionError).field).toBe(field);
    }
  });
});
