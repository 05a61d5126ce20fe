// What a run produced, as plain types shared by the session that gathers it, the checks that judge
// it and the stands that drive it (types only: no module here depends on another through it).
import type { HelloMsg } from "../../protocol/schema/messages";
import type { SpillReport } from "../builder/builder";
import type { BoardLink } from "../link/board-link";

/** One line of a run's verdict: a check, whether it passed, and the counts that show it. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the host saw of one spill. */
export interface SpillFrames {
  spill: number;
  report: SpillReport;
  /** Distinct EVENT/TRIGGER frames per board id (by trigger number). */
  uniqueFrames: Record<number, number>;
  /** Frames for a trigger the board had sent already (sent again after a reconnect). */
  repeatedFrames: Record<number, number>;
  /** Boards that restarted during this spill (their firmware counters restarted with them). */
  restartedBoards: number[];
}

/** One board as the run saw it. */
export interface BoardSummary {
  id: number;
  name: string;
  role: string;
  hello: HelloMsg;
  configHash: number;
  frames: number;
  bytes: number;
  link: BoardLink["up"]["stats"] & { reconnects: number; restarts: number; resendRequests: number } & Pick<BoardLink["stats"], "maxLateMs" | "lateEpisodes">;
  /** The board's last remote address. */
  remote: string;
  /** Protocol errors on the board's own connections, by code, and the last few in words. */
  protocolErrors: Record<string, number>;
  errorMessages: string[];
}
