// Board settings in flash (@devicescript/settings): identity, link address, boot counter and the
// applied configuration. Keys are at most 13 characters. One setting holds at most about 220 bytes
// (it travels in one Jacdac packet), so the configuration is stored in chunks, in two alternating
// slots: the head record naming the slot is written last, so a reboot during a save finds the
// previous configuration intact. The head carries the payload's hash, checked on restore.
import * as ds from "@devicescript/core"
import { settings, readSetting, writeSetting } from "@devicescript/settings"
import { configHashOf } from "./config-hash"

/** Setting keys. */
export const KEY_BOARD_ID = "boardId"
export const KEY_HOST = "host"
export const KEY_PORT = "port"
export const KEY_FRONT_END = "frontEnd"
export const KEY_BOOTS = "bootCount"
/** The board's secret key, 64 hex digits (devs/README.md, "Flashing a board"); absent: no key. */
export const KEY_AUTH = "authKey"
const KEY_CFG_HEAD = "cfgHead"

/** Bytes of configuration per setting. */
const CHUNK_BYTES = 200

async function getRaw(key: string): Promise<Buffer> {
    const pkt = await ds.actionReport(settings, "get", async () => await settings.get(key), p => p.decode()[0] === key)
    const v = pkt.decode()
    const b = v[1] as Buffer
    return b && b.length ? b : undefined
}

function chunkKey(slot: number, i: number): string {
    return "cfg" + slot + "_" + i
}

export async function readNumber(key: string, missing: number): Promise<number> {
    const v = await readSetting<number>(key, missing)
    return typeof v === "number" ? v : missing
}

export async function readString(key: string, missing: string): Promise<string> {
    const v = await readSetting<string>(key, missing)
    return typeof v === "string" && v.length > 0 ? v : missing
}

/** Increment and return the boot counter (1 on the first boot). */
export async function countBoot(): Promise<number> {
    const n = (await readNumber(KEY_BOOTS, 0)) + 1
    await writeSetting(KEY_BOOTS, n)
    await readNumber(KEY_BOOTS, 0) // returns once the write above was processed
    return n
}

/** The slot (1 or 2) holding the persisted configuration; the next save writes the other one. */
let configSlot = 0

/** Persist the applied configuration's CONFIG payload; true when it is in flash. */
export async function storeConfig(payload: Buffer): Promise<boolean> {
    try {
        const slot = configSlot === 1 ? 2 : 1
        const n = payload.length
        for (let i = 0; i * CHUNK_BYTES < n; i++) {
            const end = (i + 1) * CHUNK_BYTES < n ? (i + 1) * CHUNK_BYTES : n
            await settings.set(chunkKey(slot, i), payload.slice(i * CHUNK_BYTES, end))
        }
        const head = Buffer.alloc(7)
        head.setAt(0, "u8", slot)
        head.setAt(1, "u16", n)
        head.setAt(3, "u32", configHashOf(payload))
        await settings.set(KEY_CFG_HEAD, head)
        // set() returns once the command is sent; reading the head back returns after the
        // settings service has processed every write before it, so "persisted" is true.
        const back = await getRaw(KEY_CFG_HEAD)
        if (!back || back.toString("hex") !== head.toString("hex")) return false
        configSlot = slot
        return true
    } catch (e) {
        return false
    }
}

/** The persisted CONFIG payload, or undefined when none is stored or it fails its hash. */
export async function loadStoredConfig(): Promise<Buffer> {
    const head = await getRaw(KEY_CFG_HEAD)
    if (!head || head.length !== 7) return undefined
    const slot = head.getAt(0, "u8")
    const n = head.getAt(1, "u16")
    const payload = Buffer.alloc(n)
    for (let i = 0; i * CHUNK_BYTES < n; i++) {
        const c = await getRaw(chunkKey(slot, i))
        if (!c) return undefined
        payload.blitAt(i * CHUNK_BYTES, c, 0, c.length)
    }
    if (configHashOf(payload) !== head.getAt(3, "u32")) return undefined
    configSlot = slot
    return payload
}
