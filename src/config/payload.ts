// The encoded CONFIG payload and its hash: the identity of a configuration. Boards report the
// hash of what they applied (CONFIG_ACK, HELLO, EVENT, TRIGGER, STATUS); the host compares it with
// the hash of what it sent.
import { hash } from "node:crypto";
import { CODECS } from "../../protocol/codecs";
import type { ConfigMsg } from "../../protocol/schema/messages";
import { PROTO_MINOR } from "../../protocol/schema/limits";

/** CONFIG payload bytes (no envelope), via the generated host codec. */
export function encodeConfigPayload(config: ConfigMsg): Uint8Array {
  const size = CODECS.CONFIG.size(config);
  const out = new Uint8Array(size);
  CODECS.CONFIG.encode(new DataView(out.buffer), 0, config);
  return out;
}

/** Decode CONFIG payload bytes (a run-file snapshot, a read-back). */
export function decodeConfigPayload(payload: Uint8Array): ConfigMsg {
  return CODECS.CONFIG.decode(new DataView(payload.buffer, payload.byteOffset, payload.byteLength), 0, payload.byteLength, PROTO_MINOR);
}

/** Config hash: the first 4 bytes of SHA-256 over the encoded CONFIG payload, as a u32 LE. */
export function configHash(payload: Uint8Array): number {
  return hash("sha256", payload, "buffer").readUInt32LE(0);
}

export function hashHex(h: number): string {
  return "0x" + (h >>> 0).toString(16).padStart(8, "0");
}
