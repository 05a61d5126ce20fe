// What a firmware LOG frame says, in words, for the host's reports and `na64fe inspect`. The firmware
// sends a code and two numbers (LogCode, protocol/schema/enums.ts) and text only where it names
// something; here each code becomes a sentence. Codec errors name a message field by its position
// ("FIFO_EVENT#4 truncated"); they are given the field's name from the schemas.
import { FrameFault, LogCode, LogLevel } from "./schema/enums";
import type { LogMsg } from "./schema/messages";
import { allLayouts } from "./codegen/layouts";

const LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"];

/** LOG BAD_FRAME arg1 (FrameFault): what was wrong with bytes from the host. */
const FRAME_FAULTS: Record<number, string> = {
  [FrameFault.GARBAGE]: "bytes that were not a frame were skipped",
  [FrameFault.CHECK]: "a frame failed its check",
  [FrameFault.VERSION]: "a frame of another protocol major version",
  [FrameFault.PAYLOAD]: "a payload did not decode",
  [FrameFault.TYPE]: "a message type the board does not take (acknowledged and ignored)",
  [FrameFault.SEQ_GAP]: "a host sequence number skipped frames",
  [FrameFault.LOST_BYTES]: "received bytes were lost (no heap)",
};

/** What BAD_FRAME arg0 is for each FrameFault. */
function frameFaultArg(fault: number, a0: number): string {
  if (fault === FrameFault.GARBAGE) return ` (${a0} bytes)`;
  if (fault === FrameFault.TYPE) return ` (type ${a0})`;
  if (fault === FrameFault.LOST_BYTES) return "";
  return ` (seq ${a0})`;
}

let fieldNames: Map<string, string[]> | undefined;

/** "CONFIG#22 truncated" -> "CONFIG.channels truncated" (field positions as the device codec numbers them). */
export function codecWhere(where: string): string {
  fieldNames ??= new Map(allLayouts().map((l) => [l.label, l.model.fields.map((f) => f.name)]));
  return where.replace(/^([A-Za-z_]+)#(\d+)/, (all, label: string, n: string) => {
    const name = fieldNames!.get(label)?.[Number(n)];
    return name ? `${label}.${name}` : all;
  });
}

/** One line for a LOG frame: level, what happened, its numbers. */
export function describeLog(l: LogMsg): string {
  const a0 = l.arg0, a1 = l.arg1;
  const signed = (x: number) => x | 0;
  let what: string;
  switch (l.code) {
    case LogCode.TEXT:
      what = `${l.text}${a0 || a1 ? ` (${a0}, ${a1})` : ""}`;
      break;
    case LogCode.RESEND_UNAVAILABLE:
      what = `frames ${a0}..${a0 + a1 - 1} are no longer in the resend ring`;
      break;
    case LogCode.BAD_FRAME:
      what = `${FRAME_FAULTS[a1] ?? `frame fault ${a1}`}${frameFaultArg(a1, a0)}`;
      break;
    case LogCode.BAD_FIFO_RECORD:
      what = `FIFO record of kind ${a0} at byte ${a1} ${
        l.text === "window" ? "has another readout window than configured" : l.text === "role" ? "is not read by this board role" : l.text ? `did not decode: ${codecWhere(l.text)}` : "has an unknown kind"
      }`;
      break;
    case LogCode.RUN_REFUSED:
      what = `RUN_CONTROL action ${a0} refused in state ${a1}${l.text ? `: ${l.text}` : ""}`;
      break;
    case LogCode.BUSY:
      what = a0 ? `BUSY raised (${a1} frames waiting for an ACK)` : "BUSY released";
      break;
    case LogCode.CONFIG_RESTORED:
      what = `configuration ${a0} restored from flash (hash ${a1.toString(16).padStart(8, "0")})`;
      break;
    case LogCode.TRIGGER_GAP:
      what = signed(a1) > 0 ? `trigger numbers jumped: ${signed(a1)} missing before ${a0}` : `trigger number ${a0} repeated or went back (${signed(a1)})`;
      break;
    case LogCode.SPILL_GAP:
      what = `spill numbers jumped from ${a1} to ${a0}`;
      break;
    case LogCode.RECORDS_UNCONFIGURED:
      what = `${a0} FIFO records dropped: the board has no configuration`;
      break;
    case LogCode.STRAY_CHANNELS:
      what = `trigger ${a0} carries ${a1} channels that are not configured or not enabled (first of this spill)`;
      break;
    case LogCode.INJECT_IGNORED:
      what = "INJECT ignored: the board reads its front end over SPI";
      break;
    case LogCode.NOT_CONFIGURED:
      what = "CONFIG_READ: no configuration is applied";
      break;
    case LogCode.SPILL_DEAD_TIME:
      what = `spill ${a0} ended with ${(a1 / 1e4).toFixed(2)} % dead time`;
      break;
    default:
      what = `code ${l.code} (${a0}, ${a1})${l.text ? ` ${l.text}` : ""}`;
  }
  return `${LEVELS[l.level] ?? `level ${l.level}`} ${what}`;
}

/** True for a LOG that reports an error (LogLevel.ERROR). */
export function isErrorLog(l: LogMsg): boolean {
  return l.level >= LogLevel.ERROR;
}
