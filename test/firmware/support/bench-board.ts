// One built firmware image running in the VM against the DAQ host's real board server
// (src/link): the arrangement of a bench run, for the firmware integration tests.
import type { AddressInfo } from "node:net";
import { BoardServer } from "../../../src/link/board-server";
import type { BoardLink } from "../../../src/link/board-link";
import { JacdacBus, VmBoard } from "../../../src/vm/launcher";
import type { Frame } from "../../../protocol/frame";
import { ensureFirmware, imagePath } from "../../../src/firmware/images";
import type { MessageName } from "../../../protocol/codecs";

export type FrameOf<K extends MessageName> = Extract<Frame, { name: K }>;

export class BenchBoard {
  /** Every frame the board delivered (in seq order, exactly once), over all connections. */
  readonly frames: Frame[] = [];
  vm: VmBoard;
  private constructor(
    readonly entry: string,
    readonly boardId: number,
    readonly server: BoardServer,
    readonly address: AddressInfo,
    private bus: JacdacBus,
  ) {
    this.vm = this.launch();
  }

  static async start(entry: string, boardId: number): Promise<BenchBoard> {
    await ensureFirmware([entry]);
    const bus = await JacdacBus.start();
    const server = new BoardServer({ port: 0 });
    const address = await server.listen();
    const b = new BenchBoard(entry, boardId, server, address, bus);
    server.on("frame", (_link, f) => b.frames.push(f));
    await b.link();
    return b;
  }

  private launch(): VmBoard {
    return new VmBoard({ image: imagePath(this.entry), boardId: this.boardId, hostPort: this.address.port, bus: this.bus });
  }

  /** The board's link once it said HELLO. */
  async link(timeoutMs = 20_000): Promise<BoardLink> {
    const t0 = Date.now();
    for (;;) {
      const l = this.server.link(this.boardId);
      if (l?.connected) return l;
      if (Date.now() - t0 > timeoutMs) throw new Error(`board ${this.boardId} did not connect within ${timeoutMs} ms; VM output:\n${this.vm.logs.slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Frames named `name` delivered at index >= from. */
  all<K extends MessageName>(name: K, from = 0): FrameOf<K>[] {
    return this.frames.slice(from).filter((f) => f.name === name) as FrameOf<K>[];
  }

  /** Wait until `pred` holds. */
  async until<T>(pred: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    const t0 = Date.now();
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; VM output:\n${this.vm.logs.slice(-20).join("\n")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Power-cycle the board: kill its VM and start the image again on the same flash. */
  async reboot(): Promise<BoardLink> {
    const before = this.server.link(this.boardId)?.stats.connects ?? 0;
    await this.vm.reboot();
    await this.until(() => (this.server.link(this.boardId)?.stats.connects ?? 0) > before, "the board to reconnect after the reboot");
    return this.link();
  }

  async stop(): Promise<void> {
    await this.vm.kill();
    await this.server.close();
    await this.bus.close();
  }
}
