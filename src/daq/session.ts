// One DAQ run with a set of boards, real or in the VM: the board server, configuration push with
// read-back and hash check, run control, the run file (frames stored before they are ACKed), the
// event builder and the physics summary. `na64fe record` drives it with real boards, the bench run
// with firmware images in the DeviceScript VM and the simulator as front end.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { ROLE_CODE, type Setup } from "../../boards/setup";
import type { Frame } from "../../protocol/frame";
import { encodeConfigPayload, hashHex } from "../../protocol/config-hash";
import { RunAction } from "../../protocol/schema/enums";
import type { ConfigAckMsg, ConfigMsg, StatusMsg } from "../../protocol/schema/messages";
import { BoardServer } from "../link/board-server";
import type { BoardKeys } from "../link/keys";
import { ConnectionFault } from "../link/errors";
import type { BoardLink } from "../link/board-link";
import type { LoadedPreset } from "../presets/load";
import type { BoardConfig, Conversion } from "../config/convert";
import { EventBuilder, type BuilderStats, type BuiltEvent, type SpillReport } from "../builder/builder";
import { RunWriter } from "../runfile/writer";
import { runFileName } from "../runfile/folder";
import { makeSnapshot, type RunSnapshot, type RunVerdict } from "../runfile/snapshot";
import { PhysicsSummary } from "../analysis/physics-summary";
import { summaryCuts } from "../analysis/cuts";
import { FrameTally } from "./frame-tally";
import { describeLog, isErrorLog } from "../../protocol/log-text";
import type { BoardSummary, SpillFrames } from "./run-facts";
import { readoutItems } from "../../protocol/readout";

/** A board did not do what the run needs (wrong role, no answer, config differs...). */
export class DaqError extends Error {
  constructor(
    readonly stage: string,
    detail: string,
  ) {
    super(`${stage}: ${detail}`);
    this.name = "DaqError";
  }
}

export interface SessionOptions {
  /** Board-server port (0 = any free port). */
  port: number;
  host?: string;
  /** Longest wait for a board's answer. */
  timeoutMs: number;
  /** Folder for the run file; undefined: do not record. */
  outDir?: string;
  /**
   * Bytes of one board's frames kept in memory before the run file opens (default 1 MiB; a board
   * sends a few KB then). Beyond it the board's input is paused and the run refused (issue 11).
   */
  maxEarlyBytesPerBoard?: number;
  /** The boards' keys: each board authenticates, every host frame is tagged (src/link/keys.ts). */
  keys?: BoardKeys;
}

/** Errors of other clients (not the run's boards) shown as warnings while a run goes on. */
const STRANGERS_SHOWN = 20;
const RUN_FILE = /^run-(\d{6,})\.na64$/;

