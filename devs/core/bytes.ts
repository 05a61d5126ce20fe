// Byte access shared by the firmware and Node. A DeviceScript Buffer, a Node Buffer and a
// Uint8Array all satisfy ByteArray; only index access is used, so the same code runs in both.
// The firmware's generated copies of hot-path modules (devs/ds-core/) replace these helpers with
// the VM's native Buffer.getAt / setAt.

export interface ByteArray {
    readonly length: number
    [i: number]: number
}

/** Little-endian u16 at byte offset `o`. */
export function u16At(b: ByteArray, o: number): number {
    return b[o] | (b[o + 1] << 8)
}

/** Little-endian u32 at byte offset `o` (0 .. 2^32-1). */
export function u32At(b: ByteArray, o: number): number {
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000
}

/** Write `v` (0 .. 65535) as a little-endian u16 at byte offset `o`. */
export function setU16At(b: ByteArray, o: number, v: number): void {
    b[o] = v & 0xff
    b[o + 1] = v >> 8
}
