// Configuration checks, register writes and bookkeeping golden vectors in the VM
// Every test yields first: the VM runs the whole suite in one fiber and its watchdog fires after
// 128 K opcodes without an await.
// (vitest: test/firmware/core-bookkeeping.test.ts).
import * as ds from "@devicescript/core"
import { describe, test, expect } from "@devicescript/test"
import {
    CHANNEL_COLUMNS_EXPECT,
    CHANNEL_VALUE_VECTORS,
    CHECK_VECTORS,
    CTRL_VECTORS,
    REGS_VECTORS,
    runChannelColumns,
    runChannelValueVector,
    runCheckVector,
    runCtrlVector,
    runRegsVector,
} from "../firmware/golden/config"
import {
    BACKOFF_EXPECT,
    BENCH_PORT_VECTORS,
    LINK_LIMITS_EXPECT,
    DEAD_TIME_VECTORS,
    RING_EXPECT,
    RUN_EXPECT,
    RX_WINDOW_VECTORS,
    TRIGGER_SCALERS_EXPECT,
    TRIGGER_SEQUENCE_EXPECT,
    UP_WINDOW_VECTORS,
    VETO_SCALERS_EXPECT,
    expectedBoardIds,
    lastColumn,
    runBackoff,
    runBenchPorts,
    runLinkLimits,
    runBoardIds,
    runDeadTime,
    runRingScript,
    runRunSteps,
    runRxWindow,
    runTriggerScalers,
    runTriggerSequence,
    runUpWindow,
    runVetoScalers,
} from "../firmware/golden/bookkeeping"
import { diff } from "../firmware/golden/support"

describe("configuration in the firmware's form (boardConfigOf)", () => {
    test("byte columns, little-endian, of extreme values", async () => {
        await ds.sleep(0)
        expect(diff(runChannelColumns(), CHANNEL_COLUMNS_EXPECT)).toBe("")
    })
    CHANNEL_VALUE_VECTORS.forEach(v => {
        test("refuses: " + v.name, async () => {
            await ds.sleep(0)
            expect(diff(runChannelValueVector(v), v.expect)).toBe("")
        })
    })
})

describe("configuration validation", () => {
    CHECK_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            expect(diff(runCheckVector(v), v.expect)).toBe("")
        })
    })
})

describe("configuration -> registers", () => {
    REGS_VECTORS.forEach(v => {
        test(v.name, async () => {
            await ds.sleep(0)
            // A 72-channel list has over 500 writes: compared column by column, with yields (the watchdog).
            const got = runRegsVector(v)
            await ds.sleep(0)
            expect(got.n).toBe(v.expect.n)
            expect(diff(got.addr, v.expect.addr)).toBe("")
            await ds.sleep(0)
            expect(diff(got.value, v.expect.value)).toBe("")
        })
    })
    test("CTRL values", async () => {
        await ds.sleep(0)
        expect(diff(CTRL_VECTORS.map(runCtrlVector), lastColumn(CTRL_VECTORS))).toBe("")
    })
})

describe("bookkeeping", () => {
    test("resend ring", async () => {
        await ds.sleep(0)
        expect(diff(runRingScript(), RING_EXPECT)).toBe("")
    })
    test("run state machine", async () => {
        await ds.sleep(0)
        expect(diff(runRunSteps(), RUN_EXPECT)).toBe("")
    })
    test("trigger numbering", async () => {
        await ds.sleep(0)
        expect(diff(runTriggerSequence(), TRIGGER_SEQUENCE_EXPECT)).toBe("")
    })
    test("veto board scalers", async () => {
        await ds.sleep(0)
        expect(diff(runVetoScalers(), VETO_SCALERS_EXPECT)).toBe("")
    })
    test("trigger board scalers", async () => {
        await ds.sleep(0)
        expect(diff(runTriggerScalers(), TRIGGER_SCALERS_EXPECT)).toBe("")
    })
    test("dead-time fraction", async () => {
        await ds.sleep(0)
        expect(diff(runDeadTime(), lastColumn(DEAD_TIME_VECTORS))).toBe("")
    })
    test("reconnect backoff", async () => {
        await ds.sleep(0)
        expect(diff(runBackoff(), BACKOFF_EXPECT)).toBe("")
    })
    test("up window", async () => {
        await ds.sleep(0)
        expect(diff(runUpWindow(), lastColumn(UP_WINDOW_VECTORS))).toBe("")
    })
    test("largest host frame and window per configuration", async () => {
        await ds.sleep(0)
        expect(diff(runLinkLimits(), LINK_LIMITS_EXPECT)).toBe("")
    })
    test("rx window", async () => {
        await ds.sleep(0)
        expect(diff(runRxWindow(), lastColumn(RX_WINDOW_VECTORS))).toBe("")
    })
    test("DAQ host port from a bench device identifier", async () => {
        await ds.sleep(0)
        expect(diff(runBenchPorts(), lastColumn(BENCH_PORT_VECTORS))).toBe("")
    })
    test("board id from the device identifier", async () => {
        await ds.sleep(0)
        expect(diff(runBoardIds(), expectedBoardIds())).toBe("")
    })
})
