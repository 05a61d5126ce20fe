// Event builder: joins the trigger board's TRIGGER frame and every digitiser's EVENT frame of one
// trigger, keyed by (spill number, trigger number). Frames may arrive in any order and more than
// once (resends). An event is emitted
//  - complete, as soon as every expected board contributed (a zero-hit EVENT counts: it is normal);
//  - incomplete, naming the missing boards, when
//      every missing board has already sent its SCALERS for that spill ("board-done": a board
//      sends SCALERS after the spill's last EVENT, so it will not send this one),
//      a trigger `lateDepth` numbers newer has arrived in the same spill ("late"),
//      the spill is closed by endSpill() or finish() ("spill-end"), or
//      more than maxPending events are waiting ("overflow", the oldest goes first).
// A frame for an event already emitted is counted as a duplicate (that board had contributed) or
// late (it had not), and otherwise ignored. Memory is bounded: at most maxPending waiting events,
// historyDepth remembered events per spill and keepClosedSpills closed spills.
import type { EventMsg, ScalersMsg, TriggerMsg } from "../../protocol/schema/messages";
import type { Frame } from "../../protocol/frame";
import { MsgType } from "../../protocol/schema/enums";
import { TriggerQueue, TriggerRing } from "./trigger-queue";

export type BoardKind = "trigger" | "digitiser";

export interface ExpectedBoard {
  id: number;
  /** The trigger board sends TRIGGER frames, digitisers EVENT frames. */
  kind: BoardKind;
  /** Hash of the CONFIG pushed to this board; frames carrying another hash are flagged. */
  configHash?: number;
}

export type Completion = "complete" | "board-done" | "late" | "spill-end" | "overflow";

export interface BuiltEvent {
  spill: number;
  trigger: number;
  complete: boolean;
  completion: Completion;
  /** Each expected board's frame body, in the order of BuilderOptions.boards; undefined if missing. */
  parts: Array<EventMsg | TriggerMsg | undefined>;
  /** Ids of boards that did not contribute. */
  missing: number[];
  /** Ids of boards whose frame carried a config hash other than the expected one. */
  hashMismatch: number[];
  /** Hits over all digitiser EVENTs present. */
  hits: number;
}

export interface SpillReport {
  spill: number;
  closedBy: "scalers" | "endSpill" | "finish" | "overflow";
  events: number;
  complete: number;
  incomplete: number;
  missingByBoard: Record<number, number>;
  duplicates: number;
  late: number;
  firstTrigger?: number;
  lastTrigger?: number;
  /** Trigger numbers between the first and the last that no board reported. */
  triggerGaps: number;
  /**
   * Triggers of this spill whose TRIGGER record has more than one type bit (a physics trigger that
   * is also a prescaled beam trigger), and the type bits beyond the first they carry: the trigger
   * board's per-type accepted scalers count such a trigger once per type, so their sum exceeds the
   * accepted triggers by `extraTypeBits`.
   */
  multiTypeTriggers: number;
  extraTypeBits: number;
  /** SCALERS received per board id. */
  scalers: Record<number, ScalersMsg>;
}

export interface BuilderStats {
  frames: number;
  events: number;
  complete: number;
  incomplete: number;
  /** Built events in which no digitiser had a hit (normal, e.g. random triggers). */
  zeroHitEvents: number;
  missingByBoard: Record<number, number>;
  duplicates: number;
  late: number;
  hashMismatches: number;
  /** EVENT from the trigger board or TRIGGER from a digitiser. */
  unexpected: number;
  unknownSource: number;
  /** Frames the builder does not use (HELLO, STATUS, LOG, ...). */
  ignored: number;
  pending: number;
  pendingPeak: number;
  spillsClosed: number;
  /** The first incomplete events (at most INCOMPLETE_SAMPLE), to name what is missing. */
  incompleteSample: IncompleteEvent[];
}

/** An event some board's part is missing from. */
export interface IncompleteEvent {
  spill: number;
  trigger: number;
  /** Board ids whose frame never came. */
  missing: number[];
}

/** Incomplete events named in BuilderStats.incompleteSample. */
export const INCOMPLETE_SAMPLE = 10;

