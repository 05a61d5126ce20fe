// Wire-protocol benchmark (issue 2). Plain script: `npx tsx benchmarks/protocol.ts [--quick] [--no-vm | --vm-only]`.
// --vm-only re-runs only the VM part and replaces the `vm` section of benchmarks/results/protocol.json.
// Exit code 1 when the VM part fails (the host results are still written, with the VM error;
// --vm-only leaves the file as it was). --vm-program FILE runs another VM program (tests).
//
// Host: encode and decode of EVENT frames with 0, 8, 36 and 72 hits, for
//   (a) typed-binary reading/writing the EVENT schema object (the single source, interpreted),
//   (b) a hand-written DataView loop without range checks (the practical ceiling),
//   (c) the codec we ship (protocol/generated/host-codec.ts),
// each on the payload alone and on whole frames with the SHA-256 check (encodeFrame/decodeFrame,
// and FrameStream over a chunk of concatenated frames for the shipped codec).
// Bytes per event are compared with the same content in a MIDAS-style layout.
// VM: cost of one 36-hit EVENT frame encoded and sealed inside the DeviceScript VM, the frame
// check alone, and a table-driven CRC-32 in bytecode for the record (benchmarks/vm/protocol.ts).
//
// Writes benchmarks/results/protocol.json and prints a table. Speed is never asserted; the script only
// reports whether the shipped codec reaches the target (>= 50% of the DataView loop's frames/s).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BufferReader, BufferWriter } from "typed-binary";
import { encodeEvent, decodeEvent, sizeEvent } from "../protocol/generated/host-codec";
import { decodeFrame, encodeFrame, frameCheck } from "../protocol/frame";
import { FrameStream } from "../protocol/stream";
import { Envelope, ENV_OFF } from "../protocol/schema/envelope";
import { Event, type EventMsg } from "../protocol/schema/messages";
import { MsgType } from "../protocol/schema/enums";
import { FRAME_MAGIC, HEADER_BYTES, PROTO_MAJOR, PROTO_MINOR } from "../protocol/schema/limits";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const QUICK = process.argv.includes("--quick");
const NO_VM = process.argv.includes("--no-vm");
const VM_ONLY = process.argv.includes("--vm-only");
const RESULTS = join(ROOT, "benchmarks", "results", "protocol.json");
const HIT_COUNTS = [0, 8, 36, 72] as const;
const VERSION = (PROTO_MAJOR << 4) | PROTO_MINOR;

// ---------------------------------------------------------------------------------------------
// Event content: a deterministic, realistic-looking calorimeter event with n hits.

function makeEvent(n: number): EventMsg {
  let s = 0x9e3779b9 ^ n;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const hits = { n, channel: [] as number[], amplitudeAdc: [] as number[], timeQ8: [] as number[], flags: [] as number[] };
  for (let i = 0; i < n; i++) {
    hits.channel.push(i);
    hits.amplitudeAdc.push(Math.floor(5 + rnd() * 4000));
    hits.timeQ8.push(Math.floor(13 * 256 + rnd() * 512));
    hits.flags.push(rnd() < 0.1 ? 0x05 : 0x04);
  }
  return {
    spillNumber: 17,
    triggerNumber: 123456 + n,
    timestampTicks: 0x12345678,
    configHash: 0xdeadbeef,
    triggerType: 1,
    eventFlags: 0,
    energySumKeV: 70_000_000,
    hits,
  };
}

// ---------------------------------------------------------------------------------------------
// (b) The practical ceiling: the same layout written by hand, no range checks.

function dvEncodeEvent(dv: DataView, o: number, v: EventMsg): number {
  dv.setUint32(o, v.spillNumber, true);
  dv.setUint32(o + 4, v.triggerNumber, true);
  dv.setUint32(o + 8, v.timestampTicks, true);
  dv.setUint32(o + 12, v.configHash, true);
  dv.setUint8(o + 16, v.triggerType);
  dv.setUint8(o + 17, v.eventFlags);
  dv.setUint32(o + 18, v.energySumKeV, true);
  const h = v.hits;
  const n = h.n;
  dv.setUint8(o + 22, n);
  o += 23;
  for (let i = 0; i < n; i++) dv.setUint8(o + i, h.channel[i]!);
  o += n;
  for (let i = 0; i < n; i++) dv.setUint16(o + 2 * i, h.amplitudeAdc[i]!, true);
  o += 2 * n;
  for (let i = 0; i < n; i++) dv.setUint16(o + 2 * i, h.timeQ8[i]!, true);
  o += 2 * n;
  for (let i = 0; i < n; i++) dv.setUint8(o + i, h.flags[i]!);
  return o + n;
}

