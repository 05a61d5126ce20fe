// Shared helpers of the simulator tests: the real setup from boards/, a simulator programmed with
// the registers the boards would write for the beam's preset (the one preset -> CONFIG -> register
// path of src/config), and a spill run that drains and decodes every FIFO.
import { loadSetup, type Setup } from "../../boards/setup";
import { decodeFifoRecords, type FifoRecord } from "../../protocol/fifo-records";
import { withBeamOverrides, type BeamOverrides, type BeamSpec } from "../../simulator/beam";
import { FrontEndSimulator, type SimOptions } from "../../simulator/frontend";
import type { TriggerTruth } from "../../simulator/truth";
import { loadBeam } from "../../src/config/beam";
import type { Conversion } from "../../src/config/convert";
import { convertNamedPreset } from "../../src/config/named";
import { programFrontEnds, rawReadout } from "../../src/config/registers";
import type { PresetValues } from "../../src/presets/override";

export const SETUP: Setup = loadSetup();

/** A short 70 GeV e+ spill at full intensity (the rate of the real 4.8 s spill). */
export function shortBeam(spillNs: number, overrides: BeamOverrides = {}, preset = "e+70"): BeamSpec {
  const base = loadBeam(preset);
  return withBeamOverrides(base, { spillNs, intensityPerSpill: (base.intensityPerSpill * spillNs) / base.spillNs, ...overrides });
}

/** Every board's configuration for the preset of `beam` (at the beam's energy) with `settings` changed. */
export function conversionFor(beam: BeamSpec, settings: PresetValues = {}, setup: Setup = SETUP): Conversion {
  const energy = beam.energyGeV === loadBeam(beam.preset).energyGeV ? {} : { energyGeV: beam.energyGeV };
  return convertNamedPreset(beam.preset, { ...settings, beam: { ...energy, ...settings.beam } }, setup);
}

/**
 * A simulator of `beam` whose front ends are programmed as the boards would program them, with the
 * feature extraction off (raw EVENT records: the windows these tests look at) unless `features`.
 */
export function programmedSim(beam: BeamSpec, options: SimOptions = {}, settings: PresetValues = {}, features = false): FrontEndSimulator {
  const sim = new FrontEndSimulator(SETUP, beam, options);
  const boards = conversionFor(beam, settings).boards;
  programFrontEnds(sim, features ? boards : boards.map((b) => ({ ...b, registers: rawReadout(b.registers) })));
  return sim;
}

export interface SpillResult {
  /** Raw FIFO bytes per board id, concatenated in read order. */
  bytes: Map<number, Buffer>;
  records: Map<number, FifoRecord[]>;
  truth: TriggerTruth[];
}

/** Run one spill in slices of `sliceTicks`, draining every FIFO after each slice (as the bench does). */
export function runSpill(sim: FrontEndSimulator, spillNumber: number, sliceTicks = 7776, drain = true): SpillResult {
  const chunks = new Map<number, Buffer[]>(sim.boardIds().map((id) => [id, []]));
  const take = () => {
    for (const id of sim.boardIds()) chunks.get(id)!.push(Buffer.from(sim.takeRecords(id, 1 << 30)));
  };
  sim.beginSpill(spillNumber);
  for (let t = 0; t < sim.spillTicks; t += sliceTicks) {
    sim.advance(Math.min(sim.spillTicks, t + sliceTicks));
    if (drain) take();
  }
  sim.endSpill();
  take();
  const bytes = new Map<number, Buffer>();
  const records = new Map<number, FifoRecord[]>();
  for (const [id, list] of chunks) {
    const all = Buffer.concat(list);
    bytes.set(id, all);
    records.set(id, decodeFifoRecords(all));
  }
  return { bytes, records, truth: sim.takeTruth() };
}

/** The error `f` throws (fails the test when it throws nothing). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

/** MIP energy of the first element whose name starts with `prefix` ("ECAL:0", "ECAL:1", ...). */
export function mipGeVOf(prefix: string): number {
  return SETUP.boards.flatMap((b) => b.channels).find((c) => c.element.startsWith(prefix))!.cal.mipGeV;
}

/** Mean and standard deviation. */
export function stats(xs: ArrayLike<number>): { mean: number; std: number; n: number } {
  let s = 0;
  let s2 = 0;
  const n = xs.length;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mean = s / n;
  for (let i = 0; i < n; i++) s2 += (xs[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(s2 / (n - 1)), n };
}

import { SpeciesCode } from "../../simulator/beam";
import { DetectorLayout } from "../../simulator/detector";
import { ParticleRing } from "../../simulator/particles";
import { resolvePhysics, type PhysicsOverrides } from "../../simulator/physics-params";
import { Deposits, DetectorResponse } from "../../simulator/response";
import { Xoshiro128 } from "../../simulator/rng";

export interface ParticleSample {
  energyGeV: number;
  psGeV: number;
  ecalGeV: number;
  hcalGeV: number;
  flags: number;
  /** Sum of the detailed deposits per detector ("ECAL:section", "HCAL:module", "SRD", "VETO", ...). */
  detail: Record<string, number>;
  /** Largest single-cell share of the ECAL main section. */
  maxMainCellShare: number;
}

/** n particles of one species through the detector response (summary and detail). */
export function sampleParticles(beam: BeamSpec, species: SpeciesCode, n: number, seed = 11, physics: PhysicsOverrides = {}): ParticleSample[] {
  const layout = new DetectorLayout(SETUP);
  const response = new DetectorResponse(layout, beam, resolvePhysics(physics));
  const rng = new Xoshiro128(seed, 1);
  const detailRng = new Xoshiro128(seed, 2);
  response.startSpill(rng);
  const ring = new ParticleRing(4);
  const dep = new Deposits(layout.size + 8);
  const out: ParticleSample[] = [];
  for (let i = 0; i < n; i++) {
    const slot = ring.push();
    ring.release(ring.head - 1);
    ring.tNs[slot] = i;
    ring.species[slot] = species;
    ring.energyGeV[slot] = beam.energyGeV * (1 + beam.momentumSpread * rng.normal());
    response.summarise(rng, ring, slot);
    detailRng.reseed(seed, 3, 0, i);
    response.detail(detailRng, ring, slot, dep);
    const detail: Record<string, number> = {};
    let main = 0;
    let maxMain = 0;
    for (let k = 0; k < dep.n; k++) {
      const el = layout.elements[dep.element[k]!]!;
      const key = el.det === "ECAL" || el.det === "HCAL" ? `${el.det}:${el.cell[0]}` : el.det;
      detail[key] = (detail[key] ?? 0) + dep.geV[k]!;
      if (key === "ECAL:1") {
        main += dep.geV[k]!;
        maxMain = Math.max(maxMain, dep.geV[k]!);
      }
    }
    out.push({
      energyGeV: ring.energyGeV[slot]!,
      psGeV: ring.psGeV[slot]!,
      ecalGeV: ring.ecalGeV[slot]!,
      hcalGeV: ring.hcalGeV[slot]!,
      flags: ring.flags[slot]!,
      detail,
      maxMainCellShare: main > 0 ? maxMain / main : 0,
    });
  }
  return out;
}