export interface BuilderOptions {
  boards: readonly ExpectedBoard[];
  onEvent: (e: BuiltEvent) => void;
  onSpill?: (r: SpillReport) => void;
  /** Default 4096 triggers. */
  lateDepth?: number;
  /** Default 4 x lateDepth. */
  maxPending?: number;
  /** Emitted events remembered per spill to classify repeats; default 4 x lateDepth. */
  historyDepth?: number;
  /** Closed spills remembered; default 4. */
  keepClosedSpills?: number;
  /** Spills open at once before the oldest is closed; default 4. */
  maxOpenSpills?: number;
}

export class BuilderConfigError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`event builder: ${field} = ${JSON.stringify(value)}: ${detail}`);
    this.name = "BuilderConfigError";
  }
}

interface Pending {
  trigger: number;
  mask: number;
  bad: number;
  parts: Array<EventMsg | TriggerMsg | undefined>;
}

interface SpillState {
  spill: number;
  closed: boolean;
  pending: Map<number, Pending>;
  /** Triggers of waiting events in arrival order (may still hold some already emitted). */
  order: TriggerQueue;
  /** Emitted events: trigger -> mask of boards that contributed; the last historyDepth kept. */
  done: Map<number, number>;
  history: TriggerRing;
  newest: number;
  /** Boards that sent SCALERS for this spill. */
  finished: number;
  scalers: Record<number, ScalersMsg>;
  events: number;
  complete: number;
  duplicates: number;
  late: number;
  missingByBoard: Record<number, number>;
  first: number;
  last: number;
  multiTypeTriggers: number;
  extraTypeBits: number;
}

const MAX_BOARDS = 31;

export class EventBuilder {
  readonly stats: BuilderStats;
  private readonly ids: number[];
  private readonly index = new Map<number, number>();
  private readonly kinds: BoardKind[];
  private readonly hashes: Array<number | undefined>;
  private readonly full: number;
  private readonly spills = new Map<number, SpillState>();
  private closedOrder: number[] = [];
  private highestClosed = -1;
  private readonly lateDepth: number;
  private readonly maxPending: number;
  private readonly historyDepth: number;
  private readonly keepClosed: number;
  private readonly maxOpen: number;

  constructor(private readonly opts: BuilderOptions) {
    const n = opts.boards.length;
    if (n < 1 || n > MAX_BOARDS) throw new BuilderConfigError("boards", n, `expected 1..${MAX_BOARDS} boards`);
    this.ids = opts.boards.map((b) => b.id);
    this.kinds = opts.boards.map((b) => b.kind);
    this.hashes = opts.boards.map((b) => b.configHash);
    opts.boards.forEach((b, i) => {
      if (this.index.has(b.id)) throw new BuilderConfigError("boards.id", b.id, "board listed twice");
      this.index.set(b.id, i);
    });
    this.full = n === 31 ? 0x7fffffff : (1 << n) - 1;
    this.lateDepth = positiveInt("lateDepth", opts.lateDepth ?? 4096);
    this.maxPending = positiveInt("maxPending", opts.maxPending ?? 4 * this.lateDepth);
    this.historyDepth = positiveInt("historyDepth", opts.historyDepth ?? 4 * this.lateDepth);
    this.keepClosed = positiveInt("keepClosedSpills", opts.keepClosedSpills ?? 4);
    this.maxOpen = positiveInt("maxOpenSpills", opts.maxOpenSpills ?? 4);
    this.stats = {
      frames: 0,
      events: 0,
      complete: 0,
      incomplete: 0,
      zeroHitEvents: 0,
      missingByBoard: Object.fromEntries(this.ids.map((id) => [id, 0])),
      duplicates: 0,
      late: 0,
      hashMismatches: 0,
      unexpected: 0,
      unknownSource: 0,
      ignored: 0,
      pending: 0,
      pendingPeak: 0,
      spillsClosed: 0,
      incompleteSample: [],
    };
  }

