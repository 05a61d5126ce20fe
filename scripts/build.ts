// `npm run build`: builds every firmware image (devs/<role>.ts) into dist/firmware/<role>.devs and
// prints their sizes. Exit code 1 (with the compiler's message) when an image does not build.
import { relative } from "node:path";
import { buildFirmware, FirmwareBuildError, ROOT } from "../src/firmware/images";

const LIMIT_BYTES = 32 * 1024;

try {
  const images = await buildFirmware();
  console.log("image                              bytes   of 32 KB");
  for (const im of images)
    console.log(`${relative(ROOT, im.path).padEnd(32)} ${String(im.bytes).padStart(6)}   ${((100 * im.bytes) / LIMIT_BYTES).toFixed(0).padStart(4)} %`);
} catch (e) {
  if (e instanceof FirmwareBuildError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
