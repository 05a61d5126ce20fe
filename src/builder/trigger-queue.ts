// Trigger numbers in arrival order, O(1) at both ends. The builder keeps waiting events in a Map
// for lookup; finding the oldest by iterating a Map that had many entries deleted at its front
// costs time proportional to the deleted entries in V8, so the order lives here instead.
export class TriggerQueue {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(trigger: number): void {
    this.items.push(trigger);
  }

  /** Oldest trigger, or undefined when empty. */
  peek(): number | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): number | undefined {
    if (this.head >= this.items.length) return undefined;
    const t = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return t;
  }
}

/** The last `size` trigger numbers added; add() returns the one that fell out, if any. */
export class TriggerRing {
  private ring: Array<number | undefined>;
  private pos = 0;

  constructor(readonly size: number) {
    this.ring = new Array<number | undefined>(size);
  }

  add(trigger: number): number | undefined {
    const old = this.ring[this.pos];
    this.ring[this.pos] = trigger;
    this.pos = this.pos + 1 === this.size ? 0 : this.pos + 1;
    return old;
  }
}
