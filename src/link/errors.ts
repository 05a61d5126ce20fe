// Typed errors of the host side of the link. Each names the board and what failed.
import { CONFIG_FIELDS } from "../../protocol/codecs";
import type { ConfigNackMsg } from "../../protocol/schema/messages";

export const NACK_REASONS: Record<number, string> = {
  1: "value out of range",
  2: "configuration is for another board role",
  3: "wrong channel count",
  4: "window limits out of order",
  5: "malformed CONFIG payload",
  6: "refused while a run is in progress",
  7: "could not persist the configuration",
};

export class LinkError extends Error {
  constructor(
    readonly boardId: number,
    message: string,
  ) {
    super(`board ${boardId}: ${message}`);
    this.name = new.target.name;
  }
}

export class LinkTimeoutError extends LinkError {
  constructor(
    boardId: number,
    readonly waitingFor: string,
    readonly timeoutMs: number,
  ) {
    super(boardId, `no ${waitingFor} within ${timeoutMs} ms`);
  }
}

/** The board restarted while the host waited for its answer: the request must be sent again. */
export class BoardRestartedError extends LinkError {
  constructor(
    boardId: number,
    readonly waitingFor: string,
    readonly bootCount: number,
  ) {
    super(boardId, `restarted (boot ${bootCount}) while the host waited for ${waitingFor}`);
  }
}

export class LinkClosedError extends LinkError {
  constructor(boardId: number, waitingFor: string) {
    super(boardId, `link closed while waiting for ${waitingFor}`);
  }
}

/** The board rejected a CONFIG; nothing was applied. `field` is the CONFIG field path. */
export class ConfigRejectedError extends LinkError {
  readonly field: string;
  readonly value: number;
  readonly index: number | undefined;
  constructor(
    boardId: number,
    readonly nack: ConfigNackMsg,
  ) {
    const field = nack.fieldId === 0xffff ? "" : (CONFIG_FIELDS[nack.fieldId] ?? `field#${nack.fieldId}`);
    const index = nack.index === 0xffff ? undefined : nack.index;
    const where = field ? `${field}${index === undefined ? "" : `[${index}]`} = ${nack.value}` : "";
    super(boardId, `CONFIG ${nack.configVersion} rejected: ${NACK_REASONS[nack.reason] ?? `reason ${nack.reason}`}${where ? `: ${where}` : ""}`);
    this.field = field;
    this.value = nack.value;
    this.index = index;
  }
}

/** A read-back found no applied configuration on the board. */
export class NotConfiguredError extends LinkError {
  constructor(boardId: number) {
    super(boardId, "has no configuration applied (CONFIG_READ answered NOT_CONFIGURED)");
  }
}

export class RunRefusedError extends LinkError {
  constructor(
    boardId: number,
    readonly action: number,
    readonly state: number,
    detail: string,
  ) {
    super(boardId, `RUN_CONTROL action ${action} refused in state ${state}${detail ? `: ${detail}` : ""}`);
  }
}

/** A down frame is larger than the board accepts (HELLO.maxPayloadBytes). */
export class PayloadTooLargeError extends LinkError {
  constructor(
    boardId: number,
    readonly messageName: string,
    readonly bytes: number,
    readonly max: number,
  ) {
    super(boardId, `${messageName} payload of ${bytes} bytes exceeds the board's limit of ${max}`);
  }
}

/** A connecting board speaks a protocol major version this host does not; the connection is closed. */
export class VersionMismatchError extends Error {
  constructor(
    readonly remote: string,
    readonly boardVersion: string,
    readonly hostVersion: string,
  ) {
    super(`board at ${remote} speaks protocol ${boardVersion}, this host speaks ${hostVersion}: connection closed`);
    this.name = "VersionMismatchError";
  }
}

/**
 * Something a client did on its connection that the link does not accept: the connection is closed
 * or the frame dropped, nothing else is affected. Names the remote address and, once the connection
 * said HELLO, the board it speaks for.
 */
export abstract class ConnectionFault extends Error {
  abstract readonly code: string;
  constructor(
    readonly remote: string,
    readonly boardId: number | undefined,
    detail: string,
    options?: { cause: Error },
  ) {
    super(`${boardId === undefined ? "client" : `board ${boardId}`} at ${remote}: ${detail}`, options);
    this.name = new.target.name;
  }
}

/** Handling a connection's input failed in a way the protocol checks did not foresee: closed. */
export class ConnectionError extends ConnectionFault {
  readonly code = "CONNECTION";
  constructor(remote: string, boardId: number | undefined, cause: Error) {
    super(remote, boardId, `connection closed after an error handling its input: ${cause.message}`, { cause });
  }
}

