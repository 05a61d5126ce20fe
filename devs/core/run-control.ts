// Board state machine driven by CONFIG and RUN_CONTROL. BEGIN_RUN and BEGIN_SPILL start data
// taking and are refused when the host expects another configuration (hash) than the applied one.
import { BoardState, RunAction } from "../../protocol/schema/enums"

export class RunState {
    state: number = BoardState.UNCONFIGURED
    runNumber = 0
    spillNumber = 0

    /** True while the front end should take triggers (CTRL.RUN_ENABLE). */
    running(): boolean {
        return this.state === BoardState.RUNNING || this.state === BoardState.IN_SPILL
    }

    /** A configuration was applied (or restored). */
    configured(): void {
        if (!this.running()) this.state = BoardState.CONFIGURED
    }

    /**
     * Apply a RUN_CONTROL action. Returns true when accepted; false (state unchanged) when the
     * action does not fit the state or the expected hash differs from `appliedHash`.
     */
    apply(action: number, runNumber: number, spillNumber: number, expectedHash: number, appliedHash: number): boolean {
        const s = this.state
        switch (action) {
            case RunAction.BEGIN_RUN:
                if (s !== BoardState.CONFIGURED || expectedHash !== appliedHash) return false
                this.state = BoardState.RUNNING
                this.runNumber = runNumber
                this.spillNumber = 0
                return true
            case RunAction.BEGIN_SPILL:
                if (s !== BoardState.RUNNING || expectedHash !== appliedHash) return false
                this.state = BoardState.IN_SPILL
                this.spillNumber = spillNumber
                return true
            case RunAction.END_SPILL:
                if (s !== BoardState.IN_SPILL) return false
                this.state = BoardState.RUNNING
                return true
            case RunAction.END_RUN:
                if (!this.running()) return false
                this.state = BoardState.CONFIGURED
                return true
        }
        return false
    }
}
