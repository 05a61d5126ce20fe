// Reading the per-VM operation counters that benchmarks/opcount/preload.mjs writes: start the
// instrumented VMs by setting the environment below before any VM is spawned (child processes
// inherit it), then read snapshots per board id.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeInstrumentedVm } from "./instrument";

const PRELOAD = join(import.meta.dirname, "preload.mjs");

export interface OpSnapshot {
  /** VM operations executed since the VM started. */
  ops: number;
  /** Milliseconds since the VM started, when the count was taken. */
  ms: number;
}

/** Instrumented VMs for every `devs run` this process starts from now on, until stop(). */
export class OpCounters {
  readonly dir: string;
  private readonly saved: Record<string, string | undefined>;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "na64-opcount-"));
    const wasm = join(this.dir, "vm-opcount.wasm");
    writeInstrumentedVm(wasm);
    this.saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, NA64_OPCOUNT_WASM: process.env.NA64_OPCOUNT_WASM, NA64_OPCOUNT_DIR: process.env.NA64_OPCOUNT_DIR };
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${PRELOAD}`.trim();
    process.env.NA64_OPCOUNT_WASM = wasm;
    process.env.NA64_OPCOUNT_DIR = this.dir;
  }

  /** The latest snapshot of every VM, by board id (from the device id a64e0000PPPPBBBB). */
  read(): Map<number, OpSnapshot> {
    const out = new Map<number, OpSnapshot>();
    for (const f of readdirSync(this.dir)) {
      const m = /^a64e[0-9a-f]{8}([0-9a-f]{4})\.json$/.exec(f);
      if (!m) continue;
      const p = join(this.dir, f);
      if (existsSync(p)) out.set(parseInt(m[1]!, 16), JSON.parse(readFileSync(p, "utf-8")) as OpSnapshot);
    }
    return out;
  }

  /** Forget the VMs' snapshots (a new set of VMs follows). */
  clear(): void {
    for (const f of readdirSync(this.dir)) if (f.endsWith(".json")) rmSync(join(this.dir, f), { force: true });
  }

  stop(): void {
    for (const [k, v] of Object.entries(this.saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