/** After HELLO a connection speaks for its board only: a frame with another source closes it. */
export class ForeignSourceError extends ConnectionFault {
  readonly code = "FOREIGN_SOURCE";
  constructor(
    remote: string,
    boardId: number,
    readonly frameName: string,
    readonly seq: number,
    readonly source: number,
  ) {
    super(remote, boardId, `sent ${frameName} (seq ${seq}) as board ${source}: dropped, connection closed (a connection speaks for the board of its HELLO only)`);
  }
}

/** A frame other than HELLO opened a connection. */
export class FrameBeforeHelloError extends ConnectionFault {
  readonly code = "BEFORE_HELLO";
  constructor(
    remote: string,
    readonly frameName: string,
    readonly seq: number,
    readonly source: number,
  ) {
    super(remote, undefined, `sent ${frameName} (seq ${seq}, source ${source}) before HELLO: dropped, connection closed`);
  }
}

/** HELLO on a connection that already said it. */
export class SecondHelloError extends ConnectionFault {
  readonly code = "SECOND_HELLO";
  constructor(remote: string, boardId: number, readonly source: number) {
    super(remote, boardId, `said HELLO again (as board ${source}) on a connection that already said HELLO: connection closed`);
  }
}

/** HELLO for a board id that is not one of this host's boards (a run's setup). */
export class UnknownBoardError extends ConnectionFault {
  readonly code = "NOT_IN_SETUP";
  constructor(
    remote: string,
    readonly claimed: number,
    readonly boards: readonly number[],
  ) {
    super(remote, undefined, `said HELLO as board ${claimed}, which is not one of this host's boards (${boards.join(", ")}): refused`);
  }
}

/**
 * HELLO for a board whose link is connected on another connection: the established link keeps the
 * id (without a key nothing shows which of the two is the board), the newcomer is refused.
 */
export class ClaimedBoardError extends ConnectionFault {
  readonly code = "CLAIMED_ID";
  constructor(
    remote: string,
    readonly claimed: number,
    readonly holder: string,
  ) {
    super(remote, undefined, `said HELLO as board ${claimed}, which is connected at ${holder}: refused (the established link keeps its board)`);
  }
}

/** A connection that sent no HELLO in time, stalled inside a frame, or went silent: closed. */
export class IdleConnectionError extends ConnectionFault {
  readonly code = "IDLE";
  constructor(
    remote: string,
    boardId: number | undefined,
    readonly reason: "no HELLO" | "no proof" | "unfinished frame" | "silent",
    readonly timeoutMs: number,
  ) {
    super(
      remote,
      boardId,
      reason === "no HELLO"
        ? `no HELLO within ${timeoutMs} ms: connection closed`
        : reason === "no proof"
          ? `said HELLO but did not answer the host's challenge within ${timeoutMs} ms: connection closed`
        : reason === "unfinished frame"
          ? `a frame started more than ${timeoutMs} ms ago is still unfinished: connection closed`
          : `nothing received for ${timeoutMs} ms: connection closed`,
    );
  }
}

/** More connections at once than the server takes: the newest is refused. */
export class TooManyConnectionsError extends ConnectionFault {
  readonly code = "CONNECTIONS";
  constructor(remote: string, readonly max: number) {
    super(remote, undefined, `refused: ${max} connections are open already`);
  }
}

/** The board server cannot listen where it was asked to (port in use, address not of this host). */
export class ListenError extends Error {
  readonly field = "port";
  constructor(
    readonly host: string,
    readonly value: number,
    readonly code: string,
  ) {
    const why: Record<string, string> = {
      EADDRINUSE: "the port is in use by another program (choose another with --port, or 0 for any free port)",
      EADDRNOTAVAIL: "that address is not one of this computer's (--host)",
      EACCES: "not allowed to listen there (ports below 1024 need privileges)",
      ENOTFOUND: "no such host (--host)",
    };
    super(`cannot listen on ${host}:${value}: ${why[code] ?? code}`);
    this.name = "ListenError";
  }
}

/**
 * A board and the host could not authenticate each other: a wrong or missing key on either side,
 * or a board without a key where the host requires one. Names the board and what is missing, never
 * a key.
 */
export class AuthError extends ConnectionFault {
  readonly code = "AUTH";
  constructor(
    remote: string,
    boardId: number | undefined,
    readonly claimed: number,
    detail: string,
  ) {
    super(remote, boardId, detail);
  }
}

/** The board refused a host frame as not authenticated (LOG UNAUTHENTICATED): the host's key for it is wrong. */
export class UnauthenticatedFrameError extends LinkError {
  constructor(
    boardId: number,
    readonly frameName: string,
    readonly seq: number,
    readonly reason: string,
  ) {
    super(boardId, `refused ${frameName} (seq ${seq}) as not authenticated (${reason}): is the host's key for this board the one it was flashed with?`);
  }
}