/** Next free run number in a folder of run files (1 for a new folder). */
export function nextRunNumber(dir: string): number {
  if (!existsSync(dir)) return 1;
  let n = 0;
  for (const f of readdirSync(dir)) {
    const m = RUN_FILE.exec(f);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return n + 1;
}


export class RunSession {
  readonly server: BoardServer;
  readonly builder: EventBuilder;
  readonly summary: PhysicsSummary;
  readonly spillReports = new Map<number, SpillReport>();
  /** Per closed spill: its report and the frames each board sent (for the scalers check). */
  readonly spillFrames = new Map<number, SpillFrames>();
  /** ERROR-level LOG frames and refused register writes: a healthy run has none. */
  readonly firmwareErrors: string[] = [];
  readonly restarts = new Map<number, number>();
  /** Boards that restarted and still need to be brought back into the run (bench recovery). */
  readonly pendingRestarts: number[] = [];
  /** Time spent handling frames on the host (ms). */
  hostMs = 0;
  runNumber = 0;
  runActive = false;
  // ---- state an observer samples (the live page); nothing here costs per event ----
  /** The spill open now (between BEGIN_SPILL and END_SPILL), and how many spills began. */
  spillOpen: number | undefined;
  spillsBegun = 0;
  /** Each board's last STATUS (its heartbeat) and when it arrived (ms since the Unix epoch). */
  readonly lastStatus = new Map<number, { status: StatusMsg; atMs: number }>();
  runFile: string | undefined;
  private writer: RunWriter | undefined;
  private readonly early: Array<{ boardId: number; raw: Uint8Array }> = [];
  private readonly earlyBytes = new Map<number, number>();
  /** Set when a board sent more before the run file opened than the session keeps; thrown by the next step. */
  private refused: DaqError | undefined;
  /** finish() was called: the run is over. */
  private ended = false;
  private readonly frameStats = new Map<number, { frames: number; bytes: number }>();
  private readonly hooks: Array<(boardId: number, f: Frame) => void> = [];
  private readonly eventHooks: Array<(e: BuiltEvent) => void> = [];
  private readonly spillHooks: Array<(s: SpillFrames) => void> = [];
  private readonly tally = new FrameTally();
  /** Restarts per board when the previous spill closed. */
  private restartsAtSpillClose = new Map<number, number>();
  readonly configs: ReadonlyMap<number, ConfigMsg>;

  constructor(
    readonly setup: Setup,
    readonly preset: LoadedPreset,
    readonly conversion: Conversion,
    readonly opts: SessionOptions,
  ) {
    this.configs = new Map(conversion.boards.map((b) => [b.boardId, b.config]));
    const hashes = new Map(conversion.boards.map((b) => [b.boardId, b.hash]));
    this.builder = new EventBuilder({
      boards: setup.boards.map((b) => ({ id: b.id, kind: b.role === "trigger" ? "trigger" : "digitiser", configHash: hashes.get(b.id) })),
      onEvent: (e) => {
        this.summary.add(e);
        for (const h of this.eventHooks) h(e);
      },
      onSpill: (r) => {
        this.spillReports.set(r.spill, r);
        this.writer?.endSpill(r.spill);
        const ids = setup.boards.map((b) => b.id);
        const frames: SpillFrames = {
          spill: r.spill,
          report: r,
          uniqueFrames: this.tally.unique(r.spill, ids),
          repeatedFrames: this.tally.repeated(r.spill, ids),
          restartedBoards: ids.filter((id) => (this.restarts.get(id) ?? 0) > (this.restartsAtSpillClose.get(id) ?? 0)),
        };
        this.tally.forget(r.spill);
        this.restartsAtSpillClose = new Map(this.restarts);
        this.spillFrames.set(r.spill, frames);
        for (const h of this.spillHooks) h(frames);
      },
    });
    this.summary = new PhysicsSummary(summaryCuts(preset.preset, conversion.signal), { setup, configs: this.configs }, this.builder.boardIds);
    // Only the setup's boards may connect: any other id is refused at its HELLO (issue 11).
    this.server = new BoardServer({
      port: opts.port,
      ...(opts.host ? { host: opts.host } : {}),
      boards: setup.boards.map((b) => b.id),
      ...(opts.keys ? { keys: opts.keys } : {}),
      requestTimeoutMs: opts.timeoutMs,
      beforeAck: () => this.writer?.flush(),
    });
    this.server.on("frame", (link, f) => this.onFrame(link.boardId, f));
    this.server.on("hello", (link, info) => {
      if (!info.restarted) return;
      this.restarts.set(link.boardId, (this.restarts.get(link.boardId) ?? 0) + 1);
      if (!this.pendingRestarts.includes(link.boardId)) this.pendingRestarts.push(link.boardId);
    });
  }

  /** Extra per-frame work (after storage, before event building). */
  onBoardFrame(h: (boardId: number, f: Frame) => void): void {
    this.hooks.push(h);
  }

  onEvent(h: (e: BuiltEvent) => void): void {
    this.eventHooks.push(h);
  }

  /** Called when a spill closes (every board's SCALERS arrived, or the run ended). */
  onSpillEnd(h: (s: SpillFrames) => void): void {
    this.spillHooks.push(h);
  }

  listen(): Promise<AddressInfo> {
    return this.server.listen();
  }

  link(boardId: number): BoardLink {
    const l = this.server.link(boardId);
    if (!l) throw new DaqError("link", `board ${boardId} has not connected`);
    return l;
  }

  get boardConfigs(): readonly BoardConfig[] {
    return this.conversion.boards;
  }

  private onFrame(boardId: number, f: Frame): void {
    // After the run ended (finish) frames are neither recorded nor counted: the run's numbers, its
    // checks and what a live view shows at the end stay the same (a late heartbeat changed them).
    if (this.ended) return;
    const h0 = performance.now();
    const st = this.frameStats.get(boardId) ?? { frames: 0, bytes: 0 };
    st.frames++;
    st.bytes += f.bytes;
    this.frameStats.set(boardId, st);
    if (this.writer) this.writer.appendFrame(boardId, f.raw);
    else if (this.opts.outDir) this.keepEarly(boardId, f.raw);
    if (f.name === "LOG" && isErrorLog(f.body)) this.firmwareErrors.push(`board ${boardId}: ${describeLog(f.body)}`);
    else if (f.name === "STATUS") this.lastStatus.set(boardId, { status: f.body, atMs: Date.now() });
    if (f.name === "EVENT" || f.name === "TRIGGER") this.tally.add(boardId, f.body.spillNumber, f.body.triggerNumber);
    if (f.name === "READOUT") for (const item of readoutItems(f.body)) if (item.name !== "WAVEFORM") this.tally.add(boardId, item.body.spillNumber, item.body.triggerNumber);
    for (const h of this.hooks) h(boardId, f);
    this.builder.push(f);
    this.hostMs += performance.now() - h0;
  }

  /**
   * Tell `warn` what the operator should know as it happens: the board server's warnings (an
   * unauthenticated board...) and what other clients try (refused claims, strangers: the first
   * STRANGERS_SHOWN of it; the checks count all of it).
   */
  warnTo(warn: (message: string) => void): void {
    this.server.on("warning", (w) => warn(w));
    let shown = 0;
    this.server.on("protocol-error", (e, src) => {
      if (src.boardId !== undefined || shown > STRANGERS_SHOWN) return;
      const text = e instanceof ConnectionFault ? e.message : `client at ${src.remote}: ${e.message}`;
      warn(++shown > STRANGERS_SHOWN ? "more errors from other clients: counted in the checks, not shown" : text);
    });
  }

  /** Keep a frame until the run file opens, within the per-board bound (memory stays bounded). */
  private keepEarly(boardId: number, raw: Uint8Array): void {
    this.early.push({ boardId, raw: Buffer.from(raw) });
    const n = (this.earlyBytes.get(boardId) ?? 0) + raw.length;
    this.earlyBytes.set(boardId, n);
    const limit = this.opts.maxEarlyBytesPerBoard ?? 1 << 20;
    if (n < limit || this.refused) return;
    const link = this.server.link(boardId);
    link?.pauseInput();
    const name = this.setup.boards.find((b) => b.id === boardId)?.name ?? "?";
    this.refused = new DaqError(
      "before the run file opened",
      `board ${boardId} (${name}) at ${link?.remote ?? "?"} sent ${n} bytes of frames, more than the ${limit} kept per board until the run file opens: its input is paused and the run refused`,
    );
    link?.failRequests(this.refused);
  }

  /** The setup's boards that owe the host an ACK right now, each named with how long: "ecal-main (id 3) at ... for 10.2 s". */
  lateBoards(): string[] {
    const out: string[] = [];
    for (const b of this.setup.boards) {
      const late = this.server.link(b.id)?.lateness();
      if (late) out.push(`${b.name}: ${late}`);
    }
    return out;
  }

  /** Bytes of frames kept in memory until the run file opens. */
  get earlyBytesKept(): number {
    let n = 0;
    for (const v of this.earlyBytes.values()) n += v;
    return n;
  }

  /** Throws the reason the run was refused, if any. */
  private checkRefused(): void {
    if (this.refused) throw this.refused;
  }

  /** Every board of the setup said HELLO, with the role the setup gives it. */
  async waitForBoards(timeoutMs = this.opts.timeoutMs, isAlive: () => void = () => undefined): Promise<void> {
    const ids = this.setup.boards.map((b) => b.id);
    const t0 = Date.now();
    while (!ids.every((id) => this.server.link(id)?.connected)) {
      this.checkRefused();
      isAlive();
      if (Date.now() - t0 > timeoutMs) {
        const missing = this.setup.boards.filter((b) => !this.server.link(b.id)?.connected).map((b) => `${b.name} (id ${b.id})`);
        throw new DaqError("waiting for HELLO", `no HELLO within ${timeoutMs} ms from ${missing.join(", ")}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const b of this.setup.boards) {
      const hello = this.server.link(b.id)!.hello!;
      if (hello.role !== ROLE_CODE[b.role]) throw new DaqError("HELLO", `board ${b.id} (${b.name}) runs role ${hello.role}, the setup says ${b.role}`);
    }
  }

  /** Push a board's configuration, check the hash it reports, read it back and compare the bytes. */
  async configureBoard(b: BoardConfig): Promise<ConfigAckMsg> {
    this.checkRefused();
    const link = this.link(b.boardId);
    const ack = await link.configure(b.config);
    if (ack.configHash !== b.hash) throw new DaqError("configure", `board ${b.boardId} applied config hash ${hashHex(ack.configHash)}, the host sent ${hashHex(b.hash)}`);
    const back = encodeConfigPayload(await link.readConfig());
    if (!Buffer.from(back).equals(Buffer.from(b.payload))) throw new DaqError("configure", `board ${b.boardId} reads back a configuration that differs from the one pushed`);
    return ack;
  }

  /** Configure every board; resolves with each board's CONFIG_ACK, in setup order. */
  configureAll(): Promise<ConfigAckMsg[]> {
    return Promise.all(this.conversion.boards.map((b) => this.configureBoard(b)));
  }

  /** Open the run file: header and the configuration snapshot (with the boards' HELLOs), then the frames so far. */
  openRunFile(runNumber: number, extra: Partial<RunSnapshot> = {}, comment?: string, operator?: string): void {
    this.checkRefused();
    this.runNumber = runNumber;
    if (!this.opts.outDir) return;
    mkdirSync(this.opts.outDir, { recursive: true });
    const hellos = new Map(this.setup.boards.map((b) => [b.id, this.link(b.id).hello!]));
    const snapshot = { ...makeSnapshot(this.preset, this.conversion, this.setup, hellos), ...extra };
    const path = resolve(join(this.opts.outDir, runFileName(runNumber)));
    this.writer = RunWriter.create(path, snapshot, { runNumber, ...(comment ? { comment } : {}), ...(operator ? { operator } : {}) });
    for (const e of this.early) this.writer.appendFrame(e.boardId, e.raw);
    this.early.length = 0;
    this.earlyBytes.clear();
    this.runFile = path;
  }

  /** The same RUN_CONTROL to every board (or the listed ones), each waiting for its STATUS. */
  async runControl(action: number, spillNumber: number, boardIds?: readonly number[]): Promise<void> {
    const boards = this.conversion.boards.filter((b) => !boardIds || boardIds.includes(b.boardId));
    await Promise.all(boards.map((b) => this.link(b.boardId).runControl({ action, runNumber: this.runNumber, spillNumber, configHash: b.hash })));
    if (action === RunAction.BEGIN_RUN) this.runActive = true;
    if (action === RunAction.END_RUN) this.runActive = false;
    if (!boardIds && action === RunAction.BEGIN_SPILL) {
      this.spillOpen = spillNumber;
      this.spillsBegun++;
    }
    if (!boardIds && action === RunAction.END_SPILL) this.spillOpen = undefined;
  }

  /** End of run: close open spills, write the trailer (with the run's verdict when its checks ran). */
  finish(reason = "end of run", verdict?: (builder: BuilderStats) => RunVerdict): void {
    this.ended = true;
    this.builder.finish();
    const v = verdict?.(this.builder.stats); // computed whether or not the run is recorded
    const w = this.writer;
    this.writer = undefined;
    w?.close(reason, Date.now(), v);
  }

  async close(): Promise<void> {
    const w = this.writer;
    this.writer = undefined;
    w?.abandon();
    await this.server.close();
  }

  /** Frames received from a board so far. */
  frameCount(boardId: number): number {
    return this.frameStats.get(boardId)?.frames ?? 0;
  }

  boardSummaries(): BoardSummary[] {
    return this.setup.boards.map((b) => {
      const l = this.link(b.id);
      return {
        id: b.id,
        name: b.name,
        role: b.role,
        hello: l.hello!,
        configHash: this.conversion.boards.find((x) => x.boardId === b.id)!.hash,
        frames: this.frameStats.get(b.id)?.frames ?? 0,
        bytes: this.frameStats.get(b.id)?.bytes ?? 0,
        link: {
          ...l.up.stats,
          reconnects: l.stats.connects - 1,
          restarts: this.restarts.get(b.id) ?? 0,
          resendRequests: l.stats.resendRequests,
          maxLateMs: l.stats.maxLateMs,
          lateEpisodes: l.stats.lateEpisodes,
        },
        remote: l.remote,
        protocolErrors: { ...this.server.boardErrors.get(b.id) },
        errorMessages: this.server.recentErrors.filter((e) => e.boardId === b.id).slice(-3).map((e) => e.message),
      };
    });
  }
}
