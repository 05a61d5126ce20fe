// src/runfile/README.md is the run-file format: its generated tables are up to date, every field
// of the JSON records a real run file holds is in them (and every required one is in the file),
// and the CRC it describes is the one the writer uses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../../boards/setup";
import { loadPreset } from "../../src/presets/load";
import { convertPreset } from "../../src/config/convert";
import { makeSnapshot } from "../../src/runfile/snapshot";
import { RunWriter } from "../../src/runfile/writer";
import { openRun } from "../../src/runfile/reader";
import { recordCrc } from "../../src/runfile/format";
import { runfileReadmeRegions } from "../../src/runfile/readme-tables";
import { jsonFieldsOf } from "../../protocol/codegen/ts-source";
import { staleFiles, REPO_ROOT } from "../../protocol/codegen/output";
import { allGeneratedFiles, REGENERATE } from "../../scripts/codegen";
import { synthesize, interleave, NA64_BOARDS } from "../../testkit/synthetic-boards";
import { decodeFrame } from "../../protocol/frame";
import type { HelloMsg } from "../../protocol/schema/messages";

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "na64fe-readme-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every key path of a JSON value: objects dotted, array elements as `[]`; below `opaque` paths nothing. */
function keyPaths(v: unknown, prefix: string, opaque: ReadonlySet<string>, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keyPaths(x, `${prefix}[]`, opaque, out);
  else if (v && typeof v === "object" && !opaque.has(prefix))
    for (const [k, x] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      keyPaths(x, p, opaque, out);
    }
  return out;
}

describe("src/runfile/README.md", () => {
  it(`every generated file is up to date (run \`${REGENERATE}\` if not)`, () => {
    const files = allGeneratedFiles();
    expect(Object.keys(files)).toContain("src/runfile/README.md");
    expect(staleFiles(files), `stale generated files: run \`${REGENERATE}\` to regenerate them`).toEqual([]);
    const readme = readFileSync(join(REPO_ROOT, "src/runfile/README.md"), "utf-8");
    for (const [name, body] of Object.entries(runfileReadmeRegions())) expect(readme, name).toContain(body.trimEnd());
  });

  it("describes the CRC the records carry: zlib's CRC-32 (check value 0xCBF43926)", () => {
    expect(recordCrc(Buffer.from("123456789", "ascii"))).toBe(0xcbf43926);
  });

  it("names every field of a run file's HEADER, SNAPSHOT and TRAILER, and they hold every required one", () => {
    const setup = loadSetup();
    const preset = loadPreset("e+70");
    const frames = interleave(synthesize({ boards: NA64_BOARDS, spills: 1, triggersPerSpill: 3, seed: 3 }));
    const hello: HelloMsg = {
      role: 2, fwMajor: 1, fwMinor: 0, fwPatch: 0, protoMajor: 1, protoMinor: 0, channelCount: 36, frontEnd: 2, capabilities: 15, bootCount: 1,
      uptimeMs: 5, state: 1, configVersion: 0, configHash: 0, runNumber: 0, spillNumber: 0, ringOldestSeq: 1, rxWindowFrames: 1, maxPayloadBytes: 2359,
    };
    const conv = convertPreset(preset.name, preset.preset, setup, { darkPhotonMassMeV: 100 });
    const snapshot = {
      ...makeSnapshot(preset, conv, setup, new Map([[2, hello]])),
      bench: { beam: { energyGeV: 70 }, seed: 1, intensity: 0.05, sliceMs: 100, fifoDepth: 1024, spills: 1 },
    };
    expect(snapshot.warnings.length + (snapshot.signal ? 1 : 0)).toBeGreaterThan(0);
    const path = join(dir, "fields.na64");
    const w = RunWriter.create(path, snapshot, { runNumber: 7, comment: "field check" });
    for (const f of frames) w.appendFrame(f.board, f.bytes);
    w.endSpill(1);
    w.appendFrame(1, frames[0]!.bytes);
    w.close();
    const run = openRun(path);
    try {
      expect(run.ok).toBe(true);
      expect(decodeFrame([...run.frames()][0]!.bytes).name).toBe("TRIGGER");
      const file = join(REPO_ROOT, "src/runfile/snapshot.ts");
      const stop = { Preset: "x", HelloMsg: "x" };
      const cases: Array<[string, unknown, string[]]> = [
        ["RunHeader", run.header, []],
        ["RunSnapshot", run.snapshot, ["preset.settings", "boards[].hello", "bench.beam"]],
        ["RunTrailer", run.trailer, []],
      ];
      for (const [type, json, opaque] of cases) {
        const rows = jsonFieldsOf(file, type, { stop });
        const documented = new Set(rows.map((r) => r.path));
        const present = keyPaths(json, "", new Set(opaque));
        expect(present.size, type).toBeGreaterThan(3);
        for (const p of present) expect(documented.has(p), `${type}: ${p} is in the file, not in the README`).toBe(true);
        // A field is required when it and every object it sits in are required (verdict.ok only with a verdict).
        const optionalParent = (path: string) => rows.some((x) => x.optional && path.startsWith(`${x.path}.`) && !present.has(x.path));
        for (const r of rows.filter((x) => !x.optional && !/\[\]/.test(x.path) && !opaque.some((o) => x.path.startsWith(`${o}.`)) && !optionalParent(x.path)))
          expect(present.has(r.path), `${type}: ${r.path} is required by the README, not in the file`).toBe(true);
      }
    } finally {
      run.close();
    }
  });
});
