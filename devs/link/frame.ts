// Firmware side of the frame envelope (DeviceScript only: uses the native SHA-256).
// Layout and check are the same as protocol/frame.ts on the host; see protocol/README.md.
import { digest } from "@devicescript/crypto"
import { encodeEnvelope, decodeEnvelope, EnvelopeRec } from "../../protocol/generated/device-codec"
import {
    FRAME_MAGIC,
    HEADER_BYTES,
    PROTO_MAJOR,
    PROTO_MINOR,
} from "../../protocol/schema/limits"

const CHECK_OFF = 12

/** A frame buffer with its envelope written (check still zero); the payload goes at HEADER_BYTES. */
export function allocFrame(
    type: number,
    source: number,
    seq: number,
    payloadBytes: number
): Buffer {
    const b = Buffer.alloc(HEADER_BYTES + payloadBytes)
    encodeEnvelope(b, 0, {
        magic: FRAME_MAGIC,
        version: (PROTO_MAJOR << 4) | PROTO_MINOR,
        type: type,
        source: source,
        length: payloadBytes,
        seq: seq,
        check: 0,
    })
    return b
}

/** Writes the check: first 4 bytes of SHA-256 over the frame with the check field zeroed. */
export function sealFrame(b: Buffer): Buffer {
    b.setAt(CHECK_OFF, "u32", 0)
    b.blitAt(CHECK_OFF, digest("sha256", b), 0, 4)
    return b
}

/** True when the frame's check matches its content. `b` holds exactly one frame. */
export function frameCheckOk(b: Buffer): boolean {
    const stored = b.getAt(CHECK_OFF, "u32")
    sealFrame(b)
    const ok = b.getAt(CHECK_OFF, "u32") === stored
    b.setAt(CHECK_OFF, "u32", stored)
    return ok
}

export function readEnvelope(b: Buffer, off: number): EnvelopeRec {
    return decodeEnvelope(b, off, off + HEADER_BYTES)
}
