// An exact VM-operation counter for DeviceScript firmware: the DeviceScript 2.16.4 WASM VM (the one
// `devs run` uses, embedded in @devicescript/cli) rebuilt with one counter added to its interpreter
// loop. The loop of devs_vm_exec_opcodes runs one bytecode operation per turn and counts down the
// 128 K-step watchdog; the counter (an exported i64 global `na64_opcount`) is incremented right
// after the watchdog and suspension checks, so it counts exactly the operations the watchdog counts.
// benchmarks/opcount/preload.mjs swaps the instrumented VM in when a `devs run` process starts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import binaryen from "binaryen";

export const COUNTER_EXPORT = "na64_opcount";
const CLI = join(import.meta.dirname, "..", "..", "node_modules", "@devicescript", "cli", "built", "devicescript-cli.cjs");
/** Expression accessors binaryen.js has and its typings lack. */
interface ExpressionAccess {
  Block: { getChildren(e: number): number[]; insertChildAt(e: number, index: number, child: number): void };
  Loop: { getBody(e: number): number };
  If: { getIfTrue(e: number): number; getIfFalse(e: number): number };
}
const X = binaryen as unknown as ExpressionAccess;

const WASM_PREFIX = "data:application/octet-stream;base64,AGFzbQ";

/** The WASM VM embedded in the DeviceScript CLI (a base64 data URL in its bundle). */
export function extractVmWasm(cliPath = CLI): Uint8Array {
  const s = readFileSync(cliPath, "utf-8");
  const i = s.indexOf(WASM_PREFIX);
  if (i < 0) throw new Error(`${cliPath}: no embedded WASM VM found`);
  const start = i + WASM_PREFIX.length - "AGFzbQ".length;
  const end = s.indexOf('"', start);
  return Buffer.from(s.slice(start, end), "base64");
}

/** Depth-first search through blocks, loops and ifs for the first expression with this id. */
function findFirst(e: number, id: number): number | undefined {
  if (!e) return undefined;
  const eid = binaryen.getExpressionId(e);
  if (eid === id) return e;
  let kids: number[] = [];
  if (eid === binaryen.BlockId) kids = X.Block.getChildren(e);
  else if (eid === binaryen.LoopId) kids = [X.Loop.getBody(e)];
  else if (eid === binaryen.IfId) kids = [X.If.getIfTrue(e), X.If.getIfFalse(e)];
  for (const k of kids) {
    const r = findFirst(k, id);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * The VM with the operation counter. Throws when the interpreter loop does not have the expected
 * shape (another DeviceScript build): [set, br_if (watchdog), br_if (suspension), ...execute].
 */
export function instrumentVm(wasm: Uint8Array): Uint8Array {
  const m = binaryen.readBinary(wasm);
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt | binaryen.Features.BulkMemory | binaryen.Features.NontrappingFPToInt);
    const fn = m.getFunction("devs_vm_exec_opcodes");
    if (!fn) throw new Error("no function devs_vm_exec_opcodes in the VM");
    const loop = findFirst(binaryen.getFunctionInfo(fn).body, binaryen.LoopId);
    if (loop === undefined) throw new Error("devs_vm_exec_opcodes has no loop");
    const body = X.Loop.getBody(loop);
    if (binaryen.getExpressionId(body) !== binaryen.BlockId) throw new Error("interpreter loop body is not a block");
    const kids = X.Block.getChildren(body);
    const ids = kids.slice(0, 3).map((k) => binaryen.getExpressionId(k));
    if (ids[1] !== binaryen.BreakId || ids[2] !== binaryen.BreakId) throw new Error("interpreter loop does not start with the watchdog and suspension checks");
    m.addGlobal(COUNTER_EXPORT, binaryen.i64, true, m.i64.const(0n));
    m.addGlobalExport(COUNTER_EXPORT, COUNTER_EXPORT);
    const inc = m.global.set(COUNTER_EXPORT, m.i64.add(m.global.get(COUNTER_EXPORT, binaryen.i64), m.i64.const(1n)));
    X.Block.insertChildAt(body, 3, inc);
    if (!m.validate()) throw new Error("instrumented VM does not validate");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/** Write the instrumented VM to `path` (what the preload loads). */
export function writeInstrumentedVm(path: string): void {
  writeFileSync(path, instrumentVm(extractVmWasm()));
}
