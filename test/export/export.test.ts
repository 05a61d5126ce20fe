// `na64fe export`: the Parquet tables of a recorded bench run, read back through DuckDB (an
// independent Parquet reader: C++, none of the writer's code), give the numbers `inspect --json`
// reports: events, complete events, triggers by type, the ECAL spectra bin by bin, zero-hit events,
// per-board data frames; the hits add up to the firmware's own hit scalers. A crashed copy of the
// run exports what inspect rebuilds from it and says what it skipped. Bad input writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { runBench } from "../../src/bench/run";
import { TABLE_FILES } from "../../src/export/export-runs";
import { columnsMarkdown, README_BEGIN, README_END } from "../../src/export/columns-doc";
import { na64fe } from "../support/cli";
import { openRun } from "../../src/runfile/reader";

interface Hist {
  lo: number;
  hi: number;
  bins: number[];
  under: number;
  over: number;
  entries: number;
}
interface InspectJson {
  status: { summary: string; problem?: { offset: number } };
  spills: Array<{ spillNumber: number; boards: Array<{ boardId: number; dataFrames: number }> }>;
  physics: {
    frames: number;
    builder: { events: number; complete: number; zeroHitEvents: number };
    triggersByType: Record<string, number>;
    ecalBeamGeV: Hist;
    ecalPhysicsGeV: Hist;
  };
}

let dir: string;
let runPath: string;
let crashedPath: string;
let db: DuckDBConnection;

async function q<T = Record<string, number | string | boolean>>(sql: string): Promise<T[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS() as T[];
}

async function inspectJson(path: string): Promise<InspectJson> {
  const r = await na64fe("inspect", path, "--json");
  return r.json[0] as InspectJson;
}

