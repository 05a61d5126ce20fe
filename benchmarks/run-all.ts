// `npm run bench`: every benchmark in turn, then benchmarks/REPORT.md.
//   npm run bench                      all (the firmware benchmark takes about 10 minutes)
//   npm run bench -- --quick           shorter firmware benchmark
//   npm run bench -- --only host,e2e   a subset (names: protocol simulator host firmware firmware-ops e2e)
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderReport } from "./report";

const DIR = dirname(fileURLToPath(import.meta.url));
const ALL = ["protocol", "simulator", "host", "firmware", "firmware-ops", "e2e"] as const;
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1]!.split(",") : [...ALL];
const unknown = only.filter((x) => !(ALL as readonly string[]).includes(x));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(", ")} (have ${ALL.join(", ")})`);
  process.exit(2);
}
const failed: string[] = [];
for (const name of ALL) {
  if (!only.includes(name)) continue;
  const extra = name === "firmware" && args.includes("--quick") ? ["--quick"] : name === "firmware-ops" ? ["--out"] : [];
  console.log(`\n=== benchmarks/${name}.ts ${extra.join(" ")}`);
  const r = spawnSync(process.execPath, [join(DIR, "..", "node_modules", "tsx", "dist", "cli.mjs"), join(DIR, `${name}.ts`), ...extra], { stdio: "inherit", cwd: join(DIR, "..") });
  if (r.status !== 0) failed.push(name);
}
writeFileSync(join(DIR, "REPORT.md"), renderReport());
console.log(`\nwrote benchmarks/REPORT.md${failed.length ? `; failed: ${failed.join(", ")}` : ""}`);
process.exit(failed.length ? 1 : 0);
