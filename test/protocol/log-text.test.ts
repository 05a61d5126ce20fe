// LOG frames in words (protocol/log-text.ts): every code the firmware sends becomes a sentence with
// its numbers, and a device codec error's field position becomes the field's name.
import { describe, expect, it } from "vitest";
import { codecWhere, describeLog } from "../../protocol/log-text";
import { LogCode, LogLevel } from "../../protocol/schema/enums";

const log = (code: number, arg0 = 0, arg1 = 0, text = "", level: number = LogLevel.WARN) => ({ level, code, arg0, arg1, text });

describe("LOG text", () => {
  it("names the field of a device codec error", () => {
    expect(codecWhere("FIFO_EVENT#4 truncated")).toBe("FIFO_EVENT.channels truncated");
    expect(codecWhere("CONFIG#22 count")).toBe("CONFIG.channels count");
    expect(codecWhere("EVENT#1")).toBe("EVENT.triggerNumber");
    // Unknown labels and positions are left as they are.
    expect(codecWhere("NOPE#3 truncated")).toBe("NOPE#3 truncated");
    expect(codecWhere("EVENT#99")).toBe("EVENT#99");
  });

  it("turns each firmware code into a sentence with its numbers", () => {
    expect(describeLog(log(LogCode.BAD_FIFO_RECORD, 2, 40, "FIFO_EVENT#5 truncated", LogLevel.ERROR))).toBe(
      "ERROR FIFO record of kind 2 at byte 40 did not decode: FIFO_EVENT.samples truncated",
    );
    expect(describeLog(log(LogCode.BAD_FIFO_RECORD, 2, 0, "window", LogLevel.ERROR))).toBe("ERROR FIFO record of kind 2 at byte 0 has another readout window than configured");
    expect(describeLog(log(LogCode.TRIGGER_GAP, 6, 1))).toBe("WARN trigger numbers jumped: 1 missing before 6");
    expect(describeLog(log(LogCode.TRIGGER_GAP, 4, 0xfffffffe))).toBe("WARN trigger number 4 repeated or went back (-2)");
    expect(describeLog(log(LogCode.SPILL_DEAD_TIME, 12, 50_000, "", LogLevel.INFO))).toBe("INFO spill 12 ended with 5.00 % dead time");
    expect(describeLog(log(LogCode.BAD_FRAME, 0x3e, 5))).toBe("WARN a message type the board does not take (acknowledged and ignored) (type 62)");
    expect(describeLog(log(LogCode.RESEND_UNAVAILABLE, 10, 3))).toBe("WARN frames 10..12 are no longer in the resend ring");
    expect(describeLog(log(LogCode.NOT_CONFIGURED))).toBe("WARN CONFIG_READ: no configuration is applied");
  });

  it("shows a code it does not know with its numbers (a newer firmware)", () => {
    expect(describeLog(log(99, 1, 2, "x"))).toBe("WARN code 99 (1, 2) x");
  });
});