/** A histogram filled by SQL from a table's column, in the bins of `h` (the summary's arithmetic). */
async function sqlHistogram(table: string, column: string, where: string, h: Hist): Promise<Hist> {
  const n = h.bins.length;
  const rows = await q<{ b: number; c: number }>(
    `select cast(case when ${column} < ${h.lo} then -1 when ${column} >= ${h.hi} then ${n} else floor(((${column} - ${h.lo}) / (${h.hi} - ${h.lo})) * ${n}) end as integer) b, cast(count(*) as integer) c from '${table}' where ${where} group by b`,
  );
  const bins = new Array<number>(n).fill(0);
  let under = 0, over = 0, entries = 0;
  for (const r of rows) {
    entries += r.c;
    if (r.b < 0) under += r.c;
    else if (r.b >= n) over += r.c;
    else bins[r.b] = r.c;
  }
  return { lo: h.lo, hi: h.hi, bins, under, over, entries };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "na64-export-"));
  const r = await runBench({ intensity: 0.01, spills: 2, timeoutMs: 30_000, outDir: join(dir, "runs") });
  expect(r.ok).toBe(true);
  runPath = r.runFile!;
  // A crash in the middle of spill 2: the file ends inside a record (not on a record boundary).
  const bytes = readFileSync(runPath);
  crashedPath = join(dir, "crashed.na64");
  for (let cut = Math.floor(bytes.length * 0.8); ; cut--) {
    writeFileSync(crashedPath, bytes.subarray(0, cut));
    const f = openRun(crashedPath);
    const torn = f.status.problem !== undefined;
    f.close();
    if (torn) break;
  }
  db = await (await DuckDBInstance.create(":memory:")).connect();
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("na64fe export", () => {
  it("writes every table, and DuckDB reads back the numbers inspect --json reports", async () => {
    const out = join(dir, "whole");
    const e = await na64fe("export", runPath, "--out", out, "--json");
    expect(e.errors).toEqual([]);
    expect(e.code).toBe(0);
    const res = e.json[0] as { ok: boolean; rows: Record<string, number>; waveformsNote?: string; runs: Array<{ skipped: string[] }> };
    expect(res.ok).toBe(true);
    expect(res.runs[0]!.skipped).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(TABLE_FILES.map((t) => `${t}.parquet`).sort());
    const ins = await inspectJson(runPath);
    const p = ins.physics;
    const ev = join(out, "events.parquet");
    const [counts] = await q(
      `select cast(count(*) as integer) events, cast(count(*) filter (where complete) as integer) complete, cast(count(*) filter (where hits = 0) as integer) zero from '${ev}'`,
    );
    expect(p.builder.events).toBeGreaterThan(300);
    expect(counts).toEqual({ events: p.builder.events, complete: p.builder.complete, zero: p.builder.zeroHitEvents });
    expect(res.rows.events).toBe(p.builder.events);

    const byType = await q<{ trigger_name: string; n: number }>(`select trigger_name, cast(count(*) as integer) n from '${ev}' group by trigger_name`);
    expect(byType.length).toBeGreaterThan(1);
    for (const [name, n] of Object.entries(p.triggersByType)) expect(byType.find((r) => r.trigger_name === name)?.n ?? 0, name).toBe(n);

    expect(p.ecalBeamGeV.entries).toBeGreaterThan(0);
    expect(await sqlHistogram(ev, "ecal_total_energy_GeV", "trigger_type_mask & 2 <> 0", p.ecalBeamGeV)).toEqual(pick(p.ecalBeamGeV));
    expect(p.ecalPhysicsGeV.entries).toBeGreaterThan(0);
    expect(await sqlHistogram(ev, "ecal_total_energy_GeV", "trigger_type_mask & 1 <> 0", p.ecalPhysicsGeV)).toEqual(pick(p.ecalPhysicsGeV));

    // Per spill and board: the firmware's eventsSent (scalers table) = the events built in that spill
    // (every event of this run is complete: each board sent one per trigger, several per READOUT frame).
    const sent = await q<{ spill: number; board_id: number; events_sent: number }>(`select spill, board_id, events_sent from '${join(out, "scalers.parquet")}'`);
    const perSpill = await q<{ spill: number; n: number }>(`select spill, cast(count(*) as integer) n from '${ev}' group by spill`);
    const built = ins.spills.flatMap((s) => s.boards.map((b) => ({ spill: s.spillNumber, board_id: b.boardId, events_sent: perSpill.find((x) => x.spill === s.spillNumber)?.n ?? -1 })));
    expect(built.length).toBe(10);
    expect(sent.sort(bySpillBoard)).toEqual(built.sort(bySpillBoard));

    // Hits: one row per hit, per board as many as the events say and the firmware's hitsSent counted.
    const hitsPerBoard = await q<{ board: string; n: number }>(`select board, cast(count(*) as integer) n from '${join(out, "hits.parquet")}' group by board order by board`);
    const [evHits] = await q(`select cast(sum(ecal_ps_hits) as integer) "ecal-ps", cast(sum(ecal_main_hits) as integer) "ecal-main", cast(sum(hcal_hits) as integer) hcal, cast(sum(veto_hits) as integer) veto from '${ev}'`);
    const fwHits = await q<{ board: string; n: number }>(`select board, cast(sum(hits_sent) as integer) n from '${join(out, "scalers.parquet")}' where board <> 'trig' group by board order by board`);
    expect(hitsPerBoard.length).toBe(4);
    expect(Object.fromEntries(hitsPerBoard.map((r) => [r.board, r.n]))).toEqual(evHits);
    expect(fwHits).toEqual(hitsPerBoard);
    // Names from the channel map, energies from the run's CONFIG.
    const [cell] = await q(`select element, detector, module, cell_x, cell_y from '${join(out, "hits.parquet")}' where board = 'ecal-main' and channel = 7 limit 1`);
    expect(cell).toEqual({ element: "ECAL:1:1:1", detector: "ECAL", module: 1, cell_x: 1, cell_y: 1 });
    const [gain] = await q(`select cast(count(*) as integer) bad from '${join(out, "hits.parquet")}' h join '${join(out, "config_channels.parquet")}' c using (run, board_id, channel) where abs(h.energy_GeV - h.amplitude_adc * c.energy_GeV_per_adc) > 1e-12`);
    expect(gain).toEqual({ bad: 0 });

    const [run] = await q(`select run, cast(frames as integer) frames, status, closed, damaged_at_byte from '${join(out, "runs.parquet")}'`);
    expect(run).toEqual({ run: 1, frames: p.frames, status: ins.status.summary, closed: true, damaged_at_byte: -1n });
    // No run of this format records waveforms: the table has its columns and no rows, and says so.
    const wf = await q<{ column_name: string; column_type: string }>(`select column_name, column_type from (describe select * from '${join(out, "waveforms.parquet")}')`);
    expect(wf.find((c) => c.column_name === "samples_adc")?.column_type).toBe("SMALLINT[]");
    expect(res.rows.waveforms).toBe(0);
    expect(res.waveformsNote).toMatch(/no raw samples/);
    // Each column's meaning travels in the file's metadata.
    const meta = await q<{ k: string; v: string }>(`select decode(key) k, decode(value) v from parquet_kv_metadata('${ev}')`);
    expect(JSON.parse(meta.find((m) => m.k === "na64.columns")!.v).ecal_total_energy_GeV).toMatch(/preshower and main/);
  });

  it("exports what a crashed run file holds, says what it skipped and exits 1", async () => {
    const out = join(dir, "crashed");
    const e = await na64fe("export", crashedPath, "--out", out);
    expect(e.code).toBe(1);
    const ins = await inspectJson(crashedPath);
    expect(ins.status.problem).toBeDefined();
    expect(e.lines.join("\n")).toMatch(new RegExp(`skipped: \\d+ bytes from byte ${ins.status.problem!.offset} on are unreadable`));
    const [counts] = await q(`select cast(count(*) as integer) events, cast(count(*) filter (where complete) as integer) complete from '${join(out, "events.parquet")}'`);
    expect(ins.physics.builder.events).toBeGreaterThan(0);
    expect(counts).toEqual({ events: ins.physics.builder.events, complete: ins.physics.builder.complete });
    const [run] = await q(`select closed, damaged_at_byte, status from '${join(out, "runs.parquet")}'`);
    expect(run).toEqual({ closed: false, damaged_at_byte: BigInt(ins.status.problem!.offset), status: ins.status.summary });
  });

  it("refuses bad input with a one-line error and writes nothing", async () => {
    const out = join(dir, "refused");
    const notRun = join(dir, "not-a-run.na64");
    writeFileSync(notRun, "plain text");
    const a = await na64fe("export", runPath, notRun, "--out", out);
    expect(a.code).toBe(2);
    expect(a.errors).toEqual([expect.stringContaining("not an na64fe run file")]);
    expect(existsSync(out)).toBe(false);
    const b = await na64fe("export", runPath, runPath, "--out", out);
    expect(b.code).toBe(2);
    expect(b.errors).toEqual([expect.stringMatching(/^run 1: run 1 is in both .* would not identify an event/)]);
    expect(existsSync(out)).toBe(false);
    // An earlier export is not overwritten without --force.
    const first = await na64fe("export", runPath, "--out", out);
    expect(first.code).toBe(0);
    const again = await na64fe("export", runPath, "--out", out);
    expect(again.code).toBe(2);
    expect(again.errors).toEqual([expect.stringMatching(/already holds events.parquet, .* \(use --force to replace them\)/)]);
    expect((await na64fe("export", runPath, "--out", out, "--force")).code).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  it("src/export/README.md lists the columns the code writes", () => {
    const readme = readFileSync(new URL("../../src/export/README.md", import.meta.url), "utf-8");
    const inDoc = readme.slice(readme.indexOf(README_BEGIN), readme.indexOf(README_END) + README_END.length);
    expect(inDoc, "regenerate with `npx tsx src/export/columns-doc.ts --write`").toBe(columnsMarkdown());
  });
});

function pick(h: Hist): Hist {
  return { lo: h.lo, hi: h.hi, bins: h.bins, under: h.under, over: h.over, entries: h.entries };
}

function bySpillBoard(a: { spill: number; board_id: number }, b: { spill: number; board_id: number }): number {
  return a.spill - b.spill || a.board_id - b.board_id;
}
