// Small helpers shared by the host link tests over real sockets.
import type { BoardLink } from "../../src/link/board-link";
import type { Frame } from "../../protocol/frame";

/** Collect a board's delivered frames (seq order). */
export function collect(link: BoardLink): Frame[] {
  const out: Frame[] = [];
  link.onFrame((f) => out.push(f));
  return out;
}

/** Poll `cond` until it holds; fail naming `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 3));
  }
}

/** A STATUS body numbered by its spill number. */
export const status = (i: number) => ({
  state: 3, runNumber: 1, spillNumber: i, configHash: 0, uptimeMs: i, bootCount: 1, eventsPending: 0, ringUsed: 0, busy: 0, errorCount: 0, lastErrorCode: 0,
});
