// The na64fe command line, run in-process through main() with its output captured (and spawned as a
// user runs it where the process matters: colour, the exit status): exit codes (0 ok, 1 failed
// check, 2 bad input), --json output, one-line errors, nothing printed on stdout when a conversion
// fails, no colour when not on a terminal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSetup } from "../../boards/setup";
import { loadPreset } from "../../src/presets/load";
import { convertPreset } from "../../src/config/convert";
import { makeSnapshot } from "../../src/runfile/snapshot";
import { RunWriter } from "../../src/runfile/writer";
import { synthesize, interleave, NA64_BOARDS } from "../../testkit/synthetic-boards";
import { colourOn } from "../../src/cli/output";
import { na64fe } from "../support/cli";

const BIN = fileURLToPath(new URL("../../bin/na64fe.js", import.meta.url));

/** The binary as a user runs it (only where the process itself matters: colour, exit status). */
function spawned(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const ANSI = /\u001b\[/;

/** A preset file whose conversion warns: SRD thresholds below the noise. */
const srd40 = () => join(dir, "srd40.yaml");

let dir: string;
let runPath: string;
let cutPath: string;
let tamperedPath: string;
let lossyPath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "na64fe-cli-"));
  const setup = loadSetup();
  const p = loadPreset("e+70");
  const hello = { role: 1, fwMajor: 1, fwMinor: 2, fwPatch: 3, protoMajor: 1, protoMinor: 0, channelCount: 5, frontEnd: 2, capabilities: 15, bootCount: 4, uptimeMs: 10, state: 2, configVersion: 1, configHash: 0, runNumber: 0, spillNumber: 0, ringOldestSeq: 1, rxWindowFrames: 8, maxPayloadBytes: 8176 };
  const snap = makeSnapshot(p, convertPreset(p.name, p.preset, setup), setup, new Map([[1, hello]]));
  const w = RunWriter.create((runPath = join(dir, "run-000042.na64")), snap, { runNumber: 42 });
  // The boards' frames carry the hashes of the configurations the snapshot records, as in a real run.
  const hashes = new Map(convertPreset(p.name, p.preset, setup).boards.map((b) => [b.boardId, b.hash]));
  const frames = interleave(synthesize({ boards: NA64_BOARDS.map((b) => ({ ...b, configHash: hashes.get(b.id)! })), spills: 2, triggersPerSpill: 3 }));
  for (const s of [1, 2]) {
    for (const f of frames.filter((x) => x.spill === s)) w.appendFrame(f.board, f.bytes);
    w.endSpill(s);
  }
  w.close();
  // The same run with one of hcal's EVENT frames lost: it failed its checks when it was taken.
  const lossy = RunWriter.create((lossyPath = join(dir, "lossy.na64")), snap, { runNumber: 44 });
  for (const s of [1, 2]) {
    for (const f of frames.filter((x) => x.spill === s && !(x.board === 4 && x.kind === "EVENT" && x.spill === 2 && x.trigger === 2))) lossy.appendFrame(f.board, f.bytes);
    lossy.endSpill(s);
  }
  lossy.close();
  const bad = makeSnapshot(p, convertPreset(p.name, p.preset, setup), setup);
  bad.boards[1]!.configHash ^= 1; // a snapshot whose recorded hash does not match its payload
  RunWriter.create((tamperedPath = join(dir, "tampered.na64run")), bad, { runNumber: 43 }).close();
  const bytes = readFileSync(runPath);
  writeFileSync((cutPath = join(dir, "crashed.na64run")), bytes.subarray(0, bytes.length - 300));
  writeFileSync(join(dir, "notarun.txt"), "plain text");
  const good = readFileSync(fileURLToPath(new URL("../../presets/e+70.yaml", import.meta.url)), "utf-8");
  writeFileSync(join(dir, "e+70.yaml"), good.replace(/energyGeV: +\{ value: 70, +src: "[^"]*" \}/, "energyGeV: { value: 70 }"));
  writeFileSync(join(dir, "common.yaml"), readFileSync(fileURLToPath(new URL("../../presets/common.yaml", import.meta.url))));
  // 40 GeV positrons with the common SRD cut: its E0^4 scaling puts the SRD thresholds under the noise.
  writeFileSync(join(dir, "e+40.yaml"), readFileSync(fileURLToPath(new URL("../../presets/e+40.yaml", import.meta.url))));
  writeFileSync(srd40(), `title: 40 GeV e+, common SRD cut\nextends: e+40\nsrd:\n  moduleMinMeV: { value: 1, src: "[I] the common cut" }\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent("na64fe", () => {
  it("presets --json lists the four beams as valid, exit 0", async () => {
    const r = await na64fe("presets", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.presets.filter((p: { abstract: boolean }) => !p.abstract).map((p: { name: string; valid: boolean; beam: { energyGeV: number } }) => [p.name, p.valid, p.beam.energyGeV])).toEqual([
      ["e+100", true, 100],
      ["e+40", true, 40],
      ["e+70", true, 70],
      ["e-100", true, 100],
    ]);
  });

  it("the binary runs the compiled CLI, rebuilt first when it is older than a source", async () => {
    // @ts-expect-error: plain JavaScript module without types
    const { BUNDLE, bundleFresh } = (await import("../../bin/compiled.mjs")) as { BUNDLE: string; bundleFresh: () => boolean };
    const run = await spawned(["--version"], {});
    expect(run.code).toBe(0);
    expect(bundleFresh()).toBe(true);
    utimesSync(BUNDLE, new Date(0), new Date(0)); // older than every source
    expect(bundleFresh()).toBe(false);
    const again = await spawned(["--version"], {});
    expect(again.stdout.trim()).toBe(run.stdout.trim());
    expect(bundleFresh()).toBe(true);
  });

  it("the binary: plain text when not on a terminal, colour with FORCE_COLOR, none with NO_COLOR; exit status as main() returns it", async () => {
    const [plain, forced, both, bad] = await Promise.all([
      spawned(["presets"], {}),
      spawned(["presets"], { FORCE_COLOR: "1" }),
      spawned(["presets"], { FORCE_COLOR: "1", NO_COLOR: "1" }),
      spawned(["configure", "e+60"], {}),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/e\+70\s+e\+ 70 GeV\s+70 GeV positrons/);
    expect(plain.stdout).not.toMatch(ANSI);
    expect(forced.stdout).toMatch(ANSI);
    expect(both.stdout).not.toMatch(ANSI);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^na64fe: error: unknown preset "e\+60"/);
    expect([colourOn({ isTTY: true }, {}), colourOn({ isTTY: false }, {}), colourOn({ isTTY: false }, { FORCE_COLOR: "0" }), colourOn({ isTTY: true }, { NO_COLOR: "" })]).toEqual([true, false, false, false]);
  });

  it("under --json a failing command prints a JSON error object on stdout: kind, message, field, value, exit code", async () => {
    const [preset, usage] = await Promise.all([na64fe("configure", "e+60", "--json"), na64fe("configure", "e+70", "--bogus", "--json")]);
    expect(preset.code).toBe(2);
    expect(preset.json).toEqual([{ error: { kind: "UnknownPresetError", message: expect.stringMatching(/^unknown preset "e\+60"/), field: "preset", value: "e+60", exitCode: 2 } }]);
    expect(usage.code).toBe(2);
    expect(usage.json).toEqual([{ error: { kind: "UsageError", message: expect.stringMatching(/unknown option '--bogus'/), exitCode: 2 } }]);
  });

  it("status lines go to stderr; --quiet leaves results, warnings and errors only", async () => {
    const [normal, quiet] = await Promise.all([
      na64fe("record", "--port", "0", "--wait-s", "0.2", "--out", join(dir, "quiet-runs")),
      na64fe("record", "--port", "0", "--wait-s", "0.2", "--out", join(dir, "quiet-runs"), "--quiet"),
    ]);
    for (const r of [normal, quiet]) {
      expect(r.code).toBe(1);
      expect(r.errors).toEqual([expect.stringMatching(/^waiting for HELLO: no HELLO within 200 ms from trig \(id 1\), /)]);
    }
    expect(normal.status).toEqual([expect.stringMatching(/^listening on 127.0.0.1:\d+; waiting up to 0.2 s for trig \(id 1\), /)]);
    expect(quiet.status).toEqual([]);
  });

  it("presets show / diff --json", async () => {
    const s = await na64fe("presets", "show", "e+40", "--json");
    expect(s.code).toBe(0);
    const settings = JSON.parse(s.stdout).settings as Array<{ path: string; value: unknown; from: string }>;
    expect(settings.find((x) => x.path === "beam.energyGeV")).toMatchObject({ value: 40, from: "presets/e+40.yaml" });
    const d = await na64fe("presets", "diff", "e+70", "e-100", "--json");
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout).differences.map((x: { path: string }) => x.path)).toEqual(["beam.particle", "beam.energyGeV", "beam.particlesPerSpill", "beam.species"]);
  });

  it("presets diff (human) also shows the derived values that change", async () => {
    const d = await na64fe("presets", "diff", "e+70", "e+40");
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/^beam.energyGeV\s+70\s+40$/m);
    expect(d.stdout).toMatch(/^trigger ECAL maximum\s+56 GeV\s+32 GeV$/m);
    expect(d.stdout).toMatch(/^SRD thresholds \(register\)\s+12 ADC\s+9 ADC$/m);
    expect(d.stdout).toMatch(/^pile-up the digitisers see: another particle within \+-411.5 ns of the trigger\s+51.3 %\s+29 %$/m);
    const w = await na64fe("presets", "diff", "e+40", srd40());
    expect(w.stdout).toMatch(/^conversion warnings\s+0\s+4 \(THRESHOLD_BELOW_NOISE\)$/m);
  });

  it("presets show common: a base file is shown, marked as a base", async () => {
    const r = await na64fe("presets", "show", "common");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^common  Shared NA64 invisible-mode settings  presets\/common.yaml$/m);
    expect(r.stdout).toMatch(/a base for other presets/);
    expect(r.stdout).toMatch(/^\s+analysis.ecalSignalMaxFractionOfE0\s+0.5\s/m);
  });

  it("a broken preset folder: list still lists every file, exits 2 and names the broken file on stderr", async () => {
    const l = await na64fe("presets", "--dir", dir, "--json");
    expect(l.code).toBe(2);
    expect(JSON.parse(l.stdout).presets.find((p: { name: string }) => p.name === "e+70")).toMatchObject({ valid: false, error: expect.stringContaining("beam.energyGeV.src") });
    const h = await na64fe("presets", "--dir", dir);
    expect(h.code).toBe(2);
    expect(h.stdout).toMatch(/^e\+70\s+invalid\s/m);
    expect(h.stdout).toMatch(/^common\s+\(base\)/m);
    expect(h.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^na64fe: error: .*e\+70.yaml: beam.energyGeV.src: /)]);
  });

  it("configure --json: the same CONFIGs and hashes as the library, payload hex included", async () => {
    const r = await na64fe("configure", "e+70", "--json", "--mass", "120");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const p = loadPreset("e+70");
    const c = convertPreset(p.name, p.preset, loadSetup(), { darkPhotonMassMeV: 120 });
    expect(j.boards.map((b: { name: string; hash: number; payload: string }) => [b.name, b.hash, b.payload])).toEqual(c.boards.map((b) => [b.name, b.hash, Buffer.from(b.payload).toString("hex")]));
    expect(j.boards[0].config).toEqual(c.boards[0]!.config);
    expect(j.signal.massMeV).toBe(120);
    expect(j.warnings).toEqual([]);
  });

  it("configure (human) prints every board, warnings go to stderr; --strict turns them into exit 1", async () => {
    const r = await na64fe("configure", srd40(), "--board", "veto");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^trig\s+1\s+trigger\s+0x[0-9a-f]{8}/m);
    expect(r.stdout).toMatch(/^\s+5\s+SRD:0\s+on\s+1\s/m);
    expect(r.stderr.trim().split("\n")).toHaveLength(4);
    expect(r.stderr).toMatch(/^warning: veto \(id 5\) channel 5: SRD:0: channels.thresholdAdc 1 ADC .* below the 3 sigma noise floor/);
    const strict = await na64fe("configure", srd40(), "--strict", "--json");
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).warnings).toHaveLength(4);
  });

  it("a board-server port in use is exit 2 with one line naming it, for record, bench and configure --push, before anything starts", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = String((busy.address() as AddressInfo).port);
    try {
      const rs = await Promise.all([
        na64fe("record", "--port", port, "--out", join(dir, "busy-runs")),
        na64fe("bench", "--port", port, "--no-record"),
        na64fe("configure", "e+70", "--push", "--port", port),
      ]);
      for (const r of rs) {
        expect(r.code, r.stderr).toBe(2);
        expect(r.errors).toEqual([`cannot listen on 127.0.0.1:${port}: the port is in use by another program (choose another with --port, or 0 for any free port)`]);
        expect(r.status.some((l) => /starting|configuring/.test(l))).toBe(false);
      }
    } finally {
      busy.close();
    }
  });

  it("bad input exits 2 with one line on stderr and nothing on stdout", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["configure", "e+60"], /^na64fe: error: unknown preset "e\+60" \(available: e\+100, e\+40, e\+70, e-100; add e\+60.yaml to presets\)$/],
      [["configure", "e+70", "--dir", dir], /^na64fe: error: .*e\+70.yaml: beam.energyGeV.src: missing$/],
      [["configure", "e+40", "--mass", "250"], /^na64fe: error: darkPhotonMassMeV = 250: outside 1.022..202.2 MeV/],
      [["configure", "e+70", "--mass", "heavy"], /^na64fe: error: option '--mass <MeV>' argument 'heavy' is invalid/],
      [["configure", "e+70", "--board", "nope"], /^na64fe: error: channel-map.json: boards: no board named nope/],
      [["presets", "--dir", join(dir, "nonexistent")], /^na64fe: error: presets folder .*nonexistent: does not exist$/],
      [["record", "--port", "70000"], /^na64fe: error: option '--port <n>' argument '70000' is invalid. --port: expected an integer 0..65535, got "70000"/],
      [["record", "--host", "999.1.1.1"], /^na64fe: error: option '--host <address>' argument '999.1.1.1' is invalid. --host: expected an IP address or a host name/],
      [["inspect", dir], /^na64fe: error: .*: is a folder, not a run file/],
      [["inspect", runPath, "--html", "/nonexistent/x.html"], /--html "\/nonexistent\/x.html": the folder \/nonexistent does not exist/],
      [["dump", "--out", "/nonexistent/d/x.csv"], /--out "\/nonexistent\/d\/x.csv": the folder \/nonexistent\/d does not exist/],
      [["dump", "--events", "1000000"], /--events: expected an integer 1..2000, got "1000000"/],
      [["bench", "--html", "/nonexistent/dir/r.html"], /--html "\/nonexistent\/dir\/r.html": the folder \/nonexistent\/dir does not exist/],
      [["bench", "--run", "42", "--out", dir], /^na64fe: error: --run 42: .*run-000042.na64 exists: a run file is never overwritten/],
      [["bench", "--fault", "disconnect:hcal:1", "--fault", "restart:nosuch:3"], /--fault "restart:nosuch:3": expected a board of the setup/],
      [["bench", "--fault", "restart:nosuch:3", "--fault", "disconnect:hcal:1"], /--fault "restart:nosuch:3": expected a board of the setup/],
      [["configure", "e+70", "--dir", join(dir, "notarun.txt")], /^na64fe: error: presets folder .*notarun.txt: is not a folder$/],
      [["configure"], /^na64fe: error: missing required argument 'preset'/],
      [["launch"], /^na64fe: error: unknown command 'launch'/],
    ];
    const results = await Promise.all(cases.map(([a]) => na64fe(...a)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n"), cases[i]![0].join(" ")).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(cases[i]![1]);
    });
  });

  it("bench checks --fault and --out before starting anything: exit 2, one error line, nothing created; conversion warnings on stderr", async () => {
    const out = join(dir, "bench-out");
    const [board, slice, file] = await Promise.all([
      na64fe("bench", "--beam", srd40(), "--fault", "restart:nosuch:3", "--out", out),
      na64fe("bench", "--fault", "disconnect:hcal:48", "--out", out),
      na64fe("bench", "--out", join(dir, "notarun.txt")),
    ]);
    for (const r of [board, slice, file]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n").filter((l) => l.startsWith("na64fe: error:"))).toHaveLength(1);
      expect(r.stderr).not.toMatch(/starting|internal error/);
    }
    expect(board.stderr).toMatch(/^na64fe: error: --fault "restart:nosuch:3": expected a board of the setup \(trig, ecal-ps, ecal-main, hcal, veto\) or its id/m);
    expect(slice.stderr).toMatch(/^na64fe: error: --fault "disconnect:hcal:48": expected a slice 0..47 of spill 1 \(48 slices per spill at this --slice-ms\)$/m);
    expect(file.stderr.trim()).toMatch(/^na64fe: error: --out ".*notarun.txt": it is a file, not a folder for run files$/);
    expect(existsSync(out)).toBe(false);
    // The conversion warnings (SRD thresholds below the noise) are printed, as record and configure print them.
    expect(board.stderr.split("\n").filter((l) => /^warning: veto \(id 5\) channel \d+: SRD:\d: channels.thresholdAdc 1 ADC .* below the 3 sigma noise floor/.test(l))).toHaveLength(4);
  });

  it("--help on every command exits 0", async () => {
    const commands = [[], ["presets"], ["presets", "show"], ["presets", "diff"], ["configure"], ["inspect"], ["export"], ["bench"], ["record"], ["keys"], ["keys", "create"], ["keys", "env"], ["build"], ["bundle"], ["dump"], ["runs"]];
    // Every command of the program is in the list (a new command needs its --help checked here too).
    const listed = (await na64fe("--help")).stdout.match(/^  ([a-z]+)( |$)/gm)!.map((l) => l.trim().split(" ")[0]);
    expect(listed.filter((n) => n !== "help").sort()).toEqual(commands.filter((c) => c.length === 1).map((c) => c[0]).sort());
    const rs = await Promise.all(commands.map((a) => na64fe(...a, "--help")));
    rs.forEach((r, i) => {
      expect(r.code, commands[i]!.join(" ")).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: na64fe${commands[i]!.map((w) => ` ${w}`).join("")}( |$)`));
    });
  });

  it("runs lists the run files of a folder: number, preset, spills, complete or cut, the verdict when recorded", async () => {
    const r = await na64fe("runs", dir, "--json");
    expect(r.code).toBe(0);
    expect(r.json).toEqual([{ dir, runs: [expect.objectContaining({ runNumber: 42, preset: "e+70", spills: 2, status: "complete", checks: "unknown" })] }]);
    const h = await na64fe("runs", dir);
    expect(h.lines[0]).toMatch(/^run\s+start \(UTC\)\s+preset\s+spills\s+events\s+file\s+checks\s+operator: comment$/);
    expect(h.lines[1]).toMatch(/^42\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+e\+70\s+2\s+complete\s+unknown$/);
    const missing = await na64fe("runs", join(dir, "nope"));
    expect(missing.code).toBe(2);
    expect(missing.errors).toEqual([expect.stringMatching(/nope": does not exist$/)]);
  });

  it("inspect a complete run: exit 0; --json carries status, spills and the config checks", async () => {
    const h = await na64fe("inspect", runPath);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^run 42 /);
    expect(h.stdout).toMatch(/status: complete: 2 complete spills/);
    const r = await na64fe("inspect", runPath, "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, header: { runNumber: 42 }, status: { closed: true, completeSpills: 2 }, preset: { name: "e+70" } });
    expect(j.boards).toAllSatisfy((b: { hashOk: boolean }) => b.hashOk);
    expect(j.boards.map((b: { firmware?: string }) => b.firmware ?? null)).toEqual(["1.2.3", null, null, null, null]);
    expect(j.spills.map((s: { frames: number }) => s.frames)).toEqual([20, 20]);
  });

  it("inspect rebuilds the events: events built, triggers by type with rates, ECAL spectra (text and --json); --no-physics skips it", async () => {
    const [h, j, none] = await Promise.all([na64fe("inspect", runPath), na64fe("inspect", runPath, "--json"), na64fe("inspect", runPath, "--no-physics")]);
    expect(h.code).toBe(0);
    // 2 spills x 3 physics triggers, every board present; SCALERS say 373250000 ticks of 12.86 ns (4.8 s) per spill.
    expect(h.stdout).toMatch(/^events: 6 built from 40 frames \(6 complete, 0 incomplete\)$/m);
    expect(h.stdout).toMatch(/^  by trigger type \(each trigger once, by the type its TRIGGER record gives\), rates over 9.60 s of beam: physics 6 \(0.6 Hz\), beam 0 \(0.0 Hz\), random 0 \(0.0 Hz\), calibration 0 \(0.0 Hz\);/m);
    expect(h.stdout).toMatch(/^ECAL energy, physics triggers \(6 events\)\n\s+0.0 GeV \|#+\s+6$/m);
    const p = JSON.parse(j.stdout).physics;
    expect(p).toMatchObject({ frames: 40, builder: { events: 6, complete: 6 }, triggersByType: { physics: 6, beam: 0 }, ecalPhysicsGeV: { entries: 6 } });
    expect(p.beamSeconds).toBeCloseTo(9.6, 3);
    expect(p.ratesHz.physics).toBeCloseTo(0.625, 4);
    expect(none.code).toBe(0);
    expect(none.stdout).not.toMatch(/^events:/m);
    // A damaged file without snapshot problems still gets its (partial) events rebuilt.
    const cut = await na64fe("inspect", cutPath, "--json");
    expect(JSON.parse(cut.stdout).physics.builder.events).toBeGreaterThanOrEqual(3);
  });

  it("inspect --html rebuilds the events from the frames and writes a page with plots", async () => {
    const html = join(dir, "run42.html");
    const r = await na64fe("inspect", runPath, "--html", html);
    expect(r.code).toBe(0);
    const page = readFileSync(html, "utf-8");
    expect(page.startsWith("<!doctype html>")).toBe(true);
    // Every plot drawn (test/plots/html-report.test.ts checks what they show).
    const figures = page.split('<figure class="plot"').slice(1);
    expect(figures).toHaveLength(11);
    for (const f of figures) expect(f).toMatch(/<svg /);
    expect(page).toContain("NA64 run 42: e+70");
    // 2 spills x 3 triggers, every board present: 6 complete events.
    expect(page).toMatch(/6 events rebuilt \(6 complete\)/);
  });

  it("inspect --frames --spill decodes that spill's frames", async () => {
    const r = await na64fe("inspect", runPath, "--frames", "--spill", "2", "--json");
    expect(r.code).toBe(0);
    const frames = JSON.parse(r.stdout).frames as Array<{ type: string; body: { spillNumber: number } }>;
    expect(frames).toHaveLength(20);
    expect(frames).toAllSatisfy((f) => f.body.spillNumber === 2);
    expect(frames.filter((f) => f.type === "SCALERS")).toHaveLength(5);
    const h = await na64fe("inspect", runPath, "--frames", "--spill", "1");
    expect(h.stdout).toMatch(/EVENT\s+\d+\s+\d+\s+spill 1 trigger 1 physics hits \d+/);
    expect(h.stdout).toMatch(/TRIGGER\s+\d+\s+\d+\s+spill 1 trigger 1 physics \(type bits 0x1\) inputs/);
  });

  it("inspect a crashed run exits 1 and says how far it is readable", async () => {
    const r = await na64fe("inspect", cutPath, "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    expect(j.status.completeSpills).toBe(1);
    expect(j.status.summary).toMatch(/readable up to spill 1/);
  });

  it("inspect redoes the run's checks from the file: a run that lost a frame reads back as FAIL, exit 1, naming it", async () => {
    const good = await na64fe("inspect", runPath, "--json");
    expect(good.code).toBe(0);
    expect((good.json[0] as { checks: Array<{ name: string; ok: boolean }> }).checks).toAllSatisfy((c) => c.ok);
    const r = await na64fe("inspect", lossyPath);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^  FAIL firmware scalers agree: spill 2: hcal says it sent 3, the host received 2/m);
    expect(r.stdout).toMatch(/^  FAIL event building: 5 complete, 1 incomplete/m);
  });

  it("inspect re-checks each board's config hash against the recorded payload", async () => {
    const r = await na64fe("inspect", tamperedPath);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ecal-ps\s+2\s+calorimeter\s+0x[0-9a-f]{8} \(payload does not match\)/);
  });

  it("inspect of something that is not a run file, or a spill that does not exist, exits 2", async () => {
    const [a, b, c] = await Promise.all([na64fe("inspect", join(dir, "notarun.txt")), na64fe("inspect", runPath, "--spill", "7"), na64fe("inspect", join(dir, "missing.run"))]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^na64fe: error: .*notarun.txt: not an na64fe run file/);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no spill 7 in the file \(spills: 1, 2\)/);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/cannot open/);
  });
});
