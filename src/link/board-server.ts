// The DAQ host's TCP board server: boards connect and speak first (HELLO); every connection gets
// a FrameStream; frames are routed to the BoardLink of the board that sent the HELLO, which
// survives reconnects and restarts.
import { EventEmitter } from "node:events";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { Frame } from "../../protocol/frame";
import { FrameStream } from "../../protocol/stream";
import { ProtocolError, UnknownTypeError, UnsupportedVersionError } from "../../protocol/errors";
import { DEFAULT_PORT, PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { BoardLink, DEFAULT_LINK_OPTIONS, type LinkOptions } from "./board-link";
import { ConnectionError, LinkTimeoutError, ListenError, VersionMismatchError } from "./errors";

export interface BoardServerOptions extends LinkOptions {
  host: string;
  port: number;
  /** Flush a partial frame held this long without new bytes (a corrupt length would stall it). */
  idleFlushMs: number;
}

export const DEFAULT_SERVER_OPTIONS: BoardServerOptions = {
  ...DEFAULT_LINK_OPTIONS,
  host: "127.0.0.1",
  port: DEFAULT_PORT,
  idleFlushMs: 250,
};

export interface HelloInfo {
  reconnect: boolean;
  restarted: boolean;
  lostInRestart: number;
}

/** Where a protocol error was seen: the board if known, else the remote address. */
export interface ErrorSource {
  boardId: number | undefined;
  remote: string;
}

export interface BoardServerEvents {
  hello: [link: BoardLink, info: HelloInfo];
  frame: [link: BoardLink, frame: Frame];
  disconnect: [link: BoardLink];
  "protocol-error": [error: Error, source: ErrorSource];
}

export class BoardServer extends EventEmitter<BoardServerEvents> {
  readonly opts: BoardServerOptions;
  readonly links = new Map<number, BoardLink>();
  /** Protocol errors by code, over all connections. */
  readonly errorCounts: Record<string, number> = {};
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
        resolve(server.address() as AddressInfo);
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

  /** Wait until every listed board has said HELLO (and is connected). */
  async waitForBoards(ids: readonly number[], timeoutMs: number): Promise<BoardLink[]> {
    const t0 = Date.now();
    for (;;) {
      const missing = ids.filter((id) => !this.links.get(id)?.connected);
      if (!missing.length) return ids.map((id) => this.links.get(id)!);
      if (Date.now() - t0 > timeoutMs) throw new LinkTimeoutError(missing[0]!, `HELLO from boards ${missing.join(", ")}`, timeoutMs);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const stream = new FrameStream();
    let link: BoardLink | undefined;
    let idle: NodeJS.Timeout | undefined;

    const handle = (items: ReturnType<FrameStream["push"]>) => {
      for (const item of items) {
        if (!item.ok) {
          if (item.error instanceof UnknownTypeError && link) {
            // A newer minor's message: ignored, its seq received and acknowledged; reported once
            // (not again when the board replays it).
            if (link.receiveIgnored(item.error.seq)) this.protocolError(item.error, link.boardId, remote);
            continue;
          }
          this.protocolError(item.error, link?.boardId, remote);
          if (!link && item.error instanceof UnsupportedVersionError) {
            const e = item.error;
            this.emit("protocol-error", new VersionMismatchError(remote, `${e.major}.${e.minor}`, `${PROTO_MAJOR}.${PROTO_MINOR}`), { boardId: undefined, remote });
            socket.destroy();
            return;
          }
          continue;
        }
        const f = item.frame;
        if (f.name === "HELLO") {
          const next = this.links.get(f.source) ?? new BoardLink(f.source, this.opts);
          if (!this.links.has(f.source)) {
            this.links.set(f.source, next);
            next.onFrame((fr) => this.emit("frame", next, fr));
          }
          link = next;
          const info = link.attach(socket, f);
          this.emit("hello", link, info);
        } else if (!link) {
          this.protocolError(new Error(`${f.name} (seq ${f.seq}) before HELLO on a new connection`), f.source, remote);
        } else link.receive(f);
      }
    };

    // Nothing a client sends may escape this connection: an unexpected error closes it (the board
    // reconnects) and is reported with its address; other links are not affected.
    const guarded = (what: () => void) => {
      try {
        what();
      } catch (e) {
        this.protocolError(new ConnectionError(remote, link?.boardId, e as Error), link?.boardId, remote);
        socket.destroy();
      }
    };
    socket.on("data", (chunk) =>
      guarded(() => {
        handle(stream.push(chunk));
        if (idle) clearTimeout(idle);
        idle = stream.pendingBytes ? setTimeout(() => guarded(() => handle(stream.flush())), this.opts.idleFlushMs) : undefined;
      }),
    );
    socket.on("error", () => undefined); // 'close' follows
    socket.on("close", () => {
      if (idle) clearTimeout(idle);
      guarded(() => handle(stream.end()));
      this.sockets.delete(socket);
      if (link) {
        link.detach(socket);
        this.emit("disconnect", link);
      }
    });
  }

  private protocolError(error: Error, boardId: number | undefined, remote: string): void {
    const code = error instanceof ProtocolError || error instanceof ConnectionError ? error.code : "LINK";
    this.errorCounts[code] = (this.errorCounts[code] ?? 0) + 1;
    this.emit("protocol-error", error, { boardId, remote });
  }
}