  /** Feed one decoded frame (any type; only EVENT, TRIGGER and SCALERS are used). */
  push(frame: Frame): void {
    this.stats.frames++;
    const t = frame.type;
    if (t !== MsgType.EVENT && t !== MsgType.TRIGGER && t !== MsgType.SCALERS) {
      this.stats.ignored++;
      return;
    }
    const i = this.index.get(frame.source);
    if (i === undefined) {
      this.stats.unknownSource++;
      return;
    }
    if (t === MsgType.SCALERS) {
      this.scalers(i, frame.body as ScalersMsg);
      return;
    }
    if ((t === MsgType.TRIGGER) !== (this.kinds[i] === "trigger")) {
      this.stats.unexpected++;
      return;
    }
    this.data(i, frame.body as EventMsg | TriggerMsg);
  }

  /** Close a spill: every event still waiting is emitted with its missing boards. */
  endSpill(spill: number): void {
    const st = this.spills.get(spill);
    if (st && !st.closed) this.close(st, "endSpill");
  }

  /** End of run: close every open spill. */
  finish(): void {
    const open = [...this.spills.values()].filter((s) => !s.closed).sort((a, b) => a.spill - b.spill);
    for (const st of open) this.close(st, "finish");
  }

  /** Board ids in the order of BuiltEvent.parts. */
  get boardIds(): readonly number[] {
    return this.ids;
  }

  private data(i: number, body: EventMsg | TriggerMsg): void {
    const bit = 1 << i;
    const st = this.spill(body.spillNumber);
    if (!st) {
      this.stats.late++;
      return;
    }
    const trig = body.triggerNumber;
    let p = st.pending.get(trig);
    const created = !p;
    if (!p) {
      const m = st.done.get(trig);
      if (st.closed || m !== undefined || trig + this.historyDepth <= st.newest) {
        if (m !== undefined && (m & bit) !== 0) {
          st.duplicates++;
          this.stats.duplicates++;
        } else {
          st.late++;
          this.stats.late++;
        }
        return;
      }
      p = { trigger: trig, mask: 0, bad: 0, parts: new Array(this.ids.length) };
      st.pending.set(trig, p);
      st.order.push(trig);
      if (++this.stats.pending > this.stats.pendingPeak) this.stats.pendingPeak = this.stats.pending;
      if (trig > st.newest) st.newest = trig;
    } else if ((p.mask & bit) !== 0) {
      st.duplicates++;
      this.stats.duplicates++;
      return;
    }
    p.mask |= bit;
    p.parts[i] = body;
    const h = this.hashes[i];
    if (h !== undefined && body.configHash !== h) {
      p.bad |= bit;
      this.stats.hashMismatches++;
    }
    if (p.mask === this.full) this.emit(st, p, "complete");
    else if ((this.full & ~p.mask & ~st.finished) === 0) this.emit(st, p, "board-done");
    if (created) this.evict(st);
  }

  private scalers(i: number, body: ScalersMsg): void {
    const st = this.spill(body.spillNumber);
    if (!st || st.closed || (st.finished & (1 << i)) !== 0) {
      this.stats.duplicates++;
      return;
    }
    st.finished |= 1 << i;
    st.scalers[this.ids[i]!] = body;
    if (st.finished === this.full) {
      this.close(st, "scalers");
      return;
    }
    const ready = [...st.pending.values()].filter((p) => (this.full & ~p.mask & ~st.finished) === 0);
    for (const p of ready) this.emit(st, p, "board-done");
  }

  /** The state of `spill`, opening it if new; undefined for a spill already closed and forgotten. */
  private spill(spill: number): SpillState | undefined {
    let st = this.spills.get(spill);
    if (st) return st;
    if (spill <= this.highestClosed) return undefined;
    st = {
      spill,
      closed: false,
      pending: new Map(),
      order: new TriggerQueue(),
      done: new Map(),
      history: new TriggerRing(this.historyDepth),
      newest: -1,
      finished: 0,
      scalers: {},
      events: 0,
      complete: 0,
      duplicates: 0,
      late: 0,
      missingByBoard: {},
      first: Infinity,
      last: -Infinity,
      multiTypeTriggers: 0,
      extraTypeBits: 0,
    };
    this.spills.set(spill, st);
    const open = [...this.spills.values()].filter((s) => !s.closed);
    if (open.length > this.maxOpen) this.close(open.reduce((a, b) => (a.spill < b.spill ? a : b)), "overflow");
    return st;
  }

