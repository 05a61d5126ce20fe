// The host's key file and a board's settings file (src/link/keys.ts): private files, typed errors
// that name the file, the board and what is wrong, and never a key.
import { describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeyFileError, generateKeys, loadKeys, loadKeysFor, writeBoardSettings, writeKeyFile } from "../../src/link/keys";
import { na64fe } from "../support/cli";

const dir = () => mkdtempSync(join(tmpdir(), "na64-keys-"));

function keyFileError(f: () => unknown): KeyFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyFileError);
    return e as KeyFileError;
  }
  throw new Error("no KeyFileError");
}

describe("key file", () => {
  it("is written private (0600), read back, and not replaced without being asked", () => {
    const file = join(dir(), "keys.json");
    const keys = generateKeys([1, 3]);
    writeKeyFile(file, keys);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadKeys(file)).toEqual(keys);
    expect(keyFileError(() => writeKeyFile(file, generateKeys([1]))).code).toBe("EXISTS");
    writeKeyFile(file, generateKeys([2]), true);
    expect([...loadKeys(file).keys()]).toEqual([2]);
  });

  it("refuses a file other users can read or write, naming its mode", () => {
    const file = join(dir(), "keys.json");
    writeKeyFile(file, generateKeys([1]));
    for (const mode of [0o644, 0o640, 0o602]) {
      chmodSync(file, mode);
      const e = keyFileError(() => loadKeys(file));
      expect(e).toMatchObject({ code: "PERMISSIONS", field: "mode", value: mode.toString(8).padStart(4, "0") });
      expect(e.message).toBe(`${file}: the key file is open to other users (mode ${mode.toString(8).padStart(4, "0")}); make it private: chmod 600 ${file}`);
    }
  });

  it("names what is wrong in a malformed file, never the key material", () => {
    const file = join(dir(), "keys.json");
    const write = (body: string) => {
      writeFileSync(file, body, { mode: 0o600 });
      chmodSync(file, 0o600);
    };
    write("{ not json");
    expect(keyFileError(() => loadKeys(file))).toMatchObject({ code: "FORMAT", field: "json" });
    write(JSON.stringify({ format: "other", keys: {} }));
    expect(keyFileError(() => loadKeys(file)).message).toBe(`${file}: not a key file: "format" must be "na64fe-keys 1"`);
    const almost = "ab".repeat(31) + "zz";
    write(JSON.stringify({ format: "na64fe-keys 1", keys: { "3": almost } }));
    const e = keyFileError(() => loadKeys(file));
    expect(e).toMatchObject({ code: "FORMAT", field: "keys.3", value: 64 });
    expect(e.message).toBe(`${file}: the key of board 3 must be 64 hex digits (64 characters found)`);
    expect(e.message).not.toContain(almost);
    write(JSON.stringify({ format: "na64fe-keys 1", keys: { x: "00".repeat(32) } }));
    expect(keyFileError(() => loadKeys(file)).message).toBe(`${file}: "x" is not a board id (1..65534)`);
  });

  it("loadKeysFor names the first board without a key", () => {
    const file = join(dir(), "keys.json");
    writeKeyFile(file, generateKeys([1, 2]));
    expect([...loadKeysFor(file, [1, 2]).keys()]).toEqual([1, 2]);
    expect(keyFileError(() => loadKeysFor(file, [1, 2, 3])).message).toBe(`${file}: no key for board 3`);
  });
});

describe("a board's settings file", () => {
  it("gets boardId and the quoted key (an all-digit key must stay a string), replacing older lines and keeping the rest", () => {
    const file = join(dir(), ".env.local");
    writeFileSync(file, "WIFI_SSID=lab\nboardId=9\nauthKey=\"old\"\nhost=10.0.0.5\n");
    const key = Buffer.from("12".repeat(32), "hex");
    writeBoardSettings(file, 3, key);
    expect(readFileSync(file, "utf-8")).toBe(`WIFI_SSID=lab\nhost=10.0.0.5\nboardId=3\nauthKey="${"12".repeat(32)}"\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("na64fe keys", () => {
  it("create writes a private key per board and never prints a key; env puts one board's key into a settings file", async () => {
    const d = dir();
    const file = join(d, "keys.json");
    const created = await na64fe("keys", "create", "--file", file, "--json");
    expect(created.code).toBe(0);
    const out = JSON.parse(created.stdout);
    expect(out.boards.map((b: { name: string }) => b.name)).toEqual(["trig", "ecal-ps", "ecal-main", "hcal", "veto"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keys = loadKeys(file);
    expect(keys.size).toBe(5);
    for (const k of keys.values()) expect(created.stdout + created.stderr).not.toContain(k.toString("hex"));
    const again = await na64fe("keys", "create", "--file", file);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`na64fe: error: ${file}: a key file exists already; replacing it means flashing every board again (--force replaces it)`);
    const env = join(d, ".env.local");
    const e = await na64fe("keys", "env", "ecal-main", "--file", file, "--out", env);
    expect(e.code).toBe(0);
    expect(e.stdout).not.toContain(keys.get(3)!.toString("hex"));
    expect(readFileSync(env, "utf-8")).toBe(`boardId=3\nauthKey="${keys.get(3)!.toString("hex")}"\n`);
    const bad = await na64fe("keys", "env", "nope", "--file", file, "--out", env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no board "nope" in the setup \(boards: trig 1, ecal-ps 2, ecal-main 3, hcal 4, veto 5\)/);
  });
});