function dvDecodeEvent(dv: DataView, o: number, end: number): EventMsg {
  if (end - o < 23) throw new RangeError("short");
  const n = dv.getUint8(o + 22);
  if (n > 72 || end - o < 23 + 6 * n) throw new RangeError("bad count");
  const spillNumber = dv.getUint32(o, true);
  const triggerNumber = dv.getUint32(o + 4, true);
  const timestampTicks = dv.getUint32(o + 8, true);
  const configHash = dv.getUint32(o + 12, true);
  const triggerType = dv.getUint8(o + 16);
  const eventFlags = dv.getUint8(o + 17);
  const energySumKeV = dv.getUint32(o + 18, true);
  o += 23;
  const channel = new Array<number>(n);
  for (let i = 0; i < n; i++) channel[i] = dv.getUint8(o + i);
  o += n;
  const amplitudeAdc = new Array<number>(n);
  for (let i = 0; i < n; i++) amplitudeAdc[i] = dv.getUint16(o + 2 * i, true);
  o += 2 * n;
  const timeQ8 = new Array<number>(n);
  for (let i = 0; i < n; i++) timeQ8[i] = dv.getUint16(o + 2 * i, true);
  o += 2 * n;
  const flags = new Array<number>(n);
  for (let i = 0; i < n; i++) flags[i] = dv.getUint8(o + i);
  return {
    spillNumber,
    triggerNumber,
    timestampTicks,
    configHash,
    triggerType,
    eventFlags,
    energySumKeV,
    hits: { n, channel, amplitudeAdc, timeQ8, flags },
  };
}

function dvEncodeFrame(v: EventMsg, seq: number): Buffer {
  const len = 23 + 6 * v.hits.n;
  const buf = Buffer.alloc(HEADER_BYTES + len);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  dv.setUint16(0, FRAME_MAGIC, true);
  dv.setUint8(2, VERSION);
  dv.setUint8(3, MsgType.EVENT);
  dv.setUint16(4, 3, true);
  dv.setUint16(6, len, true);
  dv.setUint32(8, seq, true);
  dvEncodeEvent(dv, HEADER_BYTES, v);
  dv.setUint32(ENV_OFF.check, frameCheck(buf), true);
  return buf;
}

function dvDecodeFrame(buf: Buffer): EventMsg {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  if (buf.length < HEADER_BYTES || dv.getUint16(0, true) !== FRAME_MAGIC) throw new RangeError("magic");
  const len = dv.getUint16(6, true);
  if (buf.length < HEADER_BYTES + len) throw new RangeError("short");
  if (frameCheck(buf.subarray(0, HEADER_BYTES + len)) !== dv.getUint32(ENV_OFF.check, true)) throw new RangeError("check");
  return dvDecodeEvent(dv, HEADER_BYTES, HEADER_BYTES + len);
}

// ---------------------------------------------------------------------------------------------
// (a) typed-binary on the schema object.

const tbEnvelope = Envelope;
function tbEncodeFrame(v: EventMsg, seq: number): Buffer {
  const len = Event.measure(v).size;
  const buf = Buffer.alloc(HEADER_BYTES + len);
  const ab = buf.buffer as ArrayBuffer;
  const w = new BufferWriter(ab, { endianness: "little", byteOffset: buf.byteOffset });
  tbEnvelope.write(w, { magic: FRAME_MAGIC, version: VERSION, type: MsgType.EVENT, source: 3, length: len, seq, check: 0 });
  Event.write(w, v);
  buf.writeUInt32LE(frameCheck(buf), ENV_OFF.check);
  return buf;
}

function tbDecodeFrame(buf: Buffer): EventMsg {
  const r = new BufferReader(buf.buffer as ArrayBuffer, { endianness: "little", byteOffset: buf.byteOffset });
  const env = tbEnvelope.read(r);
  if (env.magic !== FRAME_MAGIC) throw new RangeError("magic");
  if (buf.length < HEADER_BYTES + env.length) throw new RangeError("short");
  if (frameCheck(buf.subarray(0, HEADER_BYTES + env.length)) !== env.check) throw new RangeError("check");
  return Event.read(r);
}

