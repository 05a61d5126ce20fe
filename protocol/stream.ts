// Streaming frame reader for TCP: accepts chunks of any size, returns whole frames and typed
// errors in arrival order. After garbage or a corrupt frame it resynchronises on the next magic.
// It holds at most one partial frame (< MAX_FRAME_BYTES) between chunks, and a bad frame never
// changes what it does with the bytes after it.
import { decodeFrame, type Frame } from "./frame";
import { ProtocolError, BadMagicError, TruncatedFrameError } from "./errors";
import { FRAME_MAGIC, HEADER_BYTES } from "./schema/limits";

export type StreamItem = { ok: true; frame: Frame } | { ok: false; error: ProtocolError; skippedBytes: number };

const MAGIC_LO = FRAME_MAGIC & 0xff;
const MAGIC_HI = FRAME_MAGIC >> 8;
const EMPTY = Buffer.alloc(0);

export interface StreamStats {
  frames: number;
  bytes: number;
  skippedBytes: number;
  errors: Partial<Record<ProtocolError["code"], number>>;
}

export class FrameStream {
  /** Bytes from the start of an unfinished frame (or a possible first magic byte), examined. */
  private pending: Buffer = EMPTY;
  /** Chunks that arrived since, not examined yet (copies), and their total size. */
  private extra: Buffer[] = [];
  private extraBytes = 0;
  /** Size the unfinished frame needs, from its envelope; 0 when unknown. */
  private waitFor = 0;
  readonly stats: StreamStats = { frames: 0, bytes: 0, skippedBytes: 0, errors: {} };

  /** Feed bytes; returns every frame or error completed by them. */
  push(chunk: Uint8Array): StreamItem[] {
    this.stats.bytes += chunk.length;
    if (this.waitFor && this.pendingBytes + chunk.length < this.waitFor) {
      // The unfinished frame is still incomplete: keep the bytes without re-examining anything, so
      // a frame that trickles in byte by byte costs linear, not quadratic, time.
      this.extra.push(Buffer.from(chunk));
      this.extraBytes += chunk.length;
      return [];
    }
    const data =
      this.pending.length || this.extraBytes
        ? Buffer.concat([this.pending, ...this.extra, chunk])
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    return this.drain(data, false);
  }

  /**
   * Treat the pending bytes as all there is: an unfinished frame is reported as truncated and the
   * reader resynchronises on the bytes after it. Call at end of connection, or when the link has
   * been idle long enough that a frame with a corrupt (too large) length would otherwise hold back
   * the frames behind it.
   */
  flush(): StreamItem[] {
    const data = this.extraBytes ? Buffer.concat([this.pending, ...this.extra]) : this.pending;
    return this.drain(data, true);
  }

  /** The connection closed. Same as flush(). */
  end(): StreamItem[] {
    return this.flush();
  }

  private drain(data: Buffer, final: boolean): StreamItem[] {
    const out: StreamItem[] = [];
    let pos = 0;
    let waitFor = 0;
    this.extra = [];
    this.extraBytes = 0;
    while (data.length - pos >= (final ? 1 : 2)) {
      if (data.length - pos === 1 && data[pos] === MAGIC_LO) {
        // Only at the end (final): the first byte of a frame that never arrived.
        this.error(out, new TruncatedFrameError(1, HEADER_BYTES), 1);
        pos += 1;
        continue;
      }
      if (data.length - pos < 2 || data[pos] !== MAGIC_LO || data[pos + 1] !== MAGIC_HI) {
        const next = findMagic(data, pos + 1);
        const stop = next >= 0 ? next : final ? data.length : lastPossibleStart(data, pos + 1);
        this.error(out, new BadMagicError(data[pos]! | ((data[pos + 1] ?? 0) << 8), FRAME_MAGIC), stop - pos);
        pos = stop;
        continue;
      }
      try {
        const frame = decodeFrame(data, pos);
        pos += frame.bytes;
        this.stats.frames++;
        out.push({ ok: true, frame });
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        if (e instanceof TruncatedFrameError && !final) {
          waitFor = e.need; // the rest has not arrived yet
          break;
        }
        const skip = skipFor(e, data, pos, final);
        this.error(out, e, skip);
        pos += skip;
      }
    }
    // Keep only the unfinished tail, copied so that a large chunk is not retained.
    this.pending = pos >= data.length ? EMPTY : Buffer.from(data.subarray(pos));
    this.waitFor = waitFor;
    return out;
  }

  /** Bytes held back waiting for the rest of a frame (always less than MAX_FRAME_BYTES). */
  get pendingBytes(): number {
    return this.pending.length + this.extraBytes;
  }

  private error(out: StreamItem[], error: ProtocolError, skippedBytes: number): void {
    this.stats.skippedBytes += skippedBytes;
    this.stats.errors[error.code] = (this.stats.errors[error.code] ?? 0) + 1;
    out.push({ ok: false, error, skippedBytes });
  }
}

/**
 * How far to move after an error at `pos`. When the check matched, the length is trustworthy and the
 * whole frame is skipped (unknown type, other major version, bad payload). Otherwise the length may
 * itself be the corrupt byte, so move to the next magic after `pos`.
 */
function skipFor(e: ProtocolError, data: Buffer, pos: number, final: boolean): number {
  switch (e.code) {
    case "UNSUPPORTED_VERSION":
    case "UNKNOWN_TYPE":
    case "PAYLOAD_DECODE":
      return HEADER_BYTES + data.readUInt16LE(pos + 6);
    default: {
      const next = findMagic(data, pos + 1);
      return (next >= 0 ? next : final ? data.length : lastPossibleStart(data, pos + 1)) - pos;
    }
  }
}

function findMagic(data: Buffer, from: number): number {
  let i = data.indexOf(MAGIC_LO, from);
  while (i >= 0 && i + 1 < data.length) {
    if (data[i + 1] === MAGIC_HI) return i;
    i = data.indexOf(MAGIC_LO, i + 1);
  }
  return -1;
}

/** Where scanning resumes when no full magic was found: keep a trailing first magic byte. */
function lastPossibleStart(data: Buffer, from: number): number {
  const last = data.length - 1;
  return last >= from && data[last] === MAGIC_LO ? last : data.length;
}
