// Trigger numbering check: the hardware numbers triggers; the firmware verifies that consecutive
// FIFO records of a spill carry consecutive numbers, so a lost or repeated trigger is reported.

export class TriggerSequence {
    /** Last trigger number seen in this spill, -1 before the first one. */
    last = -1

    /** A new spill starts: its first trigger may carry any number. */
    spillBegin(): void {
        this.last = -1
    }

    /**
     * Record the next trigger number. Returns 0 when it follows the previous one, the number of
     * triggers missing in between when it jumps ahead, or a negative value when it repeats or goes
     * back.
     */
    next(triggerNumber: number): number {
        const prev = this.last
        this.last = triggerNumber
        if (prev < 0) return 0
        const d = triggerNumber - prev - 1
        return d
    }
}
