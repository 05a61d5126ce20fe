// The configuration hash carried by CONFIG_ACK, HELLO, STATUS, EVENT and TRIGGER: the first
// 4 bytes (u32 LE) of SHA-256 over the encoded CONFIG payload. The firmware computes the same
// over the payload it applied; the host compares it with the hash of what it sent.
import { hash } from "node:crypto";
import { CODECS } from "./codecs";
import type { ConfigMsg } from "./schema/messages";
import { PROTO_MINOR } from "./schema/limits";

/** CONFIG payload bytes (no envelope), via the generated host codec. */
export function encodeConfigPayload(config: ConfigMsg): Uint8Array {
  const out = new Uint8Array(CODECS.CONFIG.size(config));
  CODECS.CONFIG.encode(new DataView(out.buffer), 0, config);
  return out;
}

/** Decode CONFIG payload bytes (a run-file snapshot, a read-back). */
export function decodeConfigPayload(payload: Uint8Array): ConfigMsg {
  return CODECS.CONFIG.decode(new DataView(payload.buffer, payload.byteOffset, payload.byteLength), 0, payload.byteLength, PROTO_MINOR);
}

/** Hash of encoded CONFIG payload bytes. */
export function configPayloadHash(payload: Uint8Array): number {
  return hash("sha256", payload, "buffer").readUInt32LE(0);
}

/** Hash of a configuration. */
export function configHash(config: ConfigMsg): number {
  return configPayloadHash(encodeConfigPayload(config));
}

export function hashHex(h: number): string {
  return "0x" + (h >>> 0).toString(16).padStart(8, "0");
}