// ---------------------------------------------------------------------------------------------
// Timing: warm-up, then repetitions of a calibrated batch; the median per-operation time counts.

interface Timing {
  nsPerOp: number;
  opsPerS: number;
  reps: number;
  batch: number;
  spreadPct: number;
  /** ns per op of each repetition, in repetition order (aligned across a group). */
  samplesNs: number[];
}

let sink = 0;
const REPS = QUICK ? 5 : 11;
const REP_MS = QUICK ? 15 : 30;
const WARM_MS = QUICK ? 40 : 150;

/** A batch size that runs for about REP_MS, after a warm-up of WARM_MS. */
function calibrate(op: () => number): number {
  const t0 = performance.now();
  let batch = 1;
  while (performance.now() - t0 < WARM_MS) {
    for (let i = 0; i < batch; i++) sink += op();
    batch *= 2;
  }
  const c0 = performance.now();
  for (let i = 0; i < batch; i++) sink += op();
  const perOp = (performance.now() - c0) / batch;
  return Math.max(1, Math.round(REP_MS / perOp));
}

/**
 * Times the operations of a group against each other: every repetition runs one batch of each,
 * in rotating order, so that load from other processes on a shared machine hits all of them
 * alike. Ratios are then taken repetition by repetition (ratioOf).
 */
function timeGroup(ops: Array<() => number>): Timing[] {
  const batches = ops.map(calibrate);
  const samples: number[][] = ops.map(() => []);
  for (let r = 0; r < REPS; r++)
    for (let k = 0; k < ops.length; k++) {
      const j = (k + r) % ops.length;
      const op = ops[j]!;
      const batch = batches[j]!;
      const s = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) sink += op();
      samples[j]!.push(Number(process.hrtime.bigint() - s) / batch);
    }
  return samples.map((xs, j) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1]!;
    return { nsPerOp: med, opsPerS: 1e9 / med, reps: REPS, batch: batches[j]!, spreadPct: (100 * (sorted[sorted.length - 1]! - sorted[0]!)) / med, samplesNs: xs };
  });
}

/** Median over repetitions of (frames/s of a) / (frames/s of b), for timings of one group. */
function ratioOf(a: Timing, b: Timing): number {
  const r = a.samplesNs.map((x, i) => b.samplesNs[i]! / x).sort((p, q) => p - q);
  return r[r.length >> 1]!;
}

type CodecName = "typed-binary" | "dataview" | "shipped";
type Scope = "payload" | "frame" | "stream";
type Op = "encode" | "decode";

interface HostRow extends Timing {
  codec: CodecName;
  scope: Scope;
  op: Op;
  hits: number;
  bytes: number;
  mbPerS: number;
}

