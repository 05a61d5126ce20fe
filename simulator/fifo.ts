// One board's readout FIFO: whole records (protocol/schema/fifo.ts bytes) in arrival order, with
// a depth in records. Event records may only take the FIFO up to depth - RESERVED_SLOTS; the last
// two slots belong to the spill-boundary records (SPILL_END of this spill, SPILL_BEGIN of the
// next), so a full FIFO inhibits triggers but never loses a boundary.
//
// A trigger may write several records (FEATURES, then EVENT records of its samples on waveform
// events): the front end holds it off unless all of them fit.
//
// Storage is one byte arena per board: records are encoded in place (no buffer per record) and
// read out as one contiguous copy; the arena rewinds whenever it is drained and compacts or grows
// only when a record does not fit behind the last one.

import { fifoRecordSize, writeFifoRecord, type FifoBodies, type FifoName } from "../protocol/fifo-records";

export const RESERVED_SLOTS = 2;
/** Smallest useful depth: one event record plus the reserved boundary slots. */
export const MIN_FIFO_DEPTH = RESERVED_SLOTS + 1;

export class RecordFifo {
  private arena = new Uint8Array(1 << 16);
  private view = new DataView(this.arena.buffer);
  private readPos = 0;
  private writePos = 0;
  /** Record lengths, oldest first (ring of `depth` entries). */
  private readonly lengths: Int32Array;
  private first = 0;
  private n = 0;
  /** Largest number of records held since the last resetMax(). */
  maxCount = 0;

  constructor(readonly depth: number) {
    this.lengths = new Int32Array(depth);
  }

  get count(): number {
    return this.n;
  }

  get byteCount(): number {
    return this.writePos - this.readPos;
  }

  /** Bytes of the next record, 0 when empty (the FIFO_BYTES register). */
  get nextBytes(): number {
    return this.n ? this.lengths[this.first]! : 0;
  }

  /** True when `records` more records of one trigger would eat into the reserved boundary slots. */
  fullFor(records: number): boolean {
    return this.n + records > this.depth - RESERVED_SLOTS;
  }

  /** Bytes of the whole records at the head that fit in maxBytes (FIFO_BURST_BYTES), 0 when empty. */
  burstBytes(maxBytes: number): number {
    let size = 0;
    for (let k = 0; k < this.n; k++) {
      const len = this.lengths[(this.first + k) % this.depth]!;
      if (size + len > maxBytes) break;
      size += len;
    }
    return size;
  }

  get full(): boolean {
    return this.n >= this.depth;
  }

  /** Append one record, encoded in place by the protocol's FIFO codec. The caller checks `full` first. */
  append<K extends FifoName>(name: K, body: FifoBodies[K]): void {
    if (this.n >= this.depth) throw new Error(`RecordFifo.append(${name}) on a full FIFO`);
    const size = fifoRecordSize(name, body);
    this.reserve(size);
    const end = writeFifoRecord(this.view, this.writePos, name, body);
    if (end !== this.writePos + size) throw new Error(`FIFO ${name} record wrote ${end - this.writePos} bytes, announced ${size}`);
    this.writePos = end;
    this.lengths[(this.first + this.n) % this.depth] = size;
    this.n++;
    if (this.n > this.maxCount) this.maxCount = this.n;
  }

  private reserve(size: number): void {
    if (this.writePos + size <= this.arena.length) return;
    const live = this.writePos - this.readPos;
    let cap = this.arena.length;
    while (live + size > cap / 2) cap *= 2;
    if (cap === this.arena.length) this.arena.copyWithin(0, this.readPos, this.writePos);
    else {
      const next = new Uint8Array(cap);
      next.set(this.arena.subarray(this.readPos, this.writePos), 0);
      this.arena = next;
      this.view = new DataView(next.buffer);
    }
    this.readPos = 0;
    this.writePos = live;
  }

  /** Remove whole records, oldest first, up to maxBytes in total; concatenated. */
  take(maxBytes: number): Uint8Array {
    let k = 0;
    let size = 0;
    while (k < this.n) {
      const len = this.lengths[(this.first + k) % this.depth]!;
      if (size + len > maxBytes) break;
      size += len;
      k++;
    }
    const out = this.arena.slice(this.readPos, this.readPos + size);
    this.readPos += size;
    this.first = (this.first + k) % this.depth;
    this.n -= k;
    if (this.n === 0) {
      this.readPos = 0;
      this.writePos = 0;
    }
    return out;
  }

  resetMax(): void {
    this.maxCount = this.n;
  }
}
