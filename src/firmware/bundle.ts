// `npm run bundle -- --board <id>`: a flashable image for one readout board (ESP32-S3): the
// DeviceScript runtime for the board's chip with the firmware of the board's role (and its
// settings) in its flash storage, written to dist/firmware/<board>.bin.
//
// `devs bundle` downloads the runtime from GitHub; it uses a copy in .devicescript/cache/ when that
// file is less than 24 hours old. Offline, this script checks for that file first and, when it is
// missing or old, says in one message which file, where it goes and how to get it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join, relative } from "node:path";
import { loadSetup } from "../../boards/setup";
import { DEVS_CLI, PROJECT_ROOT as ROOT } from "../vm/launcher";

/** DeviceScript runtime images per chip (custom boards are patched from the arch's bare image). */
const RUNTIME_IMAGES: Record<string, string> = {
  esp32s3: "https://github.com/microsoft/devicescript-esp32/releases/latest/download/devicescript-esp32s3-esp32s3_bare-0x0.bin",
};

const ENTRY_OF_ROLE: Record<string, string> = { trigger: "trigger", calorimeter: "calorimeter", veto: "veto" };
const CACHE_DIR = join(ROOT, ".devicescript", "cache");
const MAX_AGE_MS = 24 * 3600 * 1000;
/** `devs bundle` starts the DeviceScript devtools on these ports. */
const DEVTOOLS_PORTS = [8081, 8082, 8083];

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleError";
  }
}

export interface BundlePlan {
  board: string;
  entry: string;
  arch: string;
  runtimeUrl: string;
  /** Where `devs bundle` looks for the runtime image. */
  cachePath: string;
  output: string;
}

/** Which image, runtime and output a board id means; throws BundleError naming what is wrong. */
export function planBundle(board: string | undefined): BundlePlan {
  const boards = new Map<string, string>();
  for (const b of loadSetup().boards) boards.set(b.devsBoard, b.role);
  const known = [...boards.keys()].join(", ");
  if (!board) throw new BundleError(`which board? Use --board <id> with one of: ${known}`);
  const role = boards.get(board);
  if (!role) throw new BundleError(`unknown board "${board}": boards/channel-map.json names ${known}`);
  const file = join(ROOT, "boards", `${board}.board.json`);
  if (!existsSync(file)) throw new BundleError(`boards/${board}.board.json is missing`);
  const arch = (JSON.parse(readFileSync(file, "utf-8")) as { archId?: string }).archId ?? "";
  const runtimeUrl = RUNTIME_IMAGES[arch];
  if (!runtimeUrl) throw new BundleError(`boards/${board}.board.json: no DeviceScript runtime known for archId "${arch}"`);
  return {
    board,
    entry: ENTRY_OF_ROLE[role]!,
    arch,
    runtimeUrl,
    cachePath: join(CACHE_DIR, runtimeUrl.replace(/.*\//, "")),
    output: join(ROOT, "dist", "firmware", `${board}.bin`),
  };
}

/** Undefined when the cached runtime is usable, else the one message explaining what to do. */
export function runtimeProblem(plan: BundlePlan, now = Date.now()): string | undefined {
  const rel = relative(ROOT, plan.cachePath);
  const get =
    `Download ${plan.runtimeUrl} on a machine with internet access, copy it to ${rel} (in this project) ` +
    `and run \`touch ${rel}\` (the DeviceScript CLI only uses a cached runtime less than 24 hours old). ` +
    `On a connected machine \`npm run bundle -- --board ${plan.board}\` fetches it by itself.`;
  if (!existsSync(plan.cachePath)) return `Cannot bundle ${plan.board} offline: the DeviceScript ${plan.arch} runtime image ${rel} is missing. ${get}`;
  const age = now - statSync(plan.cachePath).mtimeMs;
  if (age >= MAX_AGE_MS)
    return `Cannot bundle ${plan.board} offline: the DeviceScript ${plan.arch} runtime image ${rel} is ${(age / 3600000).toFixed(0)} hours old and the CLI would download it again. Run \`touch ${rel}\` to keep using it.`;
  return undefined;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/**
 * Build the flashable image of one board: its role's firmware over the DeviceScript runtime of its
 * chip, in dist/firmware/<board>.bin. Throws BundleError with one message saying what is missing.
 */
export async function bundleFirmware(board: string | undefined): Promise<{ plan: BundlePlan; bytes: number }> {
  const plan = planBundle(board);
  const problem = runtimeProblem(plan);
  if (problem) throw new BundleError(problem);
  for (const p of DEVTOOLS_PORTS)
    if (!(await portFree(p))) throw new BundleError(`port ${p} on 127.0.0.1 is in use; \`devs bundle\` needs ${DEVTOOLS_PORTS.join(", ")} for its devtools: stop what uses it (a bench or test run) and try again`);
  mkdirSync(join(ROOT, "dist", "firmware"), { recursive: true });
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [DEVS_CLI, "bundle", "--board", plan.board, "--flash-file", relative(ROOT, plan.output), `devs/${plan.entry}.ts`], { cwd: ROOT, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new BundleError(`devs bundle exited with code ${code}`);
  return { plan, bytes: statSync(plan.output).size };
}
