// `npm run bundle -- --board <id>`: a flashable image for one readout board (ESP32-S3), written to
// dist/firmware/<board>.bin. The work is in src/firmware/bundle.ts (also behind `na64fe bundle`).
import { relative } from "node:path";
import { bundleFirmware, BundleError } from "../src/firmware/bundle";
import { ROOT } from "../src/firmware/images";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const i = args.indexOf("--board");
  const { plan, bytes } = await bundleFirmware(i >= 0 ? args[i + 1] : undefined);
  console.log(`flashable image for ${plan.board} (devs/${plan.entry}.ts): ${relative(ROOT, plan.output)}, ${bytes} bytes`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof BundleError ? `bundle: ${e.message}` : e);
    process.exit(1);
  },
);
