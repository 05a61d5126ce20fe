// What the bench host injected into each board's front end and has not yet seen the result of.
// A board that restarts loses its RAM (the resend ring included): the records whose EVENT/TRIGGER
// never arrived, and the spill boundaries it needs, are injected again, so a restart loses
// nothing (protocol/README.md, link rule 7).
import { FifoKind } from "../../protocol/schema/enums";
import { FIFO_HEADER_BYTES } from "../../protocol/schema/fifo";

interface BoardLedger {
  spillBegin?: Uint8Array;
  spill: number;
  /** Data records by trigger number (FEATURES and a waveform's EVENT records), in injection order. */
  pending: Map<number, Uint8Array[]>;
  /** SPILL_END until the board's SCALERS for the spill arrived. */
  spillEnd?: Uint8Array;
}

/** Split concatenated FIFO records into single records (views). */
export function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o + FIFO_HEADER_BYTES <= bytes.length) {
    const len = bytes[o + 2]! | (bytes[o + 3]! << 8);
    if (len < FIFO_HEADER_BYTES || o + len > bytes.length) throw new Error(`FIFO record at ${o} has length ${len}; ${bytes.length - o} bytes left`);
    out.push(bytes.subarray(o, o + len));
    o += len;
  }
  if (o !== bytes.length) throw new Error(`${bytes.length - o} stray bytes after the last FIFO record`);
  return out;
}

/** Pack records into INJECT payloads of at most maxBytes each (a record is never split). */
export function packRecords(records: readonly Uint8Array[], maxBytes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (!group.length) return;
    out.push(Buffer.concat(group, size));
    group = [];
    size = 0;
  };
  for (const r of records) {
    if (r.length > maxBytes) throw new Error(`a ${r.length}-byte FIFO record does not fit an INJECT payload of ${maxBytes} bytes`);
    if (size + r.length > maxBytes) flush();
    group.push(r);
    size += r.length;
  }
  flush();
  return out;
}

const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

export class InjectLedger {
  private readonly boards = new Map<number, BoardLedger>();

  private of(boardId: number): BoardLedger {
    let l = this.boards.get(boardId);
    if (!l) this.boards.set(boardId, (l = { spill: -1, pending: new Map() }));
    return l;
  }

  /** Records about to be injected into `boardId` (as taken from its FIFO, any number). */
  injected(boardId: number, records: readonly Uint8Array[]): void {
    const l = this.of(boardId);
    for (const r of records) {
      const kind = r[0]!;
      const n = u32(r, FIFO_HEADER_BYTES);
      if (kind === FifoKind.SPILL_BEGIN) {
        l.spillBegin = r.slice();
        l.spill = n;
        l.pending.clear();
        l.spillEnd = undefined;
      } else if (kind === FifoKind.SPILL_END) l.spillEnd = r.slice();
      else {
        const list = l.pending.get(n);
        if (list) list.push(r.slice());
        else l.pending.set(n, [r.slice()]);
      }
    }
  }

  /** The board's EVENT / TRIGGER for (spill, trigger) arrived. */
  resultArrived(boardId: number, spill: number, trigger: number): void {
    const l = this.boards.get(boardId);
    if (l && l.spill === spill) l.pending.delete(trigger);
  }

  /** The board's SCALERS for `spill` arrived: its spill is complete. */
  spillDone(boardId: number, spill: number): void {
    const l = this.boards.get(boardId);
    if (l && l.spill === spill) l.spillEnd = undefined;
  }

  /** Records to inject again after the board restarted: the spill's SPILL_BEGIN, then what is missing. */
  replay(boardId: number): Uint8Array[] {
    const l = this.boards.get(boardId);
    if (!l?.spillBegin) return [];
    return [l.spillBegin, ...[...l.pending.values()].flat(), ...(l.spillEnd ? [l.spillEnd] : [])];
  }

  /** Records injected whose result has not arrived yet. */
  outstanding(boardId: number): number {
    const l = this.boards.get(boardId);
    return l ? l.pending.size + (l.spillEnd ? 1 : 0) : 0;
  }
}
