// Beam particles of one spill: Poisson arrivals at a flat rate inside the spill (so pile-up
// arises by itself), species drawn from the beam's mix, off-axis halo mixed in at its own rate,
// energy E0 with the momentum spread, then the detector-response summary. One random stream per
// (seed, spill): the same seed and spill number give the same particles whatever the trigger does.
import { type BeamSpec, SpeciesCode } from "./beam";
import type { ParticleRing } from "./particles";
import type { DetectorResponse } from "./response";
import { Xoshiro128 } from "./rng";

// Enum members copied into module constants: the hot loop then reads no imported binding.
const POSITRON: number = SpeciesCode.POSITRON;
const ELECTRON: number = SpeciesCode.ELECTRON;
const HADRON: number = SpeciesCode.HADRON;
const MUON: number = SpeciesCode.MUON;
const HALO: number = SpeciesCode.HALO;

/** Stream keys of the simulator's independent random streams. */
export const enum Stream {
  BEAM = 1,
  RANDOM_TRIGGER = 2,
  DIGITISER = 3,
  DETAIL = 4,
  NOISE_BUFFER = 5,
}

export class BeamSource {
  private readonly rng = new Xoshiro128(0);
  private readonly meanGapNs: number;
  private readonly pHalo: number;
  private readonly cPositron: number;
  private readonly cElectron: number;
  private readonly cHadron: number;
  private tNs = 0;
  /** No more particles in this spill. */
  done = true;
  /** Particles generated this spill, by SpeciesCode. */
  readonly counts = new Float64Array(5);

  constructor(
    readonly beam: BeamSpec,
    private readonly response: DetectorResponse,
  ) {
    const onTargetRate = beam.intensityPerSpill / beam.spillNs;
    const totalRate = onTargetRate * (1 + beam.haloPerParticle);
    this.meanGapNs = totalRate > 0 ? 1 / totalRate : Infinity;
    this.pHalo = beam.haloPerParticle / (1 + beam.haloPerParticle);
    const s = beam.species;
    const beamShare = 1 - this.pHalo;
    this.cPositron = this.pHalo + beamShare * s.positron;
    this.cElectron = this.pHalo + beamShare * (s.positron + s.electron);
    this.cHadron = this.pHalo + beamShare * (s.positron + s.electron + s.hadron);
  }

  startSpill(seed: number, spill: number): void {
    this.rng.reseed(seed, Stream.BEAM, spill);
    this.response.startSpill(this.rng);
    this.tNs = 0;
    this.done = !(this.meanGapNs < Infinity);
    this.counts.fill(0);
  }

  /** Time of the last particle generated (0 before the first). */
  get lastTimeNs(): number {
    return this.tNs;
  }

  /** Generate particles until one arrives at or after untilNs, or the spill ends. */
  fillUntil(ring: ParticleRing, untilNs: number): void {
    const rng = this.rng;
    const end = this.beam.spillNs;
    while (!this.done && this.tNs < untilNs) {
      const t = this.tNs + this.meanGapNs * rng.exponential();
      if (t >= end) {
        this.done = true;
        this.tNs = end;
        return;
      }
      this.tNs = t;
      const slot = ring.push();
      ring.tNs[slot] = t;
      // One uniform picks halo or a beam species (cumulative thresholds scaled to the beam share).
      const u = rng.uniform();
      const sp = u < this.pHalo ? HALO : u < this.cPositron ? POSITRON : u < this.cElectron ? ELECTRON : u < this.cHadron ? HADRON : MUON;
      ring.species[slot] = sp;
      this.counts[sp]!++;
      ring.energyGeV[slot] = this.beam.energyGeV * (1 + this.beam.momentumSpread * rng.normal());
      this.response.summarise(rng, ring, slot);
    }
  }
}