  /** After a new event joined the waiting ones: emit those too late, then the oldest if too many. */
  private evict(st: SpillState): void {
    for (let p = this.oldest(st); p && p.trigger + this.lateDepth <= st.newest; p = this.oldest(st)) this.emit(st, p, "late");
    while (this.stats.pending > this.maxPending) {
      const spill = [...this.spills.values()].find((s) => s.pending.size > 0)!;
      this.emit(spill, this.oldest(spill)!, "overflow");
    }
  }

  /** The earliest-arrived event still waiting in `st`. */
  private oldest(st: SpillState): Pending | undefined {
    for (let t = st.order.peek(); t !== undefined; t = st.order.peek()) {
      const p = st.pending.get(t);
      if (p) return p;
      st.order.shift();
    }
    return undefined;
  }

  private emit(st: SpillState, p: Pending, completion: Completion): void {
    st.pending.delete(p.trigger);
    this.stats.pending--;
    st.done.set(p.trigger, p.mask);
    const forgotten = st.history.add(p.trigger);
    if (forgotten !== undefined) st.done.delete(forgotten);
    const complete = completion === "complete";
    const missing: number[] = [];
    const hashMismatch: number[] = [];
    let hits = 0;
    let zero = true;
    for (let i = 0; i < this.ids.length; i++) {
      const bit = 1 << i;
      const part = p.parts[i];
      if ((p.mask & bit) === 0) {
        const id = this.ids[i]!;
        missing.push(id);
        this.stats.missingByBoard[id] = (this.stats.missingByBoard[id] ?? 0) + 1;
        st.missingByBoard[id] = (st.missingByBoard[id] ?? 0) + 1;
      } else if (part && "hits" in part) {
        hits += part.hits.n;
        if (part.hits.n > 0) zero = false;
      } else if (part && "typeMask" in part) {
        const extra = popcount(part.typeMask) - 1;
        if (extra > 0) {
          st.multiTypeTriggers++;
          st.extraTypeBits += extra;
        }
      }
      if ((p.bad & bit) !== 0) hashMismatch.push(this.ids[i]!);
    }
    this.stats.events++;
    st.events++;
    if (complete) {
      this.stats.complete++;
      st.complete++;
    } else {
      this.stats.incomplete++;
      if (this.stats.incompleteSample.length < INCOMPLETE_SAMPLE) this.stats.incompleteSample.push({ spill: st.spill, trigger: p.trigger, missing });
    }
    if (zero) this.stats.zeroHitEvents++;
    if (p.trigger < st.first) st.first = p.trigger;
    if (p.trigger > st.last) st.last = p.trigger;
    this.opts.onEvent({ spill: st.spill, trigger: p.trigger, complete, completion, parts: p.parts, missing, hashMismatch, hits });
  }

  private close(st: SpillState, by: SpillReport["closedBy"]): void {
    const waiting = [...st.pending.values()].sort((a, b) => a.trigger - b.trigger);
    for (const p of waiting) this.emit(st, p, "spill-end");
    st.closed = true;
    this.stats.spillsClosed++;
    if (st.spill > this.highestClosed) this.highestClosed = st.spill;
    this.closedOrder.push(st.spill);
    while (this.closedOrder.length > this.keepClosed) this.spills.delete(this.closedOrder.shift()!);
    const span = st.events ? st.last - st.first + 1 : 0;
    this.opts.onSpill?.({
      spill: st.spill,
      closedBy: by,
      events: st.events,
      complete: st.complete,
      incomplete: st.events - st.complete,
      missingByBoard: st.missingByBoard,
      duplicates: st.duplicates,
      late: st.late,
      ...(st.events ? { firstTrigger: st.first, lastTrigger: st.last } : {}),
      triggerGaps: Math.max(0, span - st.events),
      multiTypeTriggers: st.multiTypeTriggers,
      extraTypeBits: st.extraTypeBits,
      scalers: st.scalers,
    });
  }
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

function positiveInt(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new BuilderConfigError(field, v, "expected a positive integer");
  return v;
}
