// Helpers for the golden vectors, portable (DeviceScript VM and Node): the same vector modules are
// run by vitest (test/firmware/*.test.ts) and inside the VM (test/vm/*.ts).
import { ByteArray } from "../../../devs/core/bytes"

/** `samples` as little-endian u16 after `padBytes` filler bytes (so offsets are exercised). */
export function samplesToBytes(samples: number[], padBytes: number): Buffer {
    const b = Buffer.alloc(padBytes + samples.length * 2)
    for (let i = 0; i < padBytes; i++) b[i] = 0xa5
    for (let i = 0; i < samples.length; i++) {
        b[padBytes + 2 * i] = samples[i] & 0xff
        b[padBytes + 2 * i + 1] = (samples[i] >> 8) & 0xff
    }
    return b
}

/**
 * First difference between `actual` and `expected` as "path: actual != expected", or "" when they
 * are equal. Objects are compared on the keys of `expected`; arrays element by element.
 */
export function diff(actual: any, expected: any, path: string = "$"): string {
    if (Array.isArray(expected)) {
        if (!Array.isArray(actual)) return path + ": not an array"
        if (actual.length !== expected.length) return path + ".length: " + actual.length + " != " + expected.length
        for (let i = 0; i < expected.length; i++) {
            const d = diff(actual[i], expected[i], path + "[" + i + "]")
            if (d !== "") return d
        }
        return ""
    }
    if (expected !== null && typeof expected === "object") {
        if (actual === null || typeof actual !== "object") return path + ": not an object"
        const keys = Object.keys(expected)
        for (let i = 0; i < keys.length; i++) {
            const k = keys[i]
            const d = diff(actual[k], expected[k], path + "." + k)
            if (d !== "") return d
        }
        return ""
    }
    if (actual !== expected) return path + ": " + actual + " != " + expected
    return ""
}

/** The first `n` values of a hit column in wire format (`size` 1: u8, 2: little-endian u16). */
export function columnValues(col: ByteArray, n: number, size: number): number[] {
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push(size === 1 ? col[i] : col[2 * i] | (col[2 * i + 1] << 8))
    return out
}
