// Which EVENT/TRIGGER frames each board sent in each spill, by trigger number: the distinct ones,
// and those for a trigger the board had sent already (after a reconnect unacknowledged frames are
// sent again, at least once; the event builder ignores the repeats, the board's scalers count them).
// The accounting compares these with the boards' own SCALERS.

interface BoardSpill {
  seen: Set<number>;
  repeats: number;
}

export class FrameTally {
  private readonly spills = new Map<number, Map<number, BoardSpill>>();

  add(boardId: number, spill: number, trigger: number): void {
    let boards = this.spills.get(spill);
    if (!boards) this.spills.set(spill, (boards = new Map()));
    let b = boards.get(boardId);
    if (!b) boards.set(boardId, (b = { seen: new Set(), repeats: 0 }));
    if (b.seen.has(trigger)) b.repeats++;
    else b.seen.add(trigger);
  }

  /** Distinct frames per board id in `spill` (every listed board, 0 when none). */
  unique(spill: number, boardIds: readonly number[]): Record<number, number> {
    return Object.fromEntries(boardIds.map((id) => [id, this.spills.get(spill)?.get(id)?.seen.size ?? 0]));
  }

  /** Frames for an already-sent trigger, per board id in `spill`. */
  repeated(spill: number, boardIds: readonly number[]): Record<number, number> {
    return Object.fromEntries(boardIds.map((id) => [id, this.spills.get(spill)?.get(id)?.repeats ?? 0]));
  }

  /** Drop what is kept for `spill` (it has been accounted for). */
  forget(spill: number): void {
    this.spills.delete(spill);
  }
}
