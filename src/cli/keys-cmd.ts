// `na64fe keys`: the boards' secret keys (protocol/README.md, "Trust"). `keys create` writes one
// fresh key per board of the setup into a private key file for the host; `keys env BOARD` writes a
// board's id and key into the DeviceScript settings file it is bundled with (devs/README.md,
// "Flashing a board"). Nothing here ever prints a key.
import { Command, InvalidArgumentError } from "commander";
import { loadSetup, type BoardInfo } from "../../boards/setup";
import { generateKeys, keyOf, loadKeys, writeBoardSettings, writeKeyFile } from "../link/keys";
import { EXIT_OK, type Out, type Runner } from "./output";

const DEFAULT_KEY_FILE = "keys.json";
const DEFAULT_ENV_FILE = ".env.local";

interface CreateOpts {
  file: string;
  force?: boolean;
  json?: boolean;
}

interface EnvOpts {
  file: string;
  out: string;
  json?: boolean;
}

function create(out: Out, o: CreateOpts): number {
  const boards = loadSetup().boards;
  writeKeyFile(o.file, generateKeys(boards.map((b) => b.id)), o.force === true);
  const list = boards.map((b) => ({ id: b.id, name: b.name }));
  if (o.json) out.json({ file: o.file, boards: list });
  else {
    out.line(`wrote a new key for each of ${boards.length} boards (${list.map((b) => `${b.name} ${b.id}`).join(", ")}) to ${o.file}, readable by you only`);
    out.line(`give each board its key when you bundle its firmware: na64fe keys env <board> (then npm run bundle); the host reads them with --keys ${o.file}`);
  }
  return EXIT_OK;
}

function boardNamed(name: string): BoardInfo {
  const boards = loadSetup().boards;
  const b = boards.find((x) => x.name === name || String(x.id) === name);
  if (!b) throw new InvalidArgumentError(`no board "${name}" in the setup (boards: ${boards.map((x) => `${x.name} ${x.id}`).join(", ")})`);
  return b;
}

function env(out: Out, board: string, o: EnvOpts): number {
  const b = boardNamed(board);
  writeBoardSettings(o.out, b.id, keyOf(loadKeys(o.file), o.file, b.id));
  if (o.json) out.json({ board: { id: b.id, name: b.name }, settingsFile: o.out, settings: ["boardId", "authKey"] });
  else out.line(`wrote boardId=${b.id} and the authKey of ${b.name} into ${o.out} (readable by you only); bundle and flash the board now, then remove the file`);
  return EXIT_OK;
}

export function keysCommand(run: Runner): Command {
  const cmd = new Command("keys").description("the boards' secret keys: create them, put one into a board's settings for flashing");
  cmd
    .command("create")
    .description("write a fresh key for every board of the setup into a key file only you can read")
    .option("--file <file>", "key file to write", DEFAULT_KEY_FILE)
    .option("--force", "replace an existing key file (every board must then be flashed with its new key)")
    .option("--json", "machine-readable result (never the keys)")
    .action((o: CreateOpts) => run((out) => create(out, o)));
  cmd
    .command("env")
    .description("write a board's id and key into the settings file its firmware is bundled with (npm run bundle)")
    .argument("<board>", "board name or id (see boards/channel-map.json)")
    .option("--file <file>", "key file to read", DEFAULT_KEY_FILE)
    .option("--out <file>", "DeviceScript settings file", DEFAULT_ENV_FILE)
    .option("--json", "machine-readable result (never the key)")
    .action((board: string, o: EnvOpts) => run((out) => env(out, board, o)));
  return cmd;
}
