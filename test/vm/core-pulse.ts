// Golden vectors of devs/core/pulse.ts in the VM (vitest runs the same ones: test/firmware/pulse.test.ts).
// Every test yields first: the VM runs the whole suite in one fiber and its watchdog fires after
// 128 K opcodes without an await.
import * as ds from "@devicescript/core"
import { describe, test, expect } from "@devicescript/test"
import { PULSE_VECTORS, runPulseVector } from "../firmware/golden/pulse"
import { diff } from "../firmware/golden/support"

describe("pulse features", () => {
    PULSE_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            expect(diff(runPulseVector(v), v.expect)).toBe("")
        })
    })
})
