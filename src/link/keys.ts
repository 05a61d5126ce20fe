// Per-board secret keys on the host: the key file (`na64fe keys create`), and the settings lines a
// board is flashed with (`na64fe keys env`). A key never appears in an error message, a log, a
// report or a run file: errors name the file, the board and what is wrong, never the bytes.
//
// Key file (JSON, UTF-8, mode 0600: readable and writable by its owner only):
//   { "format": "na64fe-keys 1", "keys": { "<board id>": "<64 hex digits>", ... } }
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { KEY_BYTES } from "./auth";

export const KEY_FILE_FORMAT = "na64fe-keys 1";

/** Keys by board id. */
export type BoardKeys = ReadonlyMap<number, Buffer>;

export type KeyFileErrorCode = "IO" | "PERMISSIONS" | "FORMAT" | "EXISTS" | "NO_KEY";

export class KeyFileError extends Error {
  constructor(
    readonly code: KeyFileErrorCode,
    readonly file: string,
    /** What failed: "mode", "json", "format", "keys.3" ... */
    readonly field: string,
    /** The value that failed (never key material: a mode, a length, a board id). */
    readonly value: unknown,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "KeyFileError";
  }
}

/** Read a key file; refuses one that others may read or write, and any malformed entry. */
export function loadKeys(file: string): BoardKeys {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (e) {
    throw new KeyFileError("IO", file, "path", file, `cannot read the key file: ${(e as Error).message}`);
  }
  if (mode & 0o077)
    throw new KeyFileError("PERMISSIONS", file, "mode", mode.toString(8).padStart(4, "0"), `the key file is open to other users (mode ${mode.toString(8).padStart(4, "0")}); make it private: chmod 600 ${file}`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf-8"));
  } catch (e) {
    throw new KeyFileError("FORMAT", file, "json", undefined, `not a key file (not JSON: ${(e as Error).message.replace(/ in JSON.*$/, "")})`);
  }
  const d = doc as { format?: unknown; keys?: unknown };
  if (typeof d !== "object" || d === null || d.format !== KEY_FILE_FORMAT)
    throw new KeyFileError("FORMAT", file, "format", typeof d === "object" && d ? d.format : undefined, `not a key file: "format" must be "${KEY_FILE_FORMAT}"`);
  if (typeof d.keys !== "object" || d.keys === null || Array.isArray(d.keys)) throw new KeyFileError("FORMAT", file, "keys", undefined, `"keys" must be an object of board id -> key`);
  const out = new Map<number, Buffer>();
  for (const [id, hex] of Object.entries(d.keys as Record<string, unknown>)) {
    const n = Number(id);
    if (!/^\d+$/.test(id) || n < 1 || n > 0xfffe) throw new KeyFileError("FORMAT", file, `keys.${id}`, id, `"${id}" is not a board id (1..65534)`);
    if (typeof hex !== "string" || !new RegExp(`^[0-9a-fA-F]{${2 * KEY_BYTES}}$`).test(hex))
      throw new KeyFileError("FORMAT", file, `keys.${id}`, typeof hex === "string" ? hex.length : typeof hex, `the key of board ${id} must be ${2 * KEY_BYTES} hex digits (${typeof hex === "string" ? `${hex.length} characters` : typeof hex} found)`);
    out.set(n, Buffer.from(hex, "hex"));
  }
  return out;
}

/** The keys of these boards from a key file; a board without one is a KeyFileError naming it. */
export function loadKeysFor(file: string, boardIds: readonly number[]): BoardKeys {
  const keys = loadKeys(file);
  for (const id of boardIds) keyOf(keys, file, id);
  return keys;
}

/** A fresh random key for each board. */
export function generateKeys(boardIds: readonly number[]): Map<number, Buffer> {
  return new Map(boardIds.map((id) => [id, randomBytes(KEY_BYTES)]));
}

/** Write a new key file (mode 0600). Refuses to replace one unless `replace` is set. */
export function writeKeyFile(file: string, keys: BoardKeys, replace = false): void {
  if (existsSync(file) && !replace)
    throw new KeyFileError("EXISTS", file, "path", file, "a key file exists already; replacing it means flashing every board again (--force replaces it)");
  const body = JSON.stringify({ format: KEY_FILE_FORMAT, keys: Object.fromEntries([...keys].map(([id, k]) => [String(id), k.toString("hex")])) }, null, 2) + "\n";
  writePrivate(file, body);
}

/** The key of one board, or a KeyFileError naming the board. */
export function keyOf(keys: BoardKeys, file: string, boardId: number): Buffer {
  const k = keys.get(boardId);
  if (!k) throw new KeyFileError("NO_KEY", file, `keys.${boardId}`, boardId, `no key for board ${boardId}`);
  return k;
}

/**
 * Put a board's identity and key into a DeviceScript settings file (`.env.local`, read when the
 * firmware is bundled: devs/README.md, "Flashing a board"): lines `boardId=<id>` and
 * `authKey="<hex>"` replace any earlier ones, other lines are kept. The file is made private (0600).
 */
export function writeBoardSettings(envFile: string, boardId: number, key: Uint8Array): void {
  const kept = existsSync(envFile)
    ? readFileSync(envFile, "utf-8")
        .split(/\r?\n/)
        .filter((l) => l !== "" && !/^\s*(boardId|authKey)\s*=/.test(l))
    : [];
  // Quoted: the DeviceScript CLI reads a value as JSON when it can, and an all-digit key would become a number.
  writePrivate(envFile, [...kept, `boardId=${boardId}`, `authKey="${Buffer.from(key).toString("hex")}"`].join("\n") + "\n");
}

function writePrivate(file: string, body: string): void {
  let fd: number;
  try {
    fd = openSync(file, "w", 0o600);
  } catch (e) {
    throw new KeyFileError("IO", file, "path", file, `cannot write: ${(e as Error).message}`);
  }
  try {
    chmodSync(file, 0o600); // an existing file keeps its mode on open
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
}
