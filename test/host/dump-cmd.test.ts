// `na64fe dump`: CSV with its header and one row per sample, the JSON shape, the options reaching
// the simulation (intensity, spill length, dark-photon mass, boards, trigger types), exit codes
// (0 written, 1 fewer events than asked, 2 bad option with a one-line error naming it), and a
// reader closing the pipe early (`| head`) ending the command quietly.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { DumpedEvent } from "../../simulator/dump";
import { na64fe } from "../support/cli";

const BIN = fileURLToPath(new URL("../../bin/na64fe.js", import.meta.url));
/** Short spills keep the runs quick; the rate is the preset's. */
const QUICK = ["--spill-ms", "50", "--seed", "4"];

interface DumpJson {
  beam: { preset: string; intensityPerSpill: number; spillNs: number; darkPhoton: { massMeV: number } | null };
  seed: number;
  events: DumpedEvent[];
}

describe("na64fe dump", () => {
  it("CSV: the header, then one row per sample of the events the JSON output describes", async () => {
    const csv = await na64fe("dump", "--events", "3", ...QUICK);
    expect(csv.code).toBe(0);
    expect(csv.lines[0]).toBe("spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc");
    const { events } = (await na64fe("dump", "--events", "3", "--json", ...QUICK)).json[0] as DumpJson;
    const samples = events.reduce((a, e) => a + e.boards.reduce((b, x) => b + x.channels.length * x.windowSamples, 0), 0);
    expect(csv.lines.length - 1).toBe(samples);
    expect(new Set(csv.lines.slice(1).map((l) => l.split(",")[1]))).toEqual(new Set(["1", "2", "3"]));
    for (const l of csv.lines.slice(1)) expect(l.split(",").length).toBe(9);
  });

  it("JSON: the beam simulated, the seed and the events with boards, channels, samples and truth", async () => {
    const r = await na64fe("dump", "--events", "2", "--json", ...QUICK);
    expect(r.code).toBe(0);
    expect(r.json.length).toBe(1);
    const j = r.json[0] as DumpJson;
    expect(Object.keys(j).sort()).toEqual(["beam", "events", "seed"]);
    expect(j.seed).toBe(4);
    expect(j.beam.preset).toBe("e+70");
    expect(j.beam.spillNs).toBe(5e7);
    // The preset's rate over the shorter spill.
    expect(j.beam.intensityPerSpill).toBeCloseTo((4.2e6 * 5e7) / 4.8e9, 6);
    expect(j.events.map((e) => e.triggerNumber)).toEqual([1, 2]);
    for (const e of j.events) {
      expect(Object.keys(e).sort()).toEqual(["boards", "spillNumber", "timestampTicks", "triggerNumber", "triggerType", "truth"]);
      expect(e.boards.map((b) => b.board)).toEqual(["ecal-ps", "ecal-main", "hcal", "veto"]);
      expect(e.truth.triggerNumber).toBe(e.triggerNumber);
      for (const b of e.boards) {
        expect(b.windowSamples).toBe(32);
        for (const c of b.channels) {
          expect(typeof c.element).toBe("string");
          expect(c.samples.length).toBe(32);
          expect(c.samples).toAllSatisfy((v) => Number.isInteger(v) && v >= 0 && v <= 4095);
        }
      }
    }
  });

  it("the options reach the simulation: mass, intensity, boards, trigger types, --out", async () => {
    const signal = (await na64fe("dump", "--events", "3", "--json", "--mass", "200", "--signal-rate", "0.01", "--types", "physics", "--board", "ecal-main", ...QUICK)).json[0] as DumpJson;
    expect(signal.beam.darkPhoton!.massMeV).toBe(200);
    expect(signal.events).toAllSatisfy((e) => e.triggerType === "physics" && e.boards.length === 1 && e.boards[0]!.board === "ecal-main");
    expect(signal.events.some((e) => e.truth.particle!.darkPhoton)).toBe(true);
    const beamOff = (await na64fe("dump", "--events", "2", "--json", "--intensity", "0", "--types", "random", ...QUICK)).json[0] as DumpJson;
    expect(beamOff.beam.intensityPerSpill).toBe(0);
    expect(beamOff.events).toAllSatisfy((e) => e.triggerType === "random" && e.truth.inWindow.length === 0);
    const dir = mkdtempSync(join(tmpdir(), "na64fe-dump-"));
    try {
      const file = join(dir, "events.csv");
      const r = await na64fe("dump", "--events", "1", "--out", file, ...QUICK);
      expect(r.code).toBe(0);
      expect(r.lines).toEqual([]);
      expect(readFileSync(file, "utf-8").trimEnd().split("\n")).toEqual((await na64fe("dump", "--events", "1", ...QUICK)).lines);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("fewer events than asked: the ones found are written, a warning, exit 1", async () => {
    const r = await na64fe("dump", "--events", "2", "--intensity", "0", "--types", "physics", "--spills", "1", ...QUICK);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(["spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc"]);
    expect(r.warnings.join()).toMatch(/only 0 of 2 events/);
  });

  it("--beam takes the host's presets (the same files as bench and record): an unknown one is exit 2 naming them", async () => {
    const r = await na64fe("dump", "--beam", "e+85");
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([]);
    expect(r.errors.join()).toMatch(/unknown preset "e\+85".*e\+70/);
  });

  it("a value the simulation refuses is exit 2 with one error naming the option", async () => {
    for (const [args, option] of [
      [["--mass", "300"], "--mass"],
      [["--beam", "e-100", "--mass", "100"], "--mass"],
      [["--board", "hcall"], "--board"],
      [["--spill-ms", "1e9"], "--spill-ms"],
      [["--intensity", "1e6"], "--intensity"],
    ] as const) {
      const r = await na64fe("dump", ...args);
      expect(r.code).toBe(2);
      expect(r.lines).toEqual([]);
      expect(r.errors.length).toBe(1);
      expect(r.errors[0]!.startsWith(`${option}: `)).toBe(true);
    }
  });
});

/** The na64fe binary with `args`; `firstLineOnly` closes stdout after the first line (like `| head -1`). */
function binary(args: string[], firstLineOnly = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (firstLineOnly && stdout.includes("\n")) child.stdout.destroy();
    });
    child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.concurrent("na64fe dump (the binary)", () => {
  it("a bad option value is exit 2 with one line naming the option, nothing on stdout", async () => {
    const r = await binary(["dump", "--events", "0"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n").length).toBe(1);
    expect(r.stderr).toContain("--events");
  });

  it("a reader closing the pipe early (| head -1) ends it quietly with exit 0", async () => {
    // 20 events of CSV are far more than a pipe holds: the write fails with EPIPE.
    const r = await binary(["dump", "--events", "20"], true);
    expect(r.stdout.split("\n")[0]).toBe("spill,trigger,type,timestamp_ticks,board,channel,element,sample,adc");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});
