// The DAQ host's TCP board server: boards connect and speak first (HELLO); every connection gets
// a FrameStream; a HELLO binds the connection to the BoardLink of that board, which survives
// reconnects and restarts. A connection speaks for its board only, and nothing one connection sends
// can take down the host or another board's link (the trust model is in protocol/README.md).
import { EventEmitter } from "node:events";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { encodeFrame, type Frame } from "../../protocol/frame";
import { FrameStream, type StreamItem } from "../../protocol/stream";
import { ProtocolError, UnknownTypeError, UnsupportedVersionError } from "../../protocol/errors";
import { DEFAULT_PORT, PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { Capability } from "../../protocol/schema/enums";
import { boardProof, freshNonce, macEqual, type AuthSession } from "./auth";
import type { BoardKeys } from "./keys";
import { BoardLink, DEFAULT_LINK_OPTIONS, type LinkOptions } from "./board-link";
import { sleepOn, type TimerHandle } from "./clock";
import {
  AuthError,
  ClaimedBoardError,
  ConnectionError,
  ConnectionFault,
  ForeignSourceError,
  FrameBeforeHelloError,
  IdleConnectionError,
  LinkTimeoutError,
  ListenError,
  SecondHelloError,
  TooManyConnectionsError,
  UnknownBoardError,
  VersionMismatchError,
} from "./errors";

export interface BoardServerOptions extends LinkOptions {
  host: string;
  port: number;
  /** The boards that may connect (a run's setup); a HELLO for any other id is refused. Default: any. */
  boards?: readonly number[];
  /** A connection that has not said HELLO this long after it opened is closed. */
  helloTimeoutMs: number;
  /**
   * A board's connection that sends nothing for this long, or leaves a frame unfinished for this
   * long, is closed (the board reconnects; nothing is lost). Boards send STATUS every second. A pause
   * shorter than this inside a frame is waited for: TCP delivers in order.
   */
  idleTimeoutMs: number;
  /** Connections open at once; one more is refused at once. */
  maxConnections: number;
  /**
   * Per-board keys. A board with a key in here must prove itself in its HELLO and gets a tag on
   * every sequenced host frame; without keys (or for a board without one) only boards that connect
   * from this machine are taken, with a warning (protocol/README.md, "Trust").
   */
  keys?: BoardKeys;
}

export const DEFAULT_SERVER_OPTIONS: BoardServerOptions = {
  ...DEFAULT_LINK_OPTIONS,
  host: "127.0.0.1",
  port: DEFAULT_PORT,
  helloTimeoutMs: 5000,
  idleTimeoutMs: 30_000,
  maxConnections: 64,
};

export interface HelloInfo {
  reconnect: boolean;
  restarted: boolean;
  lostInRestart: number;
}

/** Where a protocol error was seen: the board whose connection it was (if it said HELLO), and the remote address. */
export interface ErrorSource {
  boardId: number | undefined;
  remote: string;
}

/** One reported error, for run reports. */
export interface ReportedError extends ErrorSource {
  code: string;
  message: string;
}

export interface BoardServerEvents {
  hello: [link: BoardLink, info: HelloInfo];
  /** Something an operator should know that does not stop anything (an unauthenticated board...). */
  warning: [message: string, source: ErrorSource];
  frame: [link: BoardLink, frame: Frame];
  disconnect: [link: BoardLink];
  "protocol-error": [error: Error, source: ErrorSource];
}

/** Errors kept for reports (the counts keep counting). */
const RECENT_ERRORS = 100;

export class BoardServer extends EventEmitter<BoardServerEvents> {
  readonly opts: BoardServerOptions;
  readonly links = new Map<number, BoardLink>();
  /** Protocol errors by code, over all connections. */
  readonly errorCounts: Record<string, number> = {};
  /** Protocol errors by code on each board's own connections (after its HELLO). */
  readonly boardErrors = new Map<number, Record<string, number>>();
  /** Protocol errors by code of connections that never spoke for a board (strangers, refused claims). */
  readonly strangerErrors: Record<string, number> = {};
  /** The last errors with their board and address. */
  readonly recentErrors: ReportedError[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(opts: Partial<BoardServerOptions> = {}) {
    super();
    this.opts = { ...DEFAULT_SERVER_OPTIONS, ...opts };
  }

  /** Start listening; resolves with the bound address (port 0 picks a free port). */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const server = createServer((s) => this.accept(s));
      server.once("error", (e: NodeJS.ErrnoException) => reject(new ListenError(this.opts.host ?? "127.0.0.1", this.opts.port, e.code ?? e.message)));
      server.listen(this.opts.port, this.opts.host, () => {
        server.removeAllListeners("error");
        this.server = server;
        const addr = server.address() as AddressInfo;
        if (!this.opts.keys?.size && !isLoopback(addr.address))
          this.emit("warning", `the board server listens on ${addr.address}:${addr.port} without keys: any machine that reaches it can speak for a board (create keys with \`na64fe keys create\`)`, { boardId: undefined, remote: `${addr.address}:${addr.port}` });
        resolve(addr);
      });
    });
  }

  async close(): Promise<void> {
    for (const l of this.links.values()) l.close();
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  link(boardId: number): BoardLink | undefined {
    return this.links.get(boardId);
  }

  /** Errors on the connections of these boards, by code (what a run's checks count). */
  errorsOf(boardIds: readonly number[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const id of boardIds) for (const [k, v] of Object.entries(this.boardErrors.get(id) ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /** Wait until every listed board has said HELLO (and is connected). */
  async waitForBoards(ids: readonly number[], timeoutMs: number): Promise<BoardLink[]> {
    const clock = this.opts.clock;
    const t0 = clock.now();
    for (;;) {
      const missing = ids.filter((id) => !this.links.get(id)?.connected);
      if (!missing.length) return ids.map((id) => this.links.get(id)!);
      if (clock.now() - t0 > timeoutMs) throw new LinkTimeoutError(missing[0]!, `HELLO from boards ${missing.join(", ")}`, timeoutMs);
      await sleepOn(clock, 10);
    }
  }

  private accept(socket: Socket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on("error", () => undefined); // 'close' follows
    if (this.sockets.size >= this.opts.maxConnections) {
      this.report(new TooManyConnectionsError(remote, this.opts.maxConnections), undefined, remote);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const clock = this.opts.clock;
    const stream = new FrameStream();
    let link: BoardLink | undefined;
    let closed = false;
    const opened = clock.now();
    let lastByte = opened;
    let received = 0;
    /** When the unfinished frame held by the stream started (undefined: none). */
    let partialSince: number | undefined;
    let timer: TimerHandle | undefined;

    const close = (fault?: ConnectionFault | Error) => {
      if (fault) this.report(fault, link?.boardId, remote);
      closed = true;
      socket.destroy();
    };

    /** Close the connection when it has said no HELLO in time, stalls inside a frame or goes silent. */
    const watch = () => {
      clock.clearTimeout(timer);
      if (closed) return;
      const now = clock.now();
      const { helloTimeoutMs, idleTimeoutMs } = this.opts;
      if (!link) {
        if (now - opened >= helloTimeoutMs) return close(new IdleConnectionError(remote, undefined, pending ? "no proof" : "no HELLO", helloTimeoutMs));
        timer = clock.setTimeout(watch, opened + helloTimeoutMs - now);
        return;
      }
      if (partialSince !== undefined && now - partialSince >= idleTimeoutMs) return close(new IdleConnectionError(remote, link.boardId, "unfinished frame", idleTimeoutMs));
      if (now - lastByte >= idleTimeoutMs) return close(new IdleConnectionError(remote, link.boardId, "silent", idleTimeoutMs));
      const due = Math.min(lastByte, partialSince ?? lastByte) + idleTimeoutMs;
      timer = clock.setTimeout(watch, due - now);
    };

    /** A HELLO waiting for the board's AUTH_PROOF, with the challenge sent. */
    let pending: { hello: Extract<Frame, { name: "HELLO" }>; key: Buffer; hostNonce: Buffer } | undefined;

    /** Bind the connection to the board's link (its HELLO, authenticated or not). */
    const bind = (f: Extract<Frame, { name: "HELLO" }>, session: AuthSession | undefined) => {
      const id = f.source;
      const existing = this.links.get(id);
      if (existing?.connected) {
        if (!session) return close(new ClaimedBoardError(remote, id, existing.remote));
        // The board proved itself: its old connection is stale (a power cut leaves no FIN).
        this.emit("warning", `board ${id} authenticated from ${remote}: its connection at ${existing.remote} is closed`, { boardId: id, remote });
      }
      const next = existing ?? new BoardLink(id, this.opts);
      if (!existing) {
        this.links.set(id, next);
        next.onFrame((fr) => this.emit("frame", next, fr));
      }
      link = next;
      const info = link.attach(socket, f, session);
      this.emit("hello", link, info);
      watch();
    };

    const onHello = (f: Extract<Frame, { name: "HELLO" }>) => {
      const id = f.source;
      const allowed = this.opts.boards;
      if (allowed && !allowed.includes(id)) return close(new UnknownBoardError(remote, id, allowed));
      const key = this.opts.keys?.get(id);
      const offers = (f.body.capabilities & Capability.AUTH) !== 0;
      if (key && !offers)
        return close(new AuthError(remote, undefined, id, `said HELLO as board ${id} without offering to authenticate, but the host has a key for board ${id}: refused (was the board flashed with its key?)`));
      if (!key && offers)
        return close(new AuthError(remote, undefined, id, `board ${id} has a key, the host has none for it: refused (give the host the key file the board's key came from)`));
      if (key) {
        pending = { hello: f, key, hostNonce: freshNonce() };
        socket.write(encodeFrame("AUTH_CHALLENGE", { hostNonce: [...pending.hostNonce] }, { source: 0, seq: 0 }));
        return;
      }
      if (this.opts.keys?.size && !isLoopback(socket.remoteAddress ?? ""))
        return close(new AuthError(remote, undefined, id, `board ${id} has no key and connects from another machine, while the host uses keys: refused`));
      this.emit("warning", `board ${id} at ${remote} is not authenticated (it has no key): whatever reaches this port can speak for it`, { boardId: id, remote });
      bind(f, undefined);
    };

    const onProof = (f: Frame) => {
      const p = pending!;
      pending = undefined;
      const id = p.hello.source;
      if (f.name !== "AUTH_PROOF" || f.source !== id)
        return close(new AuthError(remote, undefined, id, `sent ${f.name} (source ${f.source}) instead of proving it is board ${id}: refused`));
      const boardNonce = Buffer.from(f.body.boardNonce);
      if (!macEqual(boardProof(p.key, p.hostNonce, boardNonce, p.hello.raw), Buffer.from(f.body.mac)))
        return close(new AuthError(remote, undefined, id, `the proof of board ${id} does not match the host's key for it: refused (wrong key on the board or in the host's key file)`));
      bind(p.hello, { key: p.key, hostNonce: p.hostNonce, boardNonce });
    };

    const handle = (items: StreamItem[]) => {
      for (const item of items) {
        if (closed) return;
        if (!item.ok) {
          const e = item.error;
          if (e instanceof UnknownTypeError && link) {
            // A newer minor's message: ignored, its seq received and acknowledged; reported once
            // (not again when the board replays it). Only its own board's: a foreign source closes.
            if (e.source !== link.boardId) return close(new ForeignSourceError(remote, link.boardId, `type 0x${(e.value as number).toString(16)}`, e.seq, e.source));
            if (link.receiveIgnored(e.seq)) this.report(e, link.boardId, remote);
            continue;
          }
          this.report(e, link?.boardId, remote);
          if (!link && e instanceof UnsupportedVersionError) return close(new VersionMismatchError(remote, `${e.major}.${e.minor}`, `${PROTO_MAJOR}.${PROTO_MINOR}`));
          continue;
        }
        const f = item.frame;
        if (pending) onProof(f);
        else if (!link) {
          if (f.name !== "HELLO") return close(new FrameBeforeHelloError(remote, f.name, f.seq, f.source));
          onHello(f);
        } else if (f.source !== link.boardId) return close(new ForeignSourceError(remote, link.boardId, f.name, f.seq, f.source));
        else if (f.name === "HELLO") return close(new SecondHelloError(remote, link.boardId, f.source));
        else link.receive(f);
      }
    };

    // Nothing a client sends may escape this connection: an unexpected error closes it (a board
    // reconnects) and is reported with its address; other links are not affected.
    const guarded = (what: () => void) => {
      try {
        what();
      } catch (e) {
        close(new ConnectionError(remote, link?.boardId, e as Error));
      }
    };
    socket.on("data", (chunk) =>
      guarded(() => {
        lastByte = clock.now();
        received += chunk.length;
        const bound = link !== undefined;
        handle(stream.push(chunk));
        // Bytes on a board's connection count for it, from the first (its HELLO's) on.
        link?.heard(bound ? chunk.length : received);
        partialSince = stream.pendingBytes ? (partialSince ?? lastByte) : undefined;
      }),
    );
    socket.on("close", () => {
      closed = true;
      clock.clearTimeout(timer);
      // What is left is an unfinished frame: reported by the stream as truncated.
      guarded(() => handle(stream.end()));
      this.sockets.delete(socket);
      if (link) {
        link.detach(socket);
        this.emit("disconnect", link);
      }
    });
    watch();
  }

  /** Count and emit an error: on the board's account when its own connection caused it, else a stranger's. */
  private report(error: Error, boardId: number | undefined, remote: string): void {
    const code = error instanceof ProtocolError || error instanceof ConnectionFault ? error.code : error instanceof VersionMismatchError ? "VERSION" : "LINK";
    this.errorCounts[code] = (this.errorCounts[code] ?? 0) + 1;
    const counts = boardId === undefined ? this.strangerErrors : (this.boardErrors.get(boardId) ?? this.boardErrors.set(boardId, {}).get(boardId)!);
    counts[code] = (counts[code] ?? 0) + 1;
    this.recentErrors.push({ boardId, remote, code, message: error.message });
    if (this.recentErrors.length > RECENT_ERRORS) this.recentErrors.shift();
    this.emit("protocol-error", error, { boardId, remote });
  }
}

/** A loopback address (127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6). */
export function isLoopback(address: string): boolean {
  return /^(127\.|::1$|::ffff:127\.)/.test(address);
}
