// The firmware images: one DeviceScript entry per board role (devs/<role>.ts), built into
// dist/firmware/<role>.devs. The DeviceScript CLI always writes <cwd>/.devicescript/bin/ (its -o
// option crashes) and every `devs run file.ts` (the VM tests) compiles into the same place, so
// each image is built in a directory of its own that links to the sources, then copied out.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { DEVS_CLI, PROJECT_ROOT as ROOT } from "../vm/launcher";

export { ROOT };
export const DIST_DIR = join(ROOT, "dist", "firmware");
const LOCK_DIR = join(ROOT, ".devicescript", "build.lock");

/** Entries = the .ts files directly in devs/ (one per board role). */
export function firmwareEntries(): string[] {
  return readdirSync(join(ROOT, "devs"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function imagePath(entry: string): string {
  return join(DIST_DIR, `${entry}.devs`);
}

export class FirmwareBuildError extends Error {
  constructor(
    readonly entry: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`building devs/${entry}.ts failed (devicescript exit ${exitCode}):\n${output}`);
    this.name = "FirmwareBuildError";
  }
}

export interface BuiltImage {
  entry: string;
  path: string;
  bytes: number;
  /** Per-function sizes written by `devs build --stats`, copied next to the image. */
  sizesPath: string;
}

function run(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEVS_CLI, ...args], { cwd });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out: out.replace(/\x1b\[[0-9;]*m/g, "") }));
  });
}

/** Newest modification time of the sources an image is built from. */
function newestSourceMs(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ["devs", "protocol/generated", "protocol/schema"]) walk(join(ROOT, d));
  for (const f of readdirSync(join(ROOT, "boards"))) if (f.endsWith(".board.json")) newest = Math.max(newest, statSync(join(ROOT, "boards", f)).mtimeMs);
  return newest;
}

async function withLock<T>(f: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(LOCK_DIR), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      // Another process builds; a lock older than 2 minutes was left by a killed build.
      try {
        if (Date.now() - statSync(LOCK_DIR).mtimeMs > 120_000) rmSync(LOCK_DIR, { recursive: true, force: true });
      } catch {}
      if (Date.now() - started > 300_000) throw new Error(`timed out waiting for the firmware build lock ${relative(ROOT, LOCK_DIR)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await f();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** A build directory: links to the sources and node_modules, its own .devicescript/. */
function buildDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "na64-devs-build-"));
  for (const d of ["devs", "protocol", "boards", "node_modules"]) symlinkSync(join(ROOT, d), join(dir, d), "dir");
  for (const f of ["devsconfig.json", "package.json"]) copyFileSync(join(ROOT, f), join(dir, f));
  return dir;
}

/** Copy `from` to `to` through a temporary name, so a reader never sees half a file. */
function replaceFile(from: string, to: string): void {
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

async function buildOne(entry: string): Promise<BuiltImage> {
  const dir = buildDir();
  try {
    const r = await run(["build", "--stats", `devs/${entry}.ts`], dir);
    if (r.code !== 0) throw new FirmwareBuildError(entry, r.code, r.out);
    mkdirSync(DIST_DIR, { recursive: true });
    const bin = join(dir, ".devicescript", "bin");
    const path = imagePath(entry);
    replaceFile(join(bin, "bytecode.devs"), path);
    const sizesPath = join(DIST_DIR, `${entry}.sizes.md`);
    replaceFile(join(bin, "bytecode-sizes.md"), sizesPath);
    return { entry, path, bytes: statSync(path).size, sizesPath };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Build every image (or the given entries) into dist/firmware. */
export async function buildFirmware(entries = firmwareEntries()): Promise<BuiltImage[]> {
  return withLock(async () => {
    const out: BuiltImage[] = [];
    for (const e of entries) out.push(await buildOne(e));
    return out;
  });
}

/** Build the images whose sources changed since they were built; return them all. */
export async function ensureFirmware(entries = firmwareEntries()): Promise<BuiltImage[]> {
  return withLock(async () => {
    const newest = newestSourceMs();
    const out: BuiltImage[] = [];
    for (const e of entries) {
      const path = imagePath(e);
      const sizesPath = join(DIST_DIR, `${e}.sizes.md`);
      if (existsSync(path) && existsSync(sizesPath) && statSync(path).mtimeMs >= newest) out.push({ entry: e, path, bytes: statSync(path).size, sizesPath });
      else out.push(await buildOne(e));
    }
    return out;
  });
}
