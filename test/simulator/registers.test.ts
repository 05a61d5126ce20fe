// The front-end register file: the firmware's writes are checked as a batch and applied all or
// nothing; every refusal is a RegisterError naming the board, register and value.
import { describe, expect, it } from "vitest";
import { Reg } from "../../protocol/generated/registers";
import { CtrlBit } from "../../protocol/schema/enums";
import { loadBeam } from "../../src/config/beam";
import { RegisterError, UnknownBoardError } from "../../simulator/errors";
import { FrontEndSimulator } from "../../simulator/frontend";
import { SETUP } from "./support";

const TRIG = 1;
const ECAL = 3;

function sim(): FrontEndSimulator {
  return new FrontEndSimulator(SETUP, loadBeam("e+70"), { seed: 1, fifoDepth: 64 });
}

function refusal(f: () => unknown): RegisterError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RegisterError);
    return e as RegisterError;
  }
  throw new Error("expected a RegisterError");
}

describe("register file", () => {
  it("has the documented power-on values and live FIFO status registers", () => {
    const s = sim();
    expect(s.readRegister(ECAL, Reg.WINDOW_SAMPLES)).toBe(32);
    expect(s.readRegister(ECAL, Reg.CTRL)).toBe(0);
    expect(s.readRegister(ECAL, Reg.CH_ENABLE_MASK)).toBe(0xffffffff);
    expect(s.readRegister(ECAL, Reg.CH_ENABLE_MASK + 1)).toBe(0xf);
    expect(s.readRegister(TRIG, Reg.CH_ENABLE_MASK)).toBe(0x1f);
    expect(s.readRegister(ECAL, Reg.FIFO_DEPTH)).toBe(64);
    expect(s.readRegister(ECAL, Reg.FIFO_COUNT)).toBe(0);
    expect(s.readRegister(ECAL, Reg.FIFO_BYTES)).toBe(0);
  });

  it("applies writes and reads them back", () => {
    const s = sim();
    s.writeRegisters(ECAL, [Reg.CH_THRESHOLD_ADC + 7, Reg.WINDOW_SAMPLES, Reg.PRETRIGGER_SAMPLES], [12, 48, 6]);
    expect(s.readRegister(ECAL, Reg.CH_THRESHOLD_ADC + 7)).toBe(12);
    expect(s.readRegister(ECAL, Reg.WINDOW_SAMPLES)).toBe(48);
    expect(s.readRegister(ECAL, Reg.PRETRIGGER_SAMPLES)).toBe(6);
  });

  it("refuses bad writes with the register and value named", () => {
    const s = sim();
    let e = refusal(() => s.writeRegisters(ECAL, [0x0003], [1]));
    expect(e.message).toContain("no register");
    e = refusal(() => s.writeRegisters(ECAL, [Reg.FIFO_COUNT], [0]));
    expect(e.field).toBe("register FIFO_COUNT");
    expect(e.message).toContain("read-only");
    e = refusal(() => s.writeRegisters(ECAL, [Reg.TRIG_PRESCALE_BEAM], [10]));
    expect(e.field).toBe("register TRIG_PRESCALE_BEAM");
    e = refusal(() => s.writeRegisters(TRIG, [Reg.WINDOW_SAMPLES], [32]));
    expect(e.field).toBe("register WINDOW_SAMPLES");
    e = refusal(() => s.writeRegisters(ECAL, [Reg.CH_THRESHOLD_ADC + 3], [5000]));
    expect(e.field).toBe("register CH_THRESHOLD_ADC[3]");
    expect(e.value).toBe(5000);
    expect(e.boardId).toBe(ECAL);
    e = refusal(() => s.writeRegisters(ECAL, [Reg.CTRL], [0x80]));
    expect(e.message).toContain("CTRL bits");
    e = refusal(() => s.writeRegisters(ECAL, [Reg.WINDOW_SAMPLES], [65]));
    expect(e.field).toBe("register WINDOW_SAMPLES");
    e = refusal(() => s.writeRegisters(ECAL, [Reg.PRETRIGGER_SAMPLES], [32]));
    expect(e.field).toBe("register PRETRIGGER_SAMPLES");
    e = refusal(() => s.writeRegisters(TRIG, [Reg.TRIG_COINC_MASK], [0x08]));
    expect(e.field).toBe("register TRIG_COINC_MASK");
    e = refusal(() => s.writeRegisters(TRIG, [Reg.TRIG_VETO_MASK], [0x01]));
    expect(e.field).toBe("register TRIG_VETO_MASK");
    e = refusal(() => s.writeRegisters(TRIG, [Reg.TRIG_ENABLE_MASK], [1.5]));
    expect(e.message).toContain("u32");
    e = refusal(() => s.writeRegisters(TRIG, [Reg.TRIG_ENABLE_MASK], [1, 2]));
    expect(e.message).toContain("1 addresses but 2 values");
    expect(() => s.readRegister(ECAL, Reg.FIFO_DATA)).toThrow(RegisterError);
    expect(() => s.readRegister(ECAL, 0x0003)).toThrow(RegisterError);
    expect(() => s.writeRegisters(99, [Reg.CTRL], [0])).toThrow(UnknownBoardError);
  });

  it("applies a batch all or nothing", () => {
    const s = sim();
    refusal(() => s.writeRegisters(ECAL, [Reg.CH_THRESHOLD_ADC, Reg.CTRL, Reg.CH_THRESHOLD_ADC + 1], [10, CtrlBit.RUN_ENABLE, 99999]));
    expect(s.readRegister(ECAL, Reg.CH_THRESHOLD_ADC)).toBe(0);
    expect(s.readRegister(ECAL, Reg.CTRL)).toBe(0);
    // A window shrunk below the pretrigger in the same batch is refused as a whole too.
    s.writeRegisters(ECAL, [Reg.PRETRIGGER_SAMPLES], [10]);
    refusal(() => s.writeRegisters(ECAL, [Reg.WINDOW_SAMPLES], [8]));
    expect(s.readRegister(ECAL, Reg.WINDOW_SAMPLES)).toBe(32);
    s.writeRegisters(ECAL, [Reg.PRETRIGGER_SAMPLES, Reg.WINDOW_SAMPLES], [2, 8]);
    expect(s.readRegister(ECAL, Reg.WINDOW_SAMPLES)).toBe(8);
  });
});