function hostRows(): HostRow[] {
  const rows: HostRow[] = [];
  const CODECS: CodecName[] = ["typed-binary", "dataview", "shipped"];
  const group = (scope: Scope, op: Op, hits: number, bytes: number, fns: Array<() => number>) =>
    timeGroup(fns).forEach((t, k) => rows.push({ codec: CODECS[k]!, scope, op, hits, bytes, ...t, mbPerS: (t.opsPerS * bytes) / 1e6 }));
  for (const n of HIT_COUNTS) {
    const v = makeEvent(n);
    const payloadBytes = sizeEvent(v);
    const frameBytes = HEADER_BYTES + payloadBytes;
    // Payload buffers, shared by every codec (all three produce the same bytes: checked below).
    const pbuf = new ArrayBuffer(payloadBytes);
    const pdv = new DataView(pbuf);
    encodeEvent(pdv, 0, v);
    const ref = Buffer.from(pbuf).toString("hex");
    const tbw = () => {
      Event.write(new BufferWriter(pbuf, { endianness: "little" }), v);
      return pdv.getUint8(22);
    };
    const dvw = () => dvEncodeEvent(pdv, 0, v);
    const shw = () => encodeEvent(pdv, 0, v);
    for (const w of [tbw, dvw, shw]) {
      new Uint8Array(pbuf).fill(0);
      w();
      if (Buffer.from(pbuf).toString("hex") !== ref) throw new Error("benchmark codecs disagree on the payload bytes");
    }
    group("payload", "encode", n, payloadBytes, [tbw, dvw, shw]);
    group("payload", "decode", n, payloadBytes, [
      () => Event.read(new BufferReader(pbuf, { endianness: "little" })).hits.n,
      () => dvDecodeEvent(pdv, 0, payloadBytes).hits.n,
      () => decodeEvent(pdv, 0, payloadBytes, PROTO_MINOR).hits.n,
    ]);

    const frame = encodeFrame("EVENT", v, { source: 3, seq: 7 });
    for (const f of [dvEncodeFrame(v, 7), tbEncodeFrame(v, 7)])
      if (!f.equals(frame)) throw new Error("benchmark codecs disagree on the frame bytes");
    for (const d of [dvDecodeFrame(frame), tbDecodeFrame(frame), decodeFrame(frame).body])
      if (JSON.stringify(d) !== JSON.stringify(v)) throw new Error("benchmark codecs disagree on the decoded event");
    let seq = 0;
    group("frame", "encode", n, frameBytes, [
      () => tbEncodeFrame(v, seq++).length,
      () => dvEncodeFrame(v, seq++).length,
      () => encodeFrame("EVENT", v, { source: 3, seq: seq++ }).length,
    ]);
    group("frame", "decode", n, frameBytes, [() => tbDecodeFrame(frame).hits.n, () => dvDecodeFrame(frame).hits.n, () => decodeFrame(frame).bytes]);

    // FrameStream: a 64 KB chunk of concatenated frames per push; the row is per frame.
    const perChunk = Math.max(1, Math.floor(65536 / frameBytes));
    const chunk = Buffer.concat(Array.from({ length: perChunk }, (_, i) => encodeFrame("EVENT", v, { source: 3, seq: i })));
    const stream = new FrameStream();
    const [t] = timeGroup([
      () => {
        const items = stream.push(chunk);
        if (items.length !== perChunk || !items[perChunk - 1]!.ok) throw new Error("stream lost frames");
        return items.length;
      },
    ]);
    const per = { ...t!, nsPerOp: t!.nsPerOp / perChunk, opsPerS: t!.opsPerS * perChunk, batch: t!.batch * perChunk, samplesNs: t!.samplesNs.map((x) => x / perChunk) };
    rows.push({ codec: "shipped", scope: "stream", op: "decode", hits: n, bytes: frameBytes, ...per, mbPerS: (per.opsPerS * frameBytes) / 1e6 });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Bytes per event against a MIDAS-style layout carrying the same content.

interface SizeRow {
  hits: number;
  ours: number;
  midasStructBank: number;
  midasColumnBanks: number;
}

const pad8 = (x: number) => (x + 7) & ~7;
const MIDAS_EVENT_HEADER = 16;
const MIDAS_BANK_HEADER = 8;
const MIDAS_BANK32A = 16;

/**
 * MIDAS event = EVENT_HEADER (16 B: id, trigger mask, serial = trigger number, time in seconds,
 * size) + BANK_HEADER (8 B) + BANK32A banks (16 B header each, data padded to 8 B):
 *   "EVHD" TID_UINT32 x 5: spill, timestamp ticks, config hash, trigger type | flags << 8, energy sum (keV);
 * hits either as one "HITS" TID_STRUCT bank (6 B per hit: channel u8, amplitude u16, time u16,
 * flags u8) or as four column banks "HCHN" u8, "HAMP" u16, "HTIM" u16, "HFLG" u8; hit banks are
 * left out when there are no hits. The board id and sequence number of our envelope map to the
 * MIDAS event id and serial number; MIDAS has no integrity check.
 */
function sizeRows(): SizeRow[] {
  return HIT_COUNTS.map((n) => {
    const head = MIDAS_EVENT_HEADER + MIDAS_BANK_HEADER + MIDAS_BANK32A + pad8(5 * 4);
    const struct = n ? MIDAS_BANK32A + pad8(6 * n) : 0;
    const cols = n ? 4 * MIDAS_BANK32A + pad8(n) + pad8(2 * n) + pad8(2 * n) + pad8(n) : 0;
    return { hits: n, ours: HEADER_BYTES + sizeEvent(makeEvent(n)), midasStructBank: head + struct, midasColumnBanks: head + cols };
  });
}

// ---------------------------------------------------------------------------------------------
// Inside the DeviceScript VM: `devs run --tcp benchmarks/vm/protocol.ts` against a null Jacdac bus.

interface VmResult {
  name: string;
  usPerOp: number;
  reps: number;
  opsPerRep: number;
  samplesUs: number[];
}

const VM_PROGRAM = process.argv.includes("--vm-program") ? process.argv[process.argv.indexOf("--vm-program") + 1]! : "benchmarks/vm/protocol.ts";
const JACDAC_PORT = 8082;

/** A Jacdac bus that ignores everything (what `devs run --tcp` needs to start). */
function nullBus(): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const srv = createServer((sock) => {
      sock.on("data", () => {});
      sock.on("error", () => {});
    });
    srv.once("error", (e: NodeJS.ErrnoException) => {
      // Another process (another bench run) already listens: its bus works as well as ours.
      if (e.code === "EADDRINUSE") resolve(undefined);
      else reject(e);
    });
    srv.listen(JACDAC_PORT, "127.0.0.1", () => resolve(srv));
  });
}

