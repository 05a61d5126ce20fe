// A clock the test moves forward (the fast-forward scheduler of jacdac-ts's tests): timers run only
// when advance() passes their due time, in due-time order, so a test of a timeout neither sleeps
// nor depends on how loaded the machine is.
import type { Clock, TimerHandle } from "../../src/link/clock";

interface Pending {
  due: number;
  order: number;
  fn: () => void;
  handle: TimerHandle;
}

export class ManualClock implements Clock {
  private t = 0;
  private order = 0;
  private timers: Pending[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = { __timer: true } as const;
    this.timers.push({ due: this.t + Math.max(0, ms), order: this.order++, fn, handle });
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.timers = this.timers.filter((p) => p.handle !== handle);
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.timers.length;
  }

  /** Move time forward by `ms`, running every timer that falls due (also ones set meanwhile). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const p of this.timers) if (p.due <= end && (!next || p.due < next.due || (p.due === next.due && p.order < next.order))) next = p;
      if (!next) break;
      this.timers = this.timers.filter((p) => p !== next);
      this.t = Math.max(this.t, next.due);
      next.fn();
    }
    this.t = end;
  }
}
