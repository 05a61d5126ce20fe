// The board's side of the link authentication (protocol/README.md, "Trust"): HMAC-SHA256 with the
// board's 32-byte key, native in the DeviceScript runtime, truncated to 16 bytes. The board proves
// itself over the host's challenge and its HELLO, and takes a sequenced host frame only with the tag
// the host sent right before it, bound to this connection's nonces and to the frame's seq.
import { hmac, randomBuffer } from "@devicescript/crypto"
import { HEADER_BYTES } from "../../protocol/schema/limits"
import { MsgType } from "../../protocol/schema/enums"
import { allocFrame, sealFrame } from "./frame"

/** Bytes of a nonce and of a MAC. */
const NONCE_BYTES = 16
const MAC_BYTES = 16

/**
 * Where a bench VM carries its key: the launcher (src/vm/launcher.ts) writes the board's key over
 * these 32 bytes in the board's own copy of the image. As built it holds the marker
 * "NA64-KEY-SLOT-v1" + bytes 0..15, which means "no key here".
 */
const KEY_SLOT = hex`4e4136342d4b45592d534c4f542d7631000102030405060708090a0b0c0d0e0f`
const SLOT_MARKER = "NA64-KEY-SLOT-v1"

/**
 * The board's key: the setting `authKey` (64 hex digits, provisioned when the board is flashed), or
 * the key a bench launcher wrote into the image; undefined when the board has none.
 */
export function boardKey(setting: string): Buffer {
    if (setting.length === 2 * 32) {
        const k = Buffer.from(setting, "hex")
        if (k.length === 32) return k
    }
    if (KEY_SLOT.slice(0, 16).toString("utf-8") !== SLOT_MARKER) return KEY_SLOT
    return undefined
}

/** Why a sequenced host frame was refused (LOG UNAUTHENTICATED text). */
export const REFUSED_NO_CHALLENGE = "no challenge"
export const REFUSED_NO_TAG = "no tag"
export const REFUSED_TAG = "tag"

/** The per-connection state of an authenticated link. */
export interface AuthState {
    key: Buffer
    hostNonce: Buffer
    boardNonce: Buffer
    /** The AUTH_TAG announced for the next sequenced frame (its seq and MAC). */
    tagSeq: number
    tagMac: Buffer
}

export function newAuthState(key: Buffer): AuthState {
    return { key: key, hostNonce: undefined, boardNonce: undefined, tagSeq: -1, tagMac: undefined }
}

/**
 * The host's AUTH_CHALLENGE (frame `f`) on a connection whose HELLO was `hello`: a fresh nonce and
 * the proof, as a sealed unsequenced AUTH_PROOF frame of board `boardId`. Undefined when this
 * connection was challenged already (one challenge per connection).
 */
export function answerChallenge(a: AuthState, f: Buffer, hello: Buffer, boardId: number): Buffer {
    if (a.boardNonce) return undefined
    a.hostNonce = f.slice(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES)
    a.boardNonce = randomBuffer(NONCE_BYTES)
    const mac = hmac(a.key, "sha256", "NA64 board", a.hostNonce, a.boardNonce, hello)
    const p = allocFrame(MsgType.AUTH_PROOF, boardId, 0, NONCE_BYTES + MAC_BYTES)
    p.blitAt(HEADER_BYTES, a.boardNonce, 0, NONCE_BYTES)
    p.blitAt(HEADER_BYTES + NONCE_BYTES, mac, 0, MAC_BYTES)
    return sealFrame(p)
}

/** An AUTH_TAG frame: remember the tag for the sequenced frame it names. */
export function takeTag(a: AuthState, f: Buffer): void {
    if (f.length < HEADER_BYTES + 4 + MAC_BYTES) return
    a.tagSeq = f.getAt(HEADER_BYTES, "u32")
    a.tagMac = f.slice(HEADER_BYTES + 4, HEADER_BYTES + 4 + MAC_BYTES)
}

/**
 * Check sequenced host frame `f` (seq `seq`) against the tag announced for it; the tag is used up.
 * Returns "" when it is authentic, else why not (REFUSED_*).
 */
export function checkTag(a: AuthState, f: Buffer, seq: number): string {
    const mac = a.tagMac
    const tagSeq = a.tagSeq
    a.tagMac = undefined
    a.tagSeq = -1
    if (!a.boardNonce) return REFUSED_NO_CHALLENGE
    if (!mac || tagSeq !== seq) return REFUSED_NO_TAG
    const h = hmac(a.key, "sha256", "NA64 host", a.boardNonce, a.hostNonce, f)
    // Four native u32 reads a side, no early exit (a few VM operations instead of a byte loop).
    const diff =
        (h.getAt(0, "u32") ^ mac.getAt(0, "u32")) |
        (h.getAt(4, "u32") ^ mac.getAt(4, "u32")) |
        (h.getAt(8, "u32") ^ mac.getAt(8, "u32")) |
        (h.getAt(12, "u32") ^ mac.getAt(12, "u32"))
    return diff === 0 ? "" : REFUSED_TAG
}
