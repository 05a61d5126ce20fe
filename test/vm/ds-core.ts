// The golden vectors of the pulse features, the event processing and the resend ring, run in the VM
// on the firmware's generated copies of devs/core/digitiser.ts and seq-ring.ts (devs/ds-core/,
// scripts/specialise-core.ts),
// the code the images run (vitest: test/firmware/ds-core.test.ts).
// Every test yields first: the VM runs the whole suite in one fiber and its watchdog fires after
// 128 K opcodes without an await.
import * as ds from "@devicescript/core"
import { describe, test, expect } from "@devicescript/test"
import { processChannels } from "../../devs/ds-core/digitiser"
import { SeqRing } from "../../devs/ds-core/seq-ring"
import { PULSE_VECTORS, runPulseVector } from "../firmware/golden/pulse"
import { EVENT_VECTORS, runEventVector } from "../firmware/golden/events"
import { diff } from "../firmware/golden/support"
import { RING_EXPECT, runRingScript } from "../firmware/golden/bookkeeping"

describe("pulse features (devs/ds-core)", () => {
    PULSE_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            expect(diff(runPulseVector(v, processChannels), v.expect)).toBe("")
        })
    })
})

describe("resend ring (devs/ds-core)", () => {
    test("scripted use", async () => {
        await ds.sleep(0)
        expect(diff(runRingScript((log2, bytes) => new SeqRing(log2, bytes)), RING_EXPECT)).toBe("")
    })
})

describe("event processing (devs/ds-core)", () => {
    EVENT_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            expect(diff(runEventVector(v, processChannels), v.expect)).toBe("")
        })
    })
})