async function vmRows(): Promise<{ rows: VmResult[]; log: string[] }> {
  const bus = await nullBus();
  try {
    const child = spawn(process.execPath, [join(ROOT, "node_modules/@devicescript/cli/devicescript"), "run", "--tcp", VM_PROGRAM], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const rows: VmResult[] = [];
    let buf = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`VM benchmark timed out; output:\n${lines.slice(-30).join("\n")}`)), 180_000);
      const onData = (d: Buffer) => {
        buf += d.toString().replace(/\x1b\[[0-9;]*m/g, "");
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          lines.push(line);
          const m = /VMBENCH (\S+) reps=(\d+) ops=(\d+) us=([-\d.,e+]+)/.exec(line);
          if (m) {
            const samplesUs = m[4]!.split(",").map(Number);
            const sorted = [...samplesUs].sort((a, b) => a - b);
            rows.push({ name: m[1]!, reps: Number(m[2]), opsPerRep: Number(m[3]), samplesUs, usPerOp: sorted[sorted.length >> 1]! });
          }
          if (line.includes("VMBENCH-END") || /panic|Exception|error/i.test(line)) {
            clearTimeout(timer);
            child.kill("SIGKILL");
            if (line.includes("VMBENCH-END")) resolve();
            else reject(new Error(`VM benchmark failed: ${line}\n${lines.slice(-30).join("\n")}`));
          }
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.on("exit", (code) => {
        clearTimeout(timer);
        if (!lines.some((l) => l.includes("VMBENCH-END"))) reject(new Error(`devs exited ${code} before the results:\n${lines.slice(-30).join("\n")}`));
      });
    });
    return { rows, log: lines.filter((l) => l.includes("VMBENCH")) };
  } finally {
    await new Promise<void>((r) => (bus ? bus.close(() => r()) : r()));
  }
}

// ---------------------------------------------------------------------------------------------

function fmt(x: number, digits = 0): string {
  return x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

interface VmSection {
  command: string;
  date: string;
  rows: VmResult[];
  log: string[];
}

/** The VM part, with its table printed. Throws when the VM program fails (build error, panic, timeout). */
async function runVm(): Promise<VmSection> {
  const date = new Date().toISOString();
  const { rows, log } = await vmRows();
  console.log(`\nDeviceScript VM (devs run --tcp ${VM_PROGRAM}, no GC stress); median of the repetitions`);
  console.log("what                                       us/op   reps  ops/rep");
  for (const r of rows) console.log(`${r.name.padEnd(40)} ${r.usPerOp.toFixed(1).padStart(8)} ${String(r.reps).padStart(6)} ${String(r.opsPerRep).padStart(8)}`);
  return { command: `npx tsx benchmarks/protocol.ts${VM_ONLY ? " --vm-only" : ""}`, date, rows, log };
}

function writeResults(out: unknown): void {
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(out, null, 2) + "\n");
  console.log(`\nwrote benchmarks/results/protocol.json`);
}

/** --vm-only: the VM part alone, replacing the vm section of the existing results. */
async function vmOnly(): Promise<number> {
  if (!existsSync(RESULTS)) {
    console.error("benchmarks/protocol.ts --vm-only updates benchmarks/results/protocol.json, which does not exist: run `npx tsx benchmarks/protocol.ts` first");
    return 2;
  }
  const previous = JSON.parse(readFileSync(RESULTS, "utf-8")) as Record<string, unknown>;
  try {
    const vm = await runVm();
    writeResults({ ...previous, vm });
    return 0;
  } catch (e) {
    console.error(`\nVM benchmark failed (benchmarks/results/protocol.json left as it was): ${(e as Error).message}`);
    return 1;
  }
}

