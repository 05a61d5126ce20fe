// The golden vectors of configuration validation and configuration registers, run in the VM on the
// firmware's generated copies of devs/core/config-check.ts and config-regs.ts (devs/ds-core/,
// scripts/specialise-core.ts), the code the images run (vitest: test/firmware/ds-core.test.ts).
// A program of its own: next to the event vectors of test/vm/ds-core.ts, building a 72-channel
// configuration runs out of the 64 KB heap.
// Every test yields first: the VM runs the whole suite in one fiber and its watchdog fires after
// 128 K opcodes without an await.
import * as ds from "@devicescript/core"
import { describe, test, expect } from "@devicescript/test"
import { checkConfig } from "../../devs/ds-core/config-check"
import { configRegisters } from "../../devs/ds-core/config-regs"
import { CHECK_VECTORS, REGS_VECTORS, runCheckVector, runRegsVector } from "../firmware/golden/config"
import { diff } from "../firmware/golden/support"

describe("configuration validation (devs/ds-core)", () => {
    CHECK_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            expect(diff(runCheckVector(v, checkConfig), v.expect)).toBe("")
        })
    })
})

describe("configuration -> registers (devs/ds-core)", () => {
    REGS_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            // A 72-channel list has over 500 writes: compared column by column, with yields (the watchdog).
            const got = runRegsVector(v, configRegisters)
            await ds.sleep(0)
            expect(got.n).toBe(v.expect.n)
            expect(diff(got.addr, v.expect.addr)).toBe("")
            await ds.sleep(0)
            expect(diff(got.value, v.expect.value)).toBe("")
        })
    })
})
