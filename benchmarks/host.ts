// Host ingest benchmark: synthetic boards at full speed, one core. Measures, for the same frames,
//   decode        FrameStream only (envelope check = SHA-256, payload decode)
//   decode+build  FrameStream + EventBuilder
//   decode+build+record  ... + RunWriter (append, flush per 32 frames as the link must before
//                 an ACK, index + fsync per spill)
// The five boards of boards/channel-map.json, with NA64-like hit multiplicities, send at the same
// trigger rate: the host reads each connection in turn, one chunk of about CHUNK_FRAMES frames
// (cut 7 bytes into the next frame, as TCP splits frames anywhere). Writes benchmarks/results/host.json.
// Run: npx tsx benchmarks/host.ts [--triggers N] [--spills N] [--repeat N]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FrameStream } from "../protocol/stream";
import { EventBuilder } from "../src/builder/builder";
import { RunWriter } from "../src/runfile/writer";
import { makeSnapshot } from "../src/runfile/snapshot";
import { loadPreset } from "../src/presets/load";
import { convertPreset } from "../src/config/convert";
import { loadSetup } from "../boards/setup";
import { synthesize, NA64_BOARDS, type SynthFrame } from "../testkit/synthetic-boards";

const CHUNK_FRAMES = 256;
const CHUNK_SPLIT_BYTES = 7;
const TARGET_FRAMES_PER_S = 100_000;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const spills = arg("spills", 2);
const triggersPerSpill = arg("triggers", 50_000);
const repeat = arg("repeat", 5);

interface Input {
  boards: number[];
  streams: Buffer[];
  /** Per board: end offsets of its chunks. */
  cuts: number[][];
  frames: SynthFrame[][];
  nFrames: number;
  nBytes: number;
  triggers: number;
}

function prepare(): Input {
  const per = synthesize({ boards: NA64_BOARDS, spills, triggersPerSpill, seed: 2026 });
  const boards = [...per.keys()];
  const frames = boards.map((b) => per.get(b)!);
  const streams = frames.map((fs) => Buffer.concat(fs.map((f) => f.bytes)));
  const cuts = frames.map((fs, b) => {
    const ends: number[] = [];
    let o = 0;
    fs.forEach((f, i) => {
      o += f.bytes.length;
      if ((i + 1) % CHUNK_FRAMES === 0) ends.push(Math.min(o + CHUNK_SPLIT_BYTES, streams[b]!.length));
    });
    if (ends.at(-1) !== o) ends.push(o);
    return ends;
  });
  return {
    boards,
    streams,
    cuts,
    frames,
    nFrames: frames.reduce((s, f) => s + f.length, 0),
    nBytes: streams.reduce((s, b) => s + b.length, 0),
    triggers: spills * triggersPerSpill,
  };
}

type Mode = "decode" | "decode+build" | "decode+build+record";

function once(input: Input, mode: Mode, dir: string, run: number): { seconds: number; events: number } {
  const streams = input.boards.map(() => new FrameStream());
  let events = 0;
  const builder = new EventBuilder({ boards: NA64_BOARDS.map((b) => ({ id: b.id, kind: b.kind, configHash: 0x11223344 })), onEvent: (e) => void (events += e.complete ? 1 : 0) });
  let writer: RunWriter | undefined;
  if (mode === "decode+build+record") {
    const setup = loadSetup();
    const p = loadPreset("e+70");
    writer = RunWriter.create(join(dir, `bench-${run}.run`), makeSnapshot(p, convertPreset(p.name, p.preset, setup), setup), { runNumber: run });
  }
  const next = input.boards.map(() => 0);
  let sinceFlush = 0;
  let spill = 1;
  const t0 = process.hrtime.bigint();
  for (let j = 0; ; j++) {
    let any = false;
    for (let b = 0; b < input.boards.length; b++) {
      const cuts = input.cuts[b]!;
      if (j >= cuts.length) continue;
      any = true;
      const items = streams[b]!.push(input.streams[b]!.subarray(j ? cuts[j - 1]! : 0, cuts[j]!));
      if (mode === "decode") continue;
      for (const it of items) {
        if (!it.ok) throw it.error;
        builder.push(it.frame);
        if (writer) {
          // The frame's own bytes: the stream yields frames in the order the board sent them.
          const f = input.frames[b]![next[b]!++]!;
          writer.appendFrame(f.board, f.bytes);
          if (++sinceFlush === 32) {
            writer.flush();
            sinceFlush = 0;
          }
          if (it.frame.name === "SCALERS" && it.frame.body.spillNumber === spill && builder.stats.spillsClosed >= spill) writer.endSpill(spill++);
        }
      }
    }
    if (!any) break;
  }
  builder.finish();
  writer?.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (mode !== "decode" && events !== input.triggers) throw new Error(`${mode}: built ${events} complete events, expected ${input.triggers}`);
  return { seconds, events };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const input = prepare();
const dir = mkdtempSync(join(tmpdir(), "na64fe-bench-"));
const results: Record<string, unknown> = {};
try {
  for (const mode of ["decode", "decode+build", "decode+build+record"] as Mode[]) {
    once(input, mode, dir, 1000); // warm-up
    const secs: number[] = [];
    for (let r = 0; r < repeat; r++) secs.push(once(input, mode, dir, r).seconds);
    const m = median(secs);
    results[mode] = {
      runsSeconds: secs.map((s) => Number(s.toFixed(4))),
      medianSeconds: Number(m.toFixed(4)),
      framesPerSecond: Math.round(input.nFrames / m),
      megabytesPerSecond: Number((input.nBytes / m / 1e6).toFixed(1)),
      eventsPerSecond: Math.round(input.triggers / m),
    };
    console.log(`${mode.padEnd(22)} ${String(Math.round(input.nFrames / m)).padStart(9)} frames/s  ${(input.nBytes / m / 1e6).toFixed(1).padStart(6)} MB/s  (median of ${repeat})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const built = results["decode+build"] as { framesPerSecond: number };
const report = {
  benchmark: "host ingest: FrameStream decode + event building (+ run-file recording) on one core",
  command: "npx tsx benchmarks/host.ts" + process.argv.slice(2).map((a) => " " + a).join(""),
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  input: {
    boards: NA64_BOARDS.map((b) => ({ id: b.id, kind: b.kind, meanHits: b.meanHits ?? 0 })),
    spills,
    triggersPerSpill,
    frames: input.nFrames,
    bytes: input.nBytes,
    meanFrameBytes: Number((input.nBytes / input.nFrames).toFixed(1)),
    chunkFrames: CHUNK_FRAMES,
  },
  results,
  targetFramesPerSecond: TARGET_FRAMES_PER_S,
  targetMet: built.framesPerSecond >= TARGET_FRAMES_PER_S,
};
const out = fileURLToPath(new URL("./results/host.json", import.meta.url));
mkdirSync(fileURLToPath(new URL("./results/", import.meta.url)), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
console.log(`target ${TARGET_FRAMES_PER_S} frames/s with event building: ${report.targetMet ? "met" : "NOT met"}; wrote benchmarks/results/host.json`);
