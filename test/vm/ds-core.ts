// The golden vectors of the pulse features and of the event processing, run in the VM on the
// firmware's generated copy of devs/core/digitiser.ts (devs/ds-core/, scripts/specialise-core.ts),
// the code the images run (vitest: test/firmware/ds-core.test.ts).
// Every test yields first: the VM runs the whole suite in one fiber and its watchdog fires after
// 128 K opcodes without an await.
import * as ds from "@devicescript/core"
import { describe, test, expect } from "@devicescript/test"
import { processChannels } from "../../devs/ds-core/digitiser"
import { PULSE_VECTORS, runPulseVector } from "../firmware/golden/pulse"
import { EVENT_VECTORS, runEventVector } from "../firmware/golden/events"
import { diff } from "../firmware/golden/support"

describe("pulse features (devs/ds-core)", () => {
    PULSE_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            expect(diff(runPulseVector(v, processChannels), v.expect)).toBe("")
        })
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
