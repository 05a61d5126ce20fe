// Runs built firmware images in the DeviceScript WASM VM as bench boards: one `devs run --tcp`
// process per board, all sharing one Jacdac bus. The bus is only a TCP listener on
// 127.0.0.1:8082 that accepts and ignores the VM's Jacdac traffic (the CLI has no option to move
// it); boards talk to the DAQ host over their own TCP connection (src/link).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEVS_CLI = join(PROJECT_ROOT, "node_modules", "@devicescript", "cli", "devicescript");
export const JACDAC_BUS_PORT = 8082;

/**
 * Device id for a bench board: 16 hex digits, board id in the low 16 bits ("a64e000000000003" is
 * board 3). The VM takes a 16-hex-digit id verbatim (other strings are hashed).
 */
export function deviceIdFor(boardId: number): string {
  if (!Number.isInteger(boardId) || boardId < 1 || boardId > 0xfffe) throw new RangeError(`board id ${boardId} outside 1..65534`);
  return "a64e" + boardId.toString(16).padStart(12, "0");
}

export class BusUnavailableError extends Error {
  constructor(detail: string) {
    super(`cannot provide the DeviceScript Jacdac bus on 127.0.0.1:${JACDAC_BUS_PORT}: ${detail}`);
    this.name = "BusUnavailableError";
  }
}

/** The null Jacdac bus. If another process already listens on the port, it is shared. */
export class JacdacBus {
  private constructor(
    private readonly server: Server | undefined,
    private readonly sockets: Set<Socket>,
  ) {}

  /** True when this process owns the listener (false: another process's bus is being shared). */
  get owned(): boolean {
    return this.server !== undefined;
  }

  static async start(): Promise<JacdacBus> {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on("data", () => undefined);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    });
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once("error", resolve);
      server.listen(JACDAC_BUS_PORT, "127.0.0.1", () => resolve(undefined));
    });
    if (!err) {
      server.unref();
      return new JacdacBus(server, sockets);
    }
    if (err.code !== "EADDRINUSE") throw new BusUnavailableError(err.message);
    // Someone else's bus: usable if it accepts connections.
    await new Promise<void>((resolve, reject) => {
      const probe = connect(JACDAC_BUS_PORT, "127.0.0.1");
      probe.once("connect", () => {
        probe.destroy();
        resolve();
      });
      probe.once("error", (e) => reject(new BusUnavailableError(`port in use and not accepting connections (${e.message})`)));
    });
    return new JacdacBus(undefined, sockets);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

export interface VmBoardOptions {
  /** Built image (.devs) or a DeviceScript source file. */
  image: string;
  boardId: number;
  /** Called with every line the program prints (the "WASM> " prefix removed). */
  onLog?: (line: string) => void;
}

/** One firmware image running in its own VM process. */
export class VmBoard {
  readonly logs: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(readonly opts: VmBoardOptions) {
    this.child = spawn(process.execPath, [DEVS_CLI, "run", "--tcp", opts.image, "--device-id", deviceIdFor(opts.boardId)], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let partial = "";
    const onData = (d: Buffer) => {
      const text = partial + d.toString("utf-8").replace(/\x1b\[[0-9;]*m/g, "");
      const lines = text.split("\n");
      partial = lines.pop()!;
      for (const raw of lines) {
        const line = raw.startsWith("WASM> ") ? raw.slice(6) : raw;
        this.logs.push(line);
        if (this.logs.length > 2000) this.logs.splice(0, 1000);
        opts.onLog?.(line);
      }
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stop the VM (a hard power-off from the board's point of view). */
  async kill(): Promise<void> {
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }
}
