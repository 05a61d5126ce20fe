// The live page of a running DAQ: a small HTTP server (loopback only unless asked) that serves the
// page, its script, Vega from node_modules (no network needed), the plots' Vega specifications and
// the run's state, sampled from the run session about once a second and pushed to every open page
// as Server-Sent Events. `na64fe bench --live` and `na64fe record --live` start it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSession } from "../daq/session";
import { vegaSpec } from "../plots/compile";
import { plotsOf } from "../plots/specs";
import { liveSnapshot, liveView, plotsKey, type LiveSnapshot } from "./snapshot";
import { LIVE_PAGE } from "./page";

export interface LiveOptions {
  /** TCP port (0 = any free one). */
  port: number;
  /** Bind address; default 127.0.0.1. Anything but a loopback address serves the page to the network. */
  host?: string;
  /** How often an open page gets a new snapshot; default 1000 ms. */
  intervalMs?: number;
}

/** The live page cannot be served as asked (port in use, address not on this machine...). */
export class LiveServerError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`${field} ${JSON.stringify(value)}: ${detail}`);
    this.name = "LiveServerError";
  }
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The warning to print when the page is served beyond this machine; undefined on loopback. */
export function liveBindWarning(host: string): string | undefined {
  if (isLoopback(host)) return undefined;
  return `the live page is served on ${host}: anyone who reaches this machine on that address sees the run (no password); use --live-host 127.0.0.1 to keep it local`;
}

const VEGA_JS = join(dirname(createRequire(import.meta.url).resolve("vega")), "vega.min.js");
const APP_JS = fileURLToPath(new URL("./app.js", import.meta.url));

export class LiveServer {
  private session: RunSession | undefined;
  private ended = false;
  private seq = 0;
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private specs: { key: string; body: string } | undefined;
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly intervalMs: number,
    private readonly loopbackOnly: boolean,
  ) {}

  static async start(o: LiveOptions): Promise<LiveServer> {
    const host = o.host ?? "127.0.0.1";
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) =>
        reject(new LiveServerError(e.code === "EADDRINUSE" ? "--live" : "--live-host", e.code === "EADDRINUSE" ? o.port : host, e.code === "EADDRINUSE" ? "port in use" : `cannot serve there: ${e.message}`)),
      );
      server.listen(o.port, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    const live = new LiveServer(server, `http://${shown}:${addr.port}/`, o.intervalMs ?? 1000, isLoopback(host));
    server.on("request", (req, res) => live.handle(req, res));
    return live;
  }

  /** Show this run (the page says "waiting for a run" until then). */
  attach(session: RunSession): void {
    this.session = session;
    this.ended = false;
  }

  /** The run is over: every open page gets the final snapshot and the stream ends. */
  end(): void {
    this.ended = true;
    const snap = this.snapshot();
    for (const c of this.clients) {
      c.write(`data: ${JSON.stringify(snap)}\n\nevent: end\ndata: {}\n\n`);
      c.end();
    }
    this.clients.clear();
    this.tick();
  }

  snapshot(): LiveSnapshot {
    return liveSnapshot(this.session, ++this.seq, this.ended);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const c of this.clients) c.end();
    this.clients.clear();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The sampling timer runs only while a page is open. */
  private tick(): void {
    if (this.clients.size && !this.timer) {
      this.timer = setInterval(() => this.push(), this.intervalMs);
      this.timer.unref();
    } else if (!this.clients.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private push(): void {
    if (!this.clients.size) return;
    const text = `data: ${JSON.stringify(this.snapshot())}\n\n`;
    for (const c of this.clients) c.write(text);
  }

  private async specsBody(): Promise<string> {
    const s = this.session;
    const key = s ? plotsKey(s) : "";
    if (this.specs?.key === key) return this.specs.body;
    const plots = s ? plotsOf(liveView(s), { waveforms: true }) : [];
    const out = [];
    for (const p of plots) out.push({ id: p.id, section: p.section, title: p.title, log: p.log, specs: { lin: await vegaSpec(p, false), ...(p.log ? { log: await vegaSpec(p, true) } : {}) } });
    const body = JSON.stringify({ key, plots: out });
    this.specs = { key, body };
    return body;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // A loopback-only page answers loopback names only (a web page elsewhere cannot rebind a name to it).
    const host = (req.headers.host ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
    if (this.loopbackOnly && !isLoopback(host)) {
      send(res, 403, "text/plain", `Host ${req.headers.host} is not this machine's loopback address\n`);
      return;
    }
    if (req.method !== "GET") {
      send(res, 405, "text/plain", "only GET\n");
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    switch (path) {
      case "/":
        send(res, 200, "text/html; charset=utf-8", LIVE_PAGE);
        return;
      case "/app.js":
        send(res, 200, "text/javascript; charset=utf-8", readFileSync(APP_JS));
        return;
      case "/vendor/vega.min.js":
        send(res, 200, "text/javascript; charset=utf-8", readFileSync(VEGA_JS));
        return;
      case "/api/snapshot":
        send(res, 200, "application/json", JSON.stringify(this.snapshot()));
        return;
      case "/api/specs":
        this.specsBody().then(
          (b) => send(res, 200, "application/json", b),
          (e: Error) => send(res, 500, "text/plain", `${e.message}\n`),
        );
        return;
      case "/api/stream":
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
        res.write(`retry: ${this.intervalMs}\ndata: ${JSON.stringify(this.snapshot())}\n\n`);
        if (this.ended) {
          res.end("event: end\ndata: {}\n\n");
          return;
        }
        this.clients.add(res);
        req.on("close", () => {
          this.clients.delete(res);
          this.tick();
        });
        this.tick();
        return;
      default:
        send(res, 404, "text/plain", `no ${path} here\n`);
        return;
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}
