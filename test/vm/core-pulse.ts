// Golden vectors of devs/core/pulse.ts in the VM (vitest runs the same ones: test/firmware/pulse.test.ts).
import { describe, test, expect } from "@devicescript/test"
import { PULSE_VECTORS, runPulseVector } from "../firmware/golden/pulse"
import { diff } from "../firmware/golden/support"

describe("pulse features", () => {
    PULSE_VECTORS.forEach(v => {
        test(v.name, () => {
            expect(diff(runPulseVector(v), v.expect)).toBe("")
        })
    })
})
