// The compiled na64fe CLI: src/cli/main.ts and the project code it imports, bundled by esbuild into
// one ES module, dist/cli/na64fe.mjs (npm packages stay external). `npm install` builds it
// (postinstall); bin/na64fe.js rebuilds it first when a source file is newer than the bundle, so
// an edited source is never run stale, and otherwise starts it directly (no TypeScript at run time).
// Source files find their data next to themselves (import.meta.url): each file's import.meta.url is
// rewritten to its own location relative to the bundle, so presets/ and boards/ are found as before.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE = join(ROOT, "dist", "cli", "na64fe.mjs");
const ENTRY = join(ROOT, "src", "cli", "main.ts");
/** Folders whose sources the CLI may import. */
const SOURCE_DIRS = ["src", "protocol", "simulator", "boards", "devs/core", "testkit"];

function newestSourceMs(dir) {
  let newest = 0;
  const full = join(ROOT, dir);
  if (!existsSync(full)) return 0;
  for (const e of readdirSync(full, { withFileTypes: true })) {
    if (e.isDirectory()) newest = Math.max(newest, newestSourceMs(join(dir, e.name)));
    else if (e.name.endsWith(".ts") || e.name.endsWith(".json")) newest = Math.max(newest, statSync(join(full, e.name)).mtimeMs);
  }
  return newest;
}

/** The bundle exists and no source file (nor package.json) is newer. */
export function bundleFresh() {
  if (!existsSync(BUNDLE)) return false;
  const built = statSync(BUNDLE).mtimeMs;
  const newest = Math.max(statSync(join(ROOT, "package.json")).mtimeMs, ...SOURCE_DIRS.map(newestSourceMs));
  return newest <= built;
}

/** Bundle the CLI (about a second); written to a temporary file, then renamed into place. */
export async function buildBundle() {
  const { build } = await import("esbuild");
  mkdirSync(dirname(BUNDLE), { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const ownUrl = {
    name: "own-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, "utf-8");
        if (!text.includes("import.meta.url")) return undefined;
        const rel = relative(dirname(BUNDLE), args.path).split("\\").join("/");
        return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: "ts" };
      });
    },
  };
  await build({
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    logLevel: "error",
    plugins: [ownUrl],
  });
  renameSync(tmp, BUNDLE);
}

/** The CLI's main(): from the bundle, rebuilt first when stale; through tsx when esbuild is missing. */
export async function loadMain() {
  try {
    if (!bundleFresh()) await buildBundle();
    return (await import(pathToFileURL(BUNDLE).href)).main;
  } catch (e) {
    if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes("esbuild")) throw e;
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport("../src/cli/main.ts", import.meta.url)).main;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes("--build")) await buildBundle();
