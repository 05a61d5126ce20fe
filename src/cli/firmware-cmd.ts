// `na64fe build` and `na64fe bundle`: the firmware images (one per board role) and the flashable
// image of one board (firmware over the DeviceScript runtime of its ESP32-S3).
import { Command } from "commander";
import { relative } from "node:path";
import { buildFirmware, FirmwareBuildError, ROOT } from "../firmware/images";
import { bundleFirmware, BundleError, planBundle } from "../firmware/bundle";
import { table } from "../format/text";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Out, type Runner } from "./output";

const LIMIT_BYTES = 32 * 1024;

async function build(out: Out, json: boolean): Promise<number> {
  let images: Awaited<ReturnType<typeof buildFirmware>>;
  try {
    images = await buildFirmware();
  } catch (e) {
    if (e instanceof FirmwareBuildError) {
      out.error(e.message);
      return EXIT_FAILED;
    }
    throw e;
  }
  if (json) out.json(images.map((i) => ({ entry: i.entry, path: relative(ROOT, i.path), bytes: i.bytes, sizes: relative(ROOT, i.sizesPath) })));
  else {
    const head = ["image", "bytes", "of 32 KB"].map((h) => out.c.underline(h));
    const rows = images.map((i) => [relative(ROOT, i.path), String(i.bytes), `${((100 * i.bytes) / LIMIT_BYTES).toFixed(0)} %`]);
    for (const l of table([head, ...rows])) out.line(l);
  }
  return EXIT_OK;
}

async function bundle(out: Out, board: string | undefined, json: boolean): Promise<number> {
  try {
    planBundle(board);
  } catch (e) {
    if (e instanceof BundleError) {
      out.error(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
  try {
    const { plan, bytes } = await bundleFirmware(board);
    if (json) out.json({ board: plan.board, entry: plan.entry, output: relative(ROOT, plan.output), bytes });
    else out.line(`flashable image for ${plan.board} (devs/${plan.entry}.ts): ${relative(ROOT, plan.output)}, ${bytes} bytes`);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof BundleError) {
      out.error(e.message);
      return EXIT_FAILED;
    }
    throw e;
  }
}

export function buildCommand(run: Runner): Command {
  return new Command("build")
    .description("build every firmware image (devs/<role>.ts) into dist/firmware/<role>.devs")
    .option("--json", "machine-readable output")
    .addHelpText("after", "\nExit codes: 0 built, 1 an image did not compile (the compiler's message is printed).")
    .action((opts: { json?: boolean }) => run((out) => build(out, opts.json === true)));
}

export function bundleCommand(run: Runner): Command {
  return new Command("bundle")
    .description("flashable image for one board: its role's firmware over the DeviceScript ESP32-S3 runtime")
    .requiredOption("--board <id>", "DeviceScript board id from boards/channel-map.json, e.g. na64_calo_s3")
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      "\nThe runtime image comes from GitHub; offline, put it in .devicescript/cache/ (the error message says which file).\nExit codes: 0 written, 1 runtime image missing or bundling failed.",
    )
    .action((opts: { board: string; json?: boolean }) => run((out) => bundle(out, opts.board, opts.json === true)));
}
