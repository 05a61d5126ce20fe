// Runs a built firmware image as one readout board in the DeviceScript WASM VM (`devs run --tcp`),
// the way a bench or an integration test does:
// - the board id and the DAQ host's TCP port travel in the device id: 4e413634PPPPBBBB ("NA64",
//   port, board id; see devs/core/board-id.ts), so boards and hosts on any port run side by side;
// - each VM runs in its own directory: the simulator keeps the board's flash (settings, persisted
//   configuration) in <cwd>/.devicescript/flash/sim.bin, so boards do not share settings, and a
//   board restarted in the same directory finds its configuration again (a reboot);
// - `devs run --tcp` needs a Jacdac bus on 127.0.0.1:8082 at start-up: ensureJacdacBus() provides
//   a null bus there, or reuses the one another process already opened.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEVS_CLI } from "./firmware-images";

export const JACDAC_BUS_PORT = 8082;

/** Device id of a bench board: "NA64" + DAQ host port + board id, 16 hex digits. */
export function benchDeviceId(boardId: number, hostPort: number): string {
  if (!(Number.isInteger(boardId) && boardId >= 1 && boardId <= 0xfffe)) throw new RangeError(`board id ${boardId} is not in 1..65534`);
  if (!(Number.isInteger(hostPort) && hostPort >= 0 && hostPort <= 0xffff)) throw new RangeError(`host port ${hostPort} is not in 0..65535`);
  const h4 = (n: number) => n.toString(16).padStart(4, "0");
  return `4e413634${h4(hostPort)}${h4(boardId)}`;
}

export interface JacdacBus {
  /** False when another process already listened on the port (its bus is used). */
  owned: boolean;
  close(): Promise<void>;
}

/**
 * A null Jacdac bus on 127.0.0.1:8082 (it accepts connections and ignores the frames). A VM only
 * needs it while starting; it keeps running when the bus goes away.
 */
export function ensureJacdacBus(port = JACDAC_BUS_PORT): Promise<JacdacBus> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer((s) => {
      s.on("data", () => {});
      s.on("error", () => {});
    });
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE") resolve({ owned: false, close: async () => {} });
      else reject(e);
    });
    server.listen(port, "127.0.0.1", () => {
      server.unref();
      resolve({ owned: true, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

export interface BoardVmOptions {
  /** Absolute path of a built image (dist/firmware/<role>.devs). */
  image: string;
  boardId: number;
  /** TCP port of the DAQ host the board connects to (127.0.0.1). */
  hostPort: number;
  /** Directory holding the board's flash; a new temporary one when omitted. */
  dir?: string;
  /** Called with every line the VM prints (ANSI colours removed). */
  onLine?: (line: string) => void;
}

export class BoardVm {
  readonly dir: string;
  readonly deviceId: string;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private child: ChildProcess;

  constructor(readonly opts: BoardVmOptions) {
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), `na64-board-${opts.boardId}-`));
    this.deviceId = benchDeviceId(opts.boardId, opts.hostPort);
    this.child = spawn(process.execPath, [DEVS_CLI, "run", "--tcp", opts.image, "--device-id", this.deviceId], { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] });
    let partial = "";
    const onData = (d: Buffer) => {
      partial += d.toString("utf-8");
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      for (const raw of parts) {
        const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
        this.lines.push(line);
        if (this.lines.length > 2000) this.lines.splice(0, 1000);
        opts.onLine?.(line);
      }
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stop the VM (a power cut: nothing is flushed beyond what the firmware already wrote to flash). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** The VM's output, for failure messages. */
  tail(n = 40): string {
    return this.lines.slice(-n).join("\n");
  }
}

/** Start one board VM (call ensureJacdacBus() first). */
export function launchBoardVm(opts: BoardVmOptions): BoardVm {
  return new BoardVm(opts);
}
