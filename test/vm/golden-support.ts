// Helpers for the generated golden-vector program (test/vm/golden.gen.ts). DeviceScript only.
import { expect } from "@devicescript/test"
import { digest } from "@devicescript/crypto"
import { frameCheckOk, readEnvelope } from "../../devs/link/frame"
import { decodeFifoHeader, encodeFifoHeader } from "../../protocol/generated/device-codec"
import { FRAME_MAGIC, HEADER_BYTES, PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits"

/** Bytes of the FIFO record header (kind u8, flags u8, length u16). */
const FIFO_HEADER = 4
/** Bytes of frame per printed line: the VM cuts log lines at about 300 characters. */
const LINE_BYTES = 100

/**
 * A host-encoded frame copied into RAM (the check is computed in place), after checking its
 * envelope: frame check, magic, this protocol version, the expected type and the exact length.
 */
export function hostFrame(src: Buffer, type: number): Buffer {
    const f = Buffer.alloc(src.length)
    f.blitAt(0, src, 0, src.length)
    expect(frameCheckOk(f)).toBe(true)
    const e = readEnvelope(f, 0)
    expect(e.magic).toBe(FRAME_MAGIC)
    expect(e.version).toBe((PROTO_MAJOR << 4) | PROTO_MINOR)
    expect(e.type).toBe(type)
    expect(HEADER_BYTES + e.length).toBe(f.length)
    return f
}

/** A host-encoded FIFO record after checking its header: kind, reserved flags, exact length. */
export function hostRecord(src: Buffer, kind: number): Buffer {
    const h = decodeFifoHeader(src, 0, src.length)
    expect(h.kind).toBe(kind)
    expect(h.flags).toBe(0)
    expect(h.length).toBe(src.length)
    return src
}

/** A new FIFO record buffer with its header written; the body goes at FIFO_HEADER. */
export function newRecord(kind: number, bodyBytes: number): Buffer {
    const b = Buffer.alloc(FIFO_HEADER + bodyBytes)
    encodeFifoHeader(b, 0, { kind: kind, flags: 0, length: b.length })
    return b
}

/** Same length and same SHA-256 (native, so an 8 KB frame costs no bytecode loop). */
export function sameBytes(a: Buffer, b: Buffer) {
    expect(a.length).toBe(b.length)
    expect(digest("sha256", a).toString("hex")).toBe(digest("sha256", b).toString("hex"))
}

/** Print what the VM encoded for the host to decode, then require the golden bytes. */
export function report(name: string, made: Buffer, golden: Buffer) {
    const parts = Math.idiv(made.length + LINE_BYTES - 1, LINE_BYTES)
    for (let i = 0; i < parts; i++) {
        // slice() does not clamp its end in DeviceScript: past the end it pads with zeros.
        const chunk = made.slice(i * LINE_BYTES, Math.min(made.length, i * LINE_BYTES + LINE_BYTES))
        console.log("GOLDEN " + name + " " + i + " " + parts + " " + chunk.toString("hex"))
    }
    sameBytes(made, golden)
}
