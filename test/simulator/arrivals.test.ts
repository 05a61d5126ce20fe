// Beam arrivals: a Poisson process inside the spill. The number of particles matches the
// intensity, the species follow the beam's mix and the halo its rate, and the fraction of
// particles followed by another one within a readout window is 1 - exp(-rate * window), so pile-up
// arises by itself. Tolerances: 5 standard deviations of the counting statistics of the sample
// (fixed seeds).
import { describe, expect, it } from "vitest";
import { SPECIES, type BeamSpec } from "../../simulator/beam";
import { BeamSource } from "../../simulator/beam-source";
import { DetectorLayout } from "../../simulator/detector";
import { FrontEndSimulator } from "../../simulator/frontend";
import { ParticleRing } from "../../simulator/particles";
import { resolvePhysics } from "../../simulator/physics-params";
import { DetectorResponse } from "../../simulator/response";
import { SETUP, shortBeam } from "./support";

/** All arrival times of one spill of `beam`. */
function generate(beam: BeamSpec, seed: number, spill = 1): Float64Array {
  const layout = new DetectorLayout(SETUP);
  const source = new BeamSource(beam, new DetectorResponse(layout, beam, resolvePhysics()));
  const ring = new ParticleRing(8);
  const times: number[] = [];
  source.startSpill(seed, spill);
  while (!source.done) {
    source.fillUntil(ring, source.lastTimeNs + 1e5);
    for (let s = ring.tail; s < ring.head; s++) times.push(ring.tNs[ring.slot(s)]!);
    ring.release(ring.head);
  }
  return Float64Array.from(times);
}

/** All arrival times of one spill of the 70 GeV e+ beam at `intensityScale` times its rate. */
function arrivals(spillNs: number, intensityScale: number, seed: number, spill = 1): Float64Array {
  const base = shortBeam(spillNs);
  return generate(shortBeam(spillNs, { intensityPerSpill: base.intensityPerSpill * intensityScale }), seed, spill);
}

/** n within 5 binomial standard deviations of `of` trials with probability p. */
function binomialMatches(n: number, of: number, p: number): void {
  expect(Math.abs(n - of * p)).toBeLessThanOrEqual(5 * Math.sqrt(of * p * (1 - p)));
}

describe("beam arrivals", () => {
  const spillNs = 0.1e9; // 0.1 s at the 70 GeV e+ rate: ~87500 beam particles + halo
  const beam = shortBeam(spillNs);
  const meanTotal = beam.intensityPerSpill * (1 + beam.haloPerParticle);

  it("the particle count per spill matches the intensity (Poisson)", () => {
    for (const scale of [1, 2]) {
      const n = arrivals(spillNs, scale, 5).length;
      const mu = meanTotal * scale;
      expect(Math.abs(n - mu)).toBeLessThan(5 * Math.sqrt(mu));
    }
  });

  it("arrival times are ordered, inside the spill, and uniform over it", () => {
    const t = arrivals(spillNs, 1, 6);
    let ordered = true;
    for (let i = 1; i < t.length; i++) ordered &&= t[i]! >= t[i - 1]!;
    expect(ordered).toBe(true);
    expect(t[0]!).toBeGreaterThanOrEqual(0);
    expect(t[t.length - 1]!).toBeLessThan(spillNs);
    // First half vs second half: binomial with p = 1/2.
    const firstHalf = t.filter((x) => x < spillNs / 2).length;
    expect(Math.abs(firstHalf - t.length / 2)).toBeLessThan(5 * Math.sqrt(t.length / 4));
  });

  it("the pile-up fraction in a window is 1 - exp(-rate * window)", () => {
    const t = arrivals(spillNs, 1, 7);
    const rate = meanTotal / spillNs; // per ns
    for (const windowNs of [32 * 12.86, 100]) {
      let piled = 0;
      for (let i = 0; i + 1 < t.length; i++) if (t[i + 1]! - t[i]! < windowNs) piled++;
      const n = t.length - 1;
      const p = 1 - Math.exp(-rate * windowNs);
      expect(Math.abs(piled / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it("species follow the beam's mix and the halo its rate per beam particle", () => {
    const beams = [
      shortBeam(spillNs),
      shortBeam(spillNs, { species: { hadron: 0.1, muon: 0.05 }, haloPerParticle: 0.3 }),
      shortBeam(spillNs, { species: { positron: 0.2, hadron: 0.05, muon: 0.05 } }, "e-100"),
    ];
    beams.forEach((b, i) => {
      // The simulator's truth of a spill without triggers (nothing programmed).
      const sim = new FrontEndSimulator(SETUP, b, { seed: 40 + i });
      sim.beginSpill(1);
      const { particles } = sim.endSpill();
      const halo = particles.halo;
      const onAxis = SPECIES.reduce((a, name) => a + particles[name], 0);
      // Each particle is halo with probability h / (1 + h); each beam particle a species by the mix.
      binomialMatches(halo, onAxis + halo, b.haloPerParticle / (1 + b.haloPerParticle));
      for (const name of SPECIES) {
        if (b.species[name] === 0) expect(particles[name]).toBe(0);
        else binomialMatches(particles[name], onAxis, b.species[name]);
      }
    });
  });

  it("the same seed and spill give the same arrivals; another seed or spill differs", () => {
    const a = arrivals(1e6, 1, 9, 3);
    expect(arrivals(1e6, 1, 9, 3)).toEqual(a);
    expect(arrivals(1e6, 1, 10, 3)).not.toEqual(a);
    expect(arrivals(1e6, 1, 9, 4)).not.toEqual(a);
  });
});
