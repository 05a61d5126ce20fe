// The link's authentication (protocol/README.md, "Trust"): HMAC-SHA256 with the board's 32-byte
// key, truncated to 16 bytes. The board proves itself over the host's challenge and its HELLO; the
// host proves itself on every sequenced frame it sends, bound to this connection's two nonces and
// to the frame's seq, so that a recorded frame cannot be replayed on another connection or twice.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const KEY_BYTES = 32;
export const NONCE_BYTES = 16;
export const MAC_BYTES = 16;

const BOARD_LABEL = Buffer.from("NA64 board", "latin1");
const HOST_LABEL = Buffer.from("NA64 host", "latin1");

function mac(key: Uint8Array, parts: readonly Uint8Array[]): Buffer {
  const h = createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return h.digest().subarray(0, MAC_BYTES);
}

/** The board's proof: HMAC(key, "NA64 board" | hostNonce | boardNonce | its HELLO frame). */
export function boardProof(key: Uint8Array, hostNonce: Uint8Array, boardNonce: Uint8Array, helloFrame: Uint8Array): Buffer {
  return mac(key, [BOARD_LABEL, hostNonce, boardNonce, helloFrame]);
}

/** The host's tag of one sequenced frame: HMAC(key, "NA64 host" | boardNonce | hostNonce | frame). */
export function hostTag(key: Uint8Array, boardNonce: Uint8Array, hostNonce: Uint8Array, frame: Uint8Array): Buffer {
  return mac(key, [HOST_LABEL, boardNonce, hostNonce, frame]);
}

/** Constant-time comparison of two MACs. */
export function macEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function freshNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** The two nonces of one authenticated connection and the board's key. */
export interface AuthSession {
  readonly key: Uint8Array;
  readonly hostNonce: Uint8Array;
  readonly boardNonce: Uint8Array;
}