async function main(): Promise<number> {
  if (VM_ONLY) return vmOnly();
  const rows = hostRows();
  const sizes = sizeRows();

  const find = (codec: CodecName, scope: Scope, op: Op, hits: number) =>
    rows.find((r) => r.codec === codec && r.scope === scope && r.op === op && r.hits === hits)!;
  const ratios = HIT_COUNTS.flatMap((n) =>
    (["payload", "frame"] as const).flatMap((scope) =>
      (["encode", "decode"] as const).map((op) => {
        const dv = find("dataview", scope, op, n);
        return {
          hits: n,
          scope,
          op,
          shippedVsDataview: ratioOf(find("shipped", scope, op, n), dv),
          typedBinaryVsDataview: ratioOf(find("typed-binary", scope, op, n), dv),
        };
      }),
    ),
  );

  console.log(`\nHost (${cpus()[0]?.model ?? "?"}, node ${process.version}); median of ${REPS} repetitions\n`);
  console.log("hits  scope    op      codec           frames/s      MB/s   ns/frame  spread%");
  for (const r of rows)
    console.log(
      `${String(r.hits).padStart(4)}  ${r.scope.padEnd(7)}  ${r.op.padEnd(6)}  ${r.codec.padEnd(12)} ${fmt(r.opsPerS).padStart(12)} ${fmt(r.mbPerS, 1).padStart(9)} ${fmt(r.nsPerOp).padStart(10)} ${fmt(r.spreadPct).padStart(8)}`,
    );
  console.log("\nframes/s relative to the DataView loop (median of per-repetition ratios); target for shipped >= 0.50");
  console.log("hits  scope    op      shipped  typed-binary");
  for (const q of ratios)
    console.log(`${String(q.hits).padStart(4)}  ${q.scope.padEnd(7)}  ${q.op.padEnd(6)}  ${q.shippedVsDataview.toFixed(2).padStart(6)}  ${q.typedBinaryVsDataview.toFixed(3).padStart(7)}`);
  console.log("\nbytes per event: ours (16 B envelope + payload) vs MIDAS-style (see benchmarks/protocol.ts sizeRows)");
  console.log("hits   ours  MIDAS 1 struct bank  MIDAS 4 column banks");
  for (const s of sizes)
    console.log(`${String(s.hits).padStart(4)} ${String(s.ours).padStart(6)} ${String(s.midasStructBank).padStart(20)} ${String(s.midasColumnBanks).padStart(21)}`);

  let vm: VmSection | { error: string } | undefined;
  if (!NO_VM) {
    try {
      vm = await runVm();
    } catch (e) {
      vm = { error: (e as Error).message };
      console.error(`\nVM benchmark failed: ${(e as Error).message}`);
    }
  }

  const target = ratios.filter((q) => q.shippedVsDataview < 0.5);
  console.log(
    target.length
      ? `\nBELOW TARGET: ${target.map((q) => `${q.hits} hits ${q.scope} ${q.op} ${q.shippedVsDataview.toFixed(2)}`).join("; ")}`
      : `\nshipped codec >= 50% of the DataView loop in every case`,
  );

  const out = {
    generatedBy: "npx tsx benchmarks/protocol.ts" + (QUICK ? " --quick" : ""),
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? "?", cores: cpus().length, node: process.version, platform: process.platform },
    method:
      `per operation: warm-up ${WARM_MS} ms, a batch sized to about ${REP_MS} ms, ${REPS} repetitions; the three codecs of a row ` +
      `group run interleaved (rotating order) and ratios are medians of per-repetition ratios; ns per frame = median`,
    host: rows,
    ratios,
    bytesPerEvent: {
      assumption:
        "MIDAS: 16 B EVENT_HEADER + 8 B BANK_HEADER + BANK32A banks (16 B header, data padded to 8 B): EVHD = 5 x u32 " +
        "(spill, timestamp ticks, config hash, trigger type|flags, energy sum); hits as one TID_STRUCT bank HITS of 6 B/hit, " +
        "or as 4 column banks (u8 channel, u16 amplitude, u16 time, u8 flags); no hit banks when there are no hits.",
      rows: sizes,
    },
    vm: vm ?? "skipped (--no-vm)",
    sink,
  };
  writeResults(out);
  if (vm && "error" in vm) {
    console.error("exit 1: the VM part failed (see above)");
    return 1;
  }
  return 0;
}

process.exitCode = await main();
