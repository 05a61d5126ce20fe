// The stream of beam particles of one spill, held in a ring of typed arrays (no object per
// particle). Each particle keeps only what the trigger logic needs at beam rate (arrival time,
// counter deposits, preshower and ECAL totals) plus what its detailed response must agree with
// (species, energy, HCAL total, flags, one auxiliary number). The per-cell detail is recomputed
// from the particle's serial number only for particles inside a triggered readout window.
import { N_COUNTERS } from "./detector";

/** Per-particle flags. */
export const enum ParticleFlag {
  /** An upstream electro/photo-nuclear interaction took part of the energy. */
  UPSTREAM = 0x01,
  /** Dark-photon signal: the positron annihilated resonantly, E_R is missing. */
  DARK_PHOTON = 0x02,
  /** A hadron whose first interaction was inside the ECAL. */
  INTERACTED_IN_ECAL = 0x04,
}

export class ParticleRing {
  private capacity: number;
  private mask: number;
  /** Serial number (0-based within the spill) the next particle gets. */
  head = 0;
  /** Oldest serial still held. */
  tail = 0;

  tNs!: Float64Array;
  species!: Uint8Array;
  flags!: Uint8Array;
  energyGeV!: Float64Array;
  psGeV!: Float64Array;
  /** ECAL total (preshower + main). */
  ecalGeV!: Float64Array;
  hcalGeV!: Float64Array;
  /** Hadron: depth of the first interaction (lambda); upstream: energy fraction lost. */
  aux!: Float64Array;
  /** Deposits in the counters S0, S1, S2, V0, V1 (GeV), N_COUNTERS per particle. */
  counterGeV!: Float64Array;

  constructor(capacityLog2 = 12) {
    this.capacity = 1 << capacityLog2;
    this.mask = this.capacity - 1;
    this.allocate(this.capacity);
  }

  private allocate(cap: number): void {
    this.tNs = new Float64Array(cap);
    this.species = new Uint8Array(cap);
    this.flags = new Uint8Array(cap);
    this.energyGeV = new Float64Array(cap);
    this.psGeV = new Float64Array(cap);
    this.ecalGeV = new Float64Array(cap);
    this.hcalGeV = new Float64Array(cap);
    this.aux = new Float64Array(cap);
    this.counterGeV = new Float64Array(cap * N_COUNTERS);
  }

  reset(): void {
    this.head = 0;
    this.tail = 0;
  }

  slot(serial: number): number {
    return serial & this.mask;
  }

  /** Drop particles older than `serial`. */
  release(serial: number): void {
    if (serial > this.tail) this.tail = Math.min(serial, this.head);
  }

  /** Slot for a new particle (the ring doubles when every slot is still in use). */
  push(): number {
    if (this.head - this.tail >= this.capacity) this.grow();
    const s = this.head & this.mask;
    this.head++;
    return s;
  }

  private grow(): void {
    const old = {
      tNs: this.tNs,
      species: this.species,
      flags: this.flags,
      energyGeV: this.energyGeV,
      psGeV: this.psGeV,
      ecalGeV: this.ecalGeV,
      hcalGeV: this.hcalGeV,
      aux: this.aux,
      counterGeV: this.counterGeV,
    };
    const oldMask = this.mask;
    this.capacity *= 2;
    this.mask = this.capacity - 1;
    this.allocate(this.capacity);
    for (let n = this.tail; n < this.head; n++) {
      const a = n & oldMask;
      const b = n & this.mask;
      this.tNs[b] = old.tNs[a]!;
      this.species[b] = old.species[a]!;
      this.flags[b] = old.flags[a]!;
      this.energyGeV[b] = old.energyGeV[a]!;
      this.psGeV[b] = old.psGeV[a]!;
      this.ecalGeV[b] = old.ecalGeV[a]!;
      this.hcalGeV[b] = old.hcalGeV[a]!;
      this.aux[b] = old.aux[a]!;
      for (let c = 0; c < N_COUNTERS; c++) this.counterGeV[b * N_COUNTERS + c] = old.counterGeV[a * N_COUNTERS + c]!;
    }
  }

  /** First held serial with tNs >= t (binary search; head if none). */
  firstAtOrAfter(t: number): number {
    let lo = this.tail;
    let hi = this.head;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tNs[mid & this.mask]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
