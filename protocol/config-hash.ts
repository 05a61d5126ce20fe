// The configuration hash carried by CONFIG_ACK, HELLO, STATUS, EVENT and TRIGGER: the first
// 4 bytes (u32 LE) of SHA-256 over the encoded CONFIG payload. The firmware computes the same
// over the payload it applied.
import { hash } from "node:crypto";
import { CODECS } from "./codecs";
import type { ConfigMsg } from "./schema/messages";

export function encodeConfigPayload(c: ConfigMsg): Buffer {
  const codec = CODECS.CONFIG;
  const buf = Buffer.alloc(codec.size(c));
  codec.encode(new DataView(buf.buffer, buf.byteOffset, buf.length), 0, c);
  return buf;
}

export function configHash(c: ConfigMsg): number {
  return hash("sha256", encodeConfigPayload(c), "buffer").readUInt32LE(0);
}
