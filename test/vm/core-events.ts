// Golden vectors of the calorimeter and veto event processing in the VM (vitest: test/firmware/events.test.ts).
// Every test yields first: the VM runs the whole suite in one fiber and its watchdog fires after
// 128 K opcodes without an await.
import * as ds from "@devicescript/core"
import { describe, test, expect } from "@devicescript/test"
import { EVENT_VECTORS, runEventVector } from "../firmware/golden/events"
import { diff } from "../firmware/golden/support"

describe("event processing", () => {
    EVENT_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            expect(diff(runEventVector(v), v.expect)).toBe("")
        })
    })
})
