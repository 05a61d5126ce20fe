// Configuration checks, register writes and the firmware bookkeeping against their golden vectors;
// test/vm/core-bookkeeping.ts runs the same vectors in the VM.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
} from "./golden/config";
import * as B from "./golden/bookkeeping";
import { diff } from "./golden/support";
import { CONFIG_FIELDS } from "../../protocol/codecs";
import { ConfigField } from "../../protocol/generated/config-fields";
import { ROOT, runVmTests, vmFailure } from "../support/devs";
import { caloConfigAll } from "./golden/configs";
import { ChannelValueError, boardConfigOf } from "../../devs/core/config";

describe("configuration in the firmware's form (boardConfigOf): golden vectors", () => {
  it("byte columns, little-endian, of extreme values", () => expect(runChannelColumns()).toEqual(CHANNEL_COLUMNS_EXPECT));
  for (const v of CHANNEL_VALUE_VECTORS) it(`refuses: ${v.name}`, () => expect(runChannelValueVector(v)).toEqual(v.expect));
  it("refuses a column shorter than the channel count", () => {
    const c = caloConfigAll(3, 32);
    c.channels.timeHalfWindowQ8.pop();
    expect(() => boardConfigOf(c)).toThrow(ChannelValueError);
    expect(() => boardConfigOf(c)).toThrow("channels.timeHalfWindowQ8[2] = undefined");
  });
});

describe("configuration validation: golden vectors", () => {
  for (const v of CHECK_VECTORS) it(v.name, () => expect(diff(runCheckVector(v), v.expect)).toBe(""));
  it("field ids name the CONFIG fields the host knows", () => {
    expect(CONFIG_FIELDS[ConfigField.channels_thresholdAdc]).toBe("channels.thresholdAdc");
    expect(CONFIG_FIELDS[ConfigField.signalEndSample]).toBe("signalEndSample");
  });
});

describe("configuration -> registers: golden vectors", () => {
  for (const v of REGS_VECTORS) it(v.name, () => expect(diff(runRegsVector(v), v.expect)).toBe(""));
  it("CTRL values", () => expect(CTRL_VECTORS.map(runCtrlVector)).toEqual(CTRL_VECTORS.map((v) => v[3])));
});

describe("bookkeeping: golden vectors", () => {
  it("resend ring", () => expect(B.runRingScript()).toEqual(B.RING_EXPECT));
  it("run state machine", () => expect(B.runRunSteps()).toEqual(B.RUN_EXPECT));
  it("trigger numbering", () => expect(B.runTriggerSequence()).toEqual(B.TRIGGER_SEQUENCE_EXPECT));
  it("veto board scalers", () => expect(diff(B.runVetoScalers(), B.VETO_SCALERS_EXPECT)).toBe(""));
  it("trigger board scalers", () => expect(B.runTriggerScalers()).toEqual(B.TRIGGER_SCALERS_EXPECT));
  it("dead-time fraction", () => expect(B.runDeadTime()).toEqual(B.lastColumn(B.DEAD_TIME_VECTORS)));
  it("reconnect backoff", () => expect(B.runBackoff()).toEqual(B.BACKOFF_EXPECT));
  it("up window", () => expect(B.runUpWindow()).toEqual(B.lastColumn(B.UP_WINDOW_VECTORS)));
  it("rx window", () => expect(B.runRxWindow()).toEqual(B.lastColumn(B.RX_WINDOW_VECTORS)));
  it("largest host frame and window per configuration", () => expect(B.runLinkLimits()).toEqual(B.LINK_LIMITS_EXPECT));
  it("board id from the device identifier", () => expect(B.runBoardIds()).toEqual(B.expectedBoardIds()));
  it("DAQ host port from a bench device identifier", () => expect(B.runBenchPorts()).toEqual(B.lastColumn(B.BENCH_PORT_VECTORS)));
});

describe("devs/core stays portable", () => {
  // DeviceScript's % is int32-only and Math.max/min use only two arguments; both differ silently
  // from Node, so devs/core uses neither.
  const dir = join(ROOT, "devs", "core");
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".ts"))) {
    it(f, () => {
      const code = readFileSync(join(dir, f), "utf-8").replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
      expect(code).not.toMatch(/%/);
      expect(code).not.toMatch(/Math\.(max|min)\([^(),]*(\([^()]*\))?[^(),]*,[^(),]*(\([^()]*\))?[^(),]*,/);
      expect(code).not.toMatch(/Math\.idiv|\bnew (Map|Set)\b|\b(get|set) \w+\(|\.sort\(\)/);
      expect(code).not.toMatch(/from "(?!\.\/|\.\.\/\.\.\/protocol\/(schema\/(limits|enums)|generated\/(registers|config-fields))")/);
    });
  }
});

describe("bookkeeping and configuration in the DeviceScript VM", () => {
  it("the same golden vectors pass in the VM", async () => {
    const r = await runVmTests("test/vm/core-bookkeeping.ts");
    expect(vmFailure(r)).toBeUndefined();
    expect(r.tests).toBe(1 + CHANNEL_VALUE_VECTORS.length + CHECK_VECTORS.length + REGS_VECTORS.length + 13);
  });
});
