// Board identity from the DeviceScript device identifier (16 hex digits) when no board id is
// stored in the board's settings. Bench VMs are started with `--device-id a64e0000PPPPBBBB`
// (a64e: the frame magic; src/vm/launcher.ts deviceIdFor): BBBB is the board id and PPPP the DAQ
// host's TCP port (0000 = the default port), both in hex, so several VMs and test hosts can run
// side by side without provisioning.
// Other identifiers (a real ESP32) map into 0x8000..0xfffe, a range the channel map does not use,
// so an unassigned board is easy to spot; give it its id in the settings (key "boardId").

export const BENCH_ID_PREFIX = "a64e0000"

function hexDigit(c: number): number {
    if (c >= 48 && c <= 57) return c - 48
    if (c >= 97 && c <= 102) return c - 87
    if (c >= 65 && c <= 70) return c - 55
    return -1
}

/** Value of 4 hex digits at position `at`, or -1 when one is not a hex digit. */
function hex16(s: string, at: number): number {
    let v = 0
    for (let i = 0; i < 4; i++) {
        const d = hexDigit(s.charCodeAt(at + i))
        if (d < 0) return -1
        v = (v << 4) | d
    }
    return v
}

/** A valid board id: 1..0xfffe (0 is the DAQ host, 0xffff is reserved). */
export function validBoardId(id: number): boolean {
    return id >= 1 && id <= 0xfffe && Math.floor(id) === id
}

function benchId(deviceId: string): boolean {
    return deviceId.length === 16 && deviceId.toLowerCase().indexOf(BENCH_ID_PREFIX) === 0
}

/** The DAQ host port a bench device identifier carries, or 0 (use the setting or the default). */
export function benchPortFromDeviceId(deviceId: string): number {
    if (!benchId(deviceId)) return 0
    const port = hex16(deviceId, 8)
    return port > 0 ? port : 0
}

export function boardIdFromDeviceId(deviceId: string): number {
    if (benchId(deviceId)) {
        const id = hex16(deviceId, 12)
        if (validBoardId(id)) return id
    }
    // Fold the four 16-bit words, then move into the unassigned range.
    let x = 0
    for (let w = 0; w + 4 <= deviceId.length; w += 4) {
        const v = hex16(deviceId, w)
        x ^= v < 0 ? 0x5a5a : v
    }
    const id = 0x8000 | (x & 0x7fff)
    return id === 0xffff ? 0xfffe : id
}
