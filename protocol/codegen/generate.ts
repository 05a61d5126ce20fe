// Generates both codecs from the typed-binary schemas:
//   protocol/generated/host-codec.ts    DataView code for Node (host, simulator, tests)
//   protocol/generated/device-codec.ts  Buffer getAt/setAt code for the DeviceScript firmware
// `tsx protocol/codegen/generate.ts` writes them; `--check` exits 1 if the checked-in files differ.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { emitHostCodec } from "./emit-host";
import { emitDeviceCodec } from "./emit-device";
import { allLayouts, configModel } from "./layouts";

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "generated");

export function generatedFiles(): Record<string, string> {
  const layouts = allLayouts();
  const host = emitHostCodec(
    layouts.map((l) => ({ model: l.model, label: l.label, typeRef: `${l.hostModule}.${l.typeName}` })),
    [
      `import type * as E from "../schema/envelope";`,
      `import type * as M from "../schema/messages";`,
      `import type * as F from "../schema/fifo";`,
    ],
  );
  const device = emitDeviceCodec(
    layouts.map((l) => ({ model: l.model, label: l.label, typeName: l.typeName })),
    configModel(),
  );
  return { "host-codec.ts": host, "device-codec.ts": device };
}

function main(): void {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [name, text] of Object.entries(generatedFiles())) {
    const path = join(OUT_DIR, name);
    let current = "";
    try {
      current = readFileSync(path, "utf-8");
    } catch {
      current = "";
    }
    if (current === text) continue;
    if (check) {
      console.error(`protocol/generated/${name} is stale: run \`npm run codegen\``);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote protocol/generated/${name}`);
    }
  }
  process.exit(stale ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
