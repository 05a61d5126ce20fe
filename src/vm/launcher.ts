// Runs built firmware images in the DeviceScript WASM VM as bench boards: one `devs run --tcp`
// process per board, all sharing one Jacdac bus. The bus is only a TCP listener on
// 127.0.0.1:8082 that accepts and ignores the VM's Jacdac traffic (the CLI has no option to move
// it); boards talk to the DAQ host over their own TCP connection (src/link).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEVS_CLI = join(PROJECT_ROOT, "node_modules", "@devicescript", "cli", "devicescript");
export const JACDAC_BUS_PORT = 8082;

/**
 * Device id for a bench board: 16 hex digits "a64e0000PPPPBBBB", board id BBBB and DAQ host port
 * PPPP (0000 = the firmware's default port) in hex ("a64e000000000003" is board 3 on the default
 * port). The VM takes a 16-hex-digit id verbatim (other strings are hashed); the firmware reads
 * both numbers from it (devs/core/board-id.ts) unless its settings say otherwise.
 */
export function deviceIdFor(boardId: number, hostPort = 0): string {
  if (!Number.isInteger(boardId) || boardId < 1 || boardId > 0xfffe) throw new RangeError(`board id ${boardId} outside 1..65534`);
  if (!Number.isInteger(hostPort) || hostPort < 0 || hostPort > 0xffff) throw new RangeError(`host port ${hostPort} outside 0..65535`);
  return "a64e0000" + hostPort.toString(16).padStart(4, "0") + boardId.toString(16).padStart(4, "0");
}

export class BusUnavailableError extends Error {
  constructor(detail: string) {
    super(`cannot provide the DeviceScript Jacdac bus on 127.0.0.1:${JACDAC_BUS_PORT}: ${detail}`);
    this.name = "BusUnavailableError";
  }
}

/**
 * The null Jacdac bus. If another process already listens on the port it is shared: a VM needs the
 * bus only when it starts (a VM whose bus goes away keeps running), so call ensure() before starting
 * VMs; it takes the port over when the other process has closed it.
 */
export class JacdacBus {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private closed = false;

  private constructor() {}

  /** True when this process owns the listener (false: another process's bus is being shared). */
  get owned(): boolean {
    return this.server !== undefined;
  }

  static async start(): Promise<JacdacBus> {
    const bus = new JacdacBus();
    await bus.ensure();
    return bus;
  }

  /** Make sure a bus accepts connections on the port: ours, or another process's. */
  async ensure(): Promise<void> {
    if (this.closed) throw new BusUnavailableError("the bus was closed");
    if (this.server) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      const err = await this.listen();
      if (!err) return;
      if (err.code !== "EADDRINUSE") throw new BusUnavailableError(err.message);
      if (await accepting()) return; // someone else's bus
    }
    throw new BusUnavailableError("port in use but not accepting connections");
  }

  private listen(): Promise<NodeJS.ErrnoException | undefined> {
    const server = createServer((s) => {
      this.sockets.add(s);
      s.on("data", () => undefined);
      s.on("error", () => undefined);
      s.on("close", () => this.sockets.delete(s));
    });
    return new Promise((resolve) => {
      server.once("error", resolve);
      server.listen(JACDAC_BUS_PORT, "127.0.0.1", () => {
        server.unref();
        this.server = server;
        resolve(undefined);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

function accepting(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(JACDAC_BUS_PORT, "127.0.0.1");
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

export interface VmBoardOptions {
  /** Built image (.devs) or a DeviceScript source file. */
  image: string;
  boardId: number;
  /** DAQ host port the board connects to (127.0.0.1); default: the firmware's (DEFAULT_PORT). */
  hostPort?: number;
  /**
   * Working directory of the VM. The simulator keeps the board's flash (settings, persisted
   * configuration, boot count) in <dir>/.devicescript/flash/sim.bin, so every board needs its own;
   * restarting a board in the same directory is a reboot that keeps its flash. Default: a new
   * temporary directory. A .devs image runs from anywhere; a .ts source needs the project root.
   */
  dir?: string;
  /**
   * The bus the VM joins. When it was another process's and that process closed it between
   * ensure() and the VM's start (the VM then exits with "can't connect to 127.0.0.1:8082"), the
   * board takes the port over and starts the VM again (at most BUS_RETRIES times).
   */
  bus?: JacdacBus;
  /** Called with every line the program prints (the "WASM> " prefix removed). */
  onLog?: (line: string) => void;
}

/** Starts of a VM whose bus vanished before it joined it. */
const BUS_RETRIES = 3;
const BUS_GONE = `can't connect to 127.0.0.1:${JACDAC_BUS_PORT}`;

/** One firmware image running in its own VM process. */
export class VmBoard {
  readonly logs: string[] = [];
  /** Resolves with the exit code once the VM has stopped for good. */
  readonly exited: Promise<number | null>;
  /** The VM's working directory (holds the board's flash). */
  readonly dir: string;
  private child!: ChildProcess;
  private killed = false;
  private busRetries = 0;

  constructor(readonly opts: VmBoardOptions) {
    this.dir = opts.dir ?? (opts.image.endsWith(".ts") ? PROJECT_ROOT : mkdtempSync(join(tmpdir(), `na64-board-${opts.boardId}-`)));
    this.exited = new Promise((resolve) => this.spawn(resolve));
  }

  private spawn(done: (code: number | null) => void): void {
    const opts = this.opts;
    const child = spawn(process.execPath, [DEVS_CLI, "run", "--tcp", resolvePath(opts.image), "--device-id", deviceIdFor(opts.boardId, opts.hostPort ?? 0)], {
      cwd: this.dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let partial = "";
    let busGone = false;
    const onData = (d: Buffer) => {
      const text = partial + d.toString("utf-8").replace(/\x1b\[[0-9;]*m/g, "");
      const lines = text.split("\n");
      partial = lines.pop()!;
      for (const raw of lines) {
        const line = raw.startsWith("WASM> ") ? raw.slice(6) : raw;
        if (line.includes(BUS_GONE)) busGone = true;
        this.logs.push(line);
        if (this.logs.length > 2000) this.logs.splice(0, 1000);
        opts.onLog?.(line);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("close", (code) => {
      const bus = opts.bus;
      if (busGone && bus && !this.killed && this.busRetries < BUS_RETRIES) {
        this.busRetries++;
        bus.ensure().then(
          () => this.spawn(done),
          () => done(code),
        );
        return;
      }
      done(code);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stop the VM (a hard power-off from the board's point of view). */
  async kill(): Promise<void> {
    this.killed = true;
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }
}
