// Runs built firmware images in the DeviceScript WASM VM as bench boards: one `devs run --tcp`
// process per board, all sharing one Jacdac bus. The bus is only a TCP listener on
// 127.0.0.1:8082 that accepts and ignores the VM's Jacdac traffic (the CLI has no option to move
// it); boards talk to the DAQ host over their own TCP connection (src/link).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  /**
   * The board's secret key (32 bytes). `devs run` gives a VM no settings, so the board runs its own
   * copy of the image (in `dir`) with the key written into the image's key slot (devs/link/auth.ts),
   * where the firmware finds it when its `authKey` setting is absent. Built images (.devs) only.
   */
  key?: Uint8Array;
}

/** The 32 bytes the firmware reserves for a bench key: "NA64-KEY-SLOT-v1" then bytes 0..15 (devs/link/auth.ts). */
const KEY_SLOT = Buffer.concat([Buffer.from("NA64-KEY-SLOT-v1", "latin1"), Buffer.from(Array.from({ length: 16 }, (_, i) => i))]);

/** The image at `image` with `key` in its key slot; throws when the image has no slot (or more than one). */
export function imageWithKey(image: string, key: Uint8Array): Buffer {
  if (key.length !== KEY_SLOT.length) throw new RangeError(`a board key has ${KEY_SLOT.length} bytes, got ${key.length}`);
  const bytes = readFileSync(image);
  const at = bytes.indexOf(KEY_SLOT);
  if (at < 0 || bytes.indexOf(KEY_SLOT, at + 1) >= 0) throw new Error(`${image}: no single key slot in the image (built from an older firmware?)`);
  bytes.set(key, at);
  return bytes;
}

/** Starts of a VM whose bus vanished before it joined it. */
const BUS_RETRIES = 3;
const BUS_GONE = `can't connect to 127.0.0.1:${JACDAC_BUS_PORT}`;

/** Preloaded into every VM process: it ends when its host does (src/vm/parent-watch.cjs). */
const PARENT_WATCH = join(PROJECT_ROOT, "src", "vm", "parent-watch.cjs");

/** Temporary folders of VMs this process made, removed on its way out if a VM was not stopped. */
const ownedDirs = new Set<string>();
process.on("exit", () => {
  for (const d of ownedDirs) rmSync(d, { recursive: true, force: true });
});

/**
 * One firmware image running in its own VM process. The process ends with its host (even when the
 * host is killed), and a temporary working folder the board made is removed when it stops, on every
 * path (issue 11).
 */
export class VmBoard {
  readonly logs: string[] = [];
  /** The VM's working directory (holds the board's flash). */
  readonly dir: string;
  private child!: ChildProcess;
  private current!: Promise<number | null>;
  private stopping = false;
  private busRetries = 0;
  /** The board made `dir` itself (a temporary folder) and removes it when it stops. */
  private readonly ownsDir: boolean;

  /** The image the VM runs: the given one, or the board's keyed copy in its folder. */
  private readonly image: string;

  constructor(readonly opts: VmBoardOptions) {
    if (opts.key && opts.image.endsWith(".ts")) throw new Error("a board key needs a built image (.devs), not a source file");
    this.ownsDir = opts.dir === undefined && !opts.image.endsWith(".ts");
    this.dir = opts.dir ?? (opts.image.endsWith(".ts") ? PROJECT_ROOT : mkdtempSync(join(tmpdir(), `na64-board-${opts.boardId}-`)));
    if (this.ownsDir) ownedDirs.add(this.dir);
    this.image = resolvePath(opts.image);
    if (opts.key) {
      this.image = join(this.dir, "keyed-firmware.devs");
      writeFileSync(this.image, imageWithKey(opts.image, opts.key), { mode: 0o600 });
    }
    this.start();
  }

  /** Resolves with the exit code once the running VM process has stopped for good. */
  get exited(): Promise<number | null> {
    return this.current;
  }

  private start(): void {
    this.current = new Promise((resolve) => this.spawn(resolve));
  }

  private spawn(done: (code: number | null) => void): void {
    const opts = this.opts;
    const args = ["-r", PARENT_WATCH, DEVS_CLI, "run", "--tcp", this.image, "--device-id", deviceIdFor(opts.boardId, opts.hostPort ?? 0)];
    const child = spawn(process.execPath, args, {
      cwd: this.dir,
      // stdin is the pipe the VM watches to end with its host.
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NA64_VM_OWNED_DIR: this.ownsDir ? this.dir : "" },
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
    child.stdin!.on("error", () => undefined);
    child.on("close", (code) => {
      const bus = opts.bus;
      if (busGone && bus && !this.stopping && this.busRetries < BUS_RETRIES) {
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

  /** Power-cycle the board: stop the VM and start the image again in the same folder (its flash is kept). */
  async reboot(): Promise<void> {
    this.stopping = true;
    if (this.running) this.child.kill("SIGKILL");
    await this.current;
    this.stopping = false;
    this.start();
  }

  /** Stop the VM for good (a hard power-off from the board's point of view); its temporary folder goes. */
  async kill(): Promise<void> {
    this.stopping = true;
    if (this.running) this.child.kill("SIGKILL");
    await this.current;
    if (this.ownsDir) {
      rmSync(this.dir, { recursive: true, force: true });
      ownedDirs.delete(this.dir);
    }
  }
}
