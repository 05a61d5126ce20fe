// Frame envelope: the 16 bytes in front of every payload, little-endian.
// The check is the first 4 bytes of SHA-256 over the whole frame (envelope + payload) with the
// check field itself zeroed; SHA-256 is native in the DeviceScript runtime (about 30x cheaper per
// frame in the VM than a CRC-32 loop in bytecode) and in Node. See protocol/README.md.
import { object, u8, u16, u32, type Parsed } from "typed-binary";

export const Envelope = object({
  /** Marks a frame start: FRAME_MAGIC (limits.ts, value below). */
  magic: u16,
  /** Protocol version: (major << 4) | minor. */
  version: u8,
  /** MsgType. */
  type: u8,
  /** Board id of the sender; 0 for the DAQ host. */
  source: u16,
  /** Payload bytes after the envelope (limit below). */
  length: u16,
  /** Sequence number of this direction; 0 = unsequenced (ACK, RESEND, the LOG that answers a RESEND, and AUTH_CHALLENGE / AUTH_PROOF / AUTH_TAG). Survives reconnects on the board side. */
  seq: u32,
  /** Frame check: bytes 0..3 of SHA-256 over the whole frame with these 4 bytes zero, in digest order (see below). */
  check: u32,
});

export type EnvelopeRec = Parsed<typeof Envelope>;

/** Byte offsets inside the envelope (a test checks them against the schema). */
export const ENV_OFF = { magic: 0, version: 2, type: 3, source: 4, length: 6, seq: 8, check: 12 } as const;
