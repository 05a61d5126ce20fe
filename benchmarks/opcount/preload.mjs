// Loaded into a `devs run` process (NODE_OPTIONS="--import <this file>") by the op-count benchmarks:
// replaces the DeviceScript WASM VM by the instrumented one (benchmarks/opcount/instrument.ts,
// file in NA64_OPCOUNT_WASM) and writes the operations executed so far, every 20 ms, to
// NA64_OPCOUNT_DIR/<device id>.json as {"ops": n, "ms": time since start}.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const wasmPath = process.env.NA64_OPCOUNT_WASM;
const dir = process.env.NA64_OPCOUNT_DIR;
const argIdx = process.argv.indexOf("--device-id");
const deviceId = argIdx > 0 ? process.argv[argIdx + 1] : "vm-" + process.pid;

if (wasmPath && dir) {
  const instrumented = readFileSync(wasmPath);
  const original = WebAssembly.instantiate;
  let counter;
  WebAssembly.instantiate = async function (source, imports) {
    const isVm = source instanceof Uint8Array || source instanceof ArrayBuffer;
    const r = await original.call(WebAssembly, isVm && !counter ? instrumented : source, imports);
    const inst = r.instance ?? r;
    if (inst.exports?.na64_opcount) counter = inst.exports.na64_opcount;
    return r;
  };
  const t0 = Date.now();
  const file = join(dir, deviceId + ".json");
  const tmp = file + ".tmp";
  const dump = () => {
    if (!counter) return;
    writeFileSync(tmp, JSON.stringify({ ops: Number(counter.value), ms: Date.now() - t0 }));
    renameSync(tmp, file);
  };
  setInterval(dump, 20).unref();
  process.on("SIGUSR2", dump);
  process.on("exit", dump);
}
