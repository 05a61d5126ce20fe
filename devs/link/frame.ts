// Firmware side of the frame envelope (DeviceScript only: uses the native SHA-256).
// Layout and check are the same as protocol/frame.ts on the host; see protocol/README.md.
import { digest } from "@devicescript/crypto"
import { decodeEnvelope, EnvelopeRec } from "../../protocol/generated/device-codec"
import {
    FRAME_MAGIC,
    HEADER_BYTES,
    PROTO_MAJOR,
    PROTO_MINOR,
} from "../../protocol/schema/limits"

// Envelope offsets (protocol/schema/envelope.ts ENV_OFF; the golden vectors in the VM check the
// bytes): magic u16 @0, version u8 @2, type u8 @3, source u16 @4, length u16 @6, seq u32 @8,
// check u32 @12.
const CHECK_OFF = 12

/**
 * A frame buffer with its envelope written (check still zero); the payload goes at HEADER_BYTES.
 * Written field by field (every frame goes through here): type is a MsgType, source a board id
 * (1..65534), payloadBytes at most MAX_PAYLOAD_BYTES, seq a u32.
 */
export function allocFrame(type: number, source: number, seq: number, payloadBytes: number): Buffer {
    const b = Buffer.alloc(HEADER_BYTES + payloadBytes)
    b.setAt(0, "u16", FRAME_MAGIC)
    b.setAt(2, "u8", (PROTO_MAJOR << 4) | PROTO_MINOR)
    b.setAt(3, "u8", type)
    b.setAt(4, "u16", source)
    b.setAt(6, "u16", payloadBytes)
    b.setAt(8, "u32", seq)
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
