// Writes the golden vectors and the VM program that checks them:
//   protocol/golden/vectors.json   every vector: name, envelope, values, host-encoded hex
//   test/vm/golden-<i>.gen.ts      DeviceScript test programs (emit-vm.ts)
// `tsx protocol/golden/generate.ts` writes them; `--check` exits 1 if the checked-in files differ.
// test/protocol/golden.test.ts fails while they are stale.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isMain, REPO_ROOT, writeOrCheck } from "../codegen/output";
import { buildVectors, vectorsJson, GOLDEN_JSON } from "./vectors";
import { emitGoldenVmPrograms, GOLDEN_VM_DIR, GOLDEN_VM_PATTERN } from "./emit-vm";

export function goldenFiles(): Record<string, string> {
  const vectors = buildVectors();
  return { [GOLDEN_JSON]: vectorsJson(vectors), ...emitGoldenVmPrograms(vectors) };
}

/** Checked-in golden VM programs, by repository-relative path. */
export function goldenVmProgramsOnDisk(root = REPO_ROOT): string[] {
  return readdirSync(join(root, GOLDEN_VM_DIR))
    .filter((f) => GOLDEN_VM_PATTERN.test(f))
    .map((f) => `${GOLDEN_VM_DIR}/${f}`)
    .sort();
}

if (isMain(import.meta.url)) {
  const files = goldenFiles();
  // Programs left over from a larger split are stale too.
  const extra = goldenVmProgramsOnDisk().filter((p) => !(p in files));
  if (extra.length && process.argv.includes("--check")) {
    for (const p of extra) console.error(`${p} is no longer generated: run \`npm run golden\``);
    process.exit(1);
  }
  for (const p of extra) rmSync(join(REPO_ROOT, p));
  writeOrCheck(files, process.argv, "npm run golden");
}
