// Conversion warnings (a threshold below the noise, a time window outside the signal range) on
// stderr, one line each, the same for every command that converts a preset.
import type { ConfigWarning } from "../config/convert";
import type { Out } from "./output";

export function warnConversion(out: Out, warnings: readonly ConfigWarning[]): void {
  for (const w of warnings) out.warn(`${w.board} (id ${w.boardId})${w.channel === undefined ? "" : ` channel ${w.channel}`}: ${w.message}`);
}
