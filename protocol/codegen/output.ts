// Writing or checking generated files, shared by every generator in protocol/ (codecs, golden
// vectors) and by the tests that fail when a checked-in generated file is stale.
// Paths are relative to the repository root.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The repository-relative paths whose checked-in content differs from `files`. */
export function staleFiles(files: Record<string, string>, root = REPO_ROOT): string[] {
  const stale: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, path), "utf-8");
    } catch {
      current = undefined;
    }
    if (current !== text) stale.push(path);
  }
  return stale;
}

/**
 * Command-line body of a generator: with `--check` print the stale files and exit 1 if there are
 * any; otherwise write the stale ones. `regenerate` is the npm script that rewrites them.
 */
export function writeOrCheck(files: Record<string, string>, argv: readonly string[], regenerate: string): never {
  const stale = staleFiles(files);
  if (argv.includes("--check")) {
    for (const p of stale) console.error(`${p} is stale: run \`${regenerate}\``);
    process.exit(stale.length ? 1 : 0);
  }
  for (const p of stale) {
    writeFileSync(join(REPO_ROOT, p), files[p]!);
    console.log(`wrote ${p}`);
  }
  if (!stale.length) console.log(`${Object.keys(files).length} files up to date`);
  process.exit(0);
}

/** True when this module is the script node was started with (`tsx path/to/script.ts`). */
export function isMain(importMetaUrl: string): boolean {
  return !!process.argv[1] && fileURLToPath(importMetaUrl) === process.argv[1];
}
