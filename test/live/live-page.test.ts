// The live page in a real browser (Debian's chromium, driven by playwright-core): it loads with no
// console error, its numbers change while a bench run is on, and when the run ends they are the
// run's final numbers (events, triggers by type, boards' frames, spills, dead time), every plot
// drawn. One bench run serves every assertion. The server itself: loopback names only, GET only,
// nothing but its own paths, a warning for any other bind address.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { runBench } from "../../src/bench/run";
import type { BenchResult } from "../../src/bench/result";
import { LiveServer, liveBindWarning } from "../../src/live/server";

// The page's document, as the checks below use it in the browser (this project compiles without the DOM library).
interface PageNode {
  textContent: string | null;
  children: ArrayLike<PageNode>;
}
declare const document: { getElementById(id: string): PageNode | null; querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode> };

const CHROMIUM = "/usr/bin/chromium";
const RUN_TIMEOUT_MS = 240_000;

let dir: string;
let live: LiveServer;
let ctx: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  dir = mkdtempSync(join(tmpdir(), "na64-live-"));
  live = await LiveServer.start({ port: 0, intervalMs: 200 });
  ctx = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await ctx.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await live?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const num = async (sel: string) => Number(await page.textContent(sel));
const cellsOf = (key: string, table: string) => page.$$eval(`#${table} tr[data-key="${key}"] td`, (tds) => tds.map((td) => td.textContent ?? ""));

describe("live page", () => {
  it("follows a bench run in a real browser and ends on the run's final numbers", async () => {
    await page.goto(live.url);
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "waiting for a run");

    let result: BenchResult | undefined;
    const bench = runBench({ intensity: 0.01, spills: 2, timeoutMs: 30_000, outDir: join(dir, "runs") }, { onSession: (s) => live.attach(s) }).then((r) => (result = r));

    // While the spills run, the page's numbers move.
    await page.waitForFunction(() => /^in spill \d/.test(document.getElementById("state")!.textContent!) && Number(document.getElementById("events")!.textContent) > 0, null, { timeout: RUN_TIMEOUT_MS });
    const first = await num("#events");
    await page.waitForFunction((n) => Number(document.getElementById("events")!.textContent) > n, first, { timeout: RUN_TIMEOUT_MS });
    expect(result, "the run was still on while the numbers moved").toBeUndefined();
    // Every plot is drawn by Vega (SVG), the ECAL spectrum with its 25 bins and the overflow bin.
    await page.waitForFunction(() => document.querySelectorAll(".plot svg").length >= 11);
    expect(await page.getAttribute("#plot-ecal-beam", "data-rows")).toBe("26");
    // Each board's link: connected, its boot count, a heartbeat (STATUS every second).
    await page.waitForFunction(() => [...document.querySelectorAll("#boards tbody tr")].every((tr) => tr.children[8]!.textContent !== "-"), null, { timeout: 30_000 });
    const trigLink = await cellsOf("trig", "boards");
    expect(trigLink.slice(0, 3)).toEqual(["trig", "trigger", "connected"]);
    expect(Number(trigLink[3])).toBeGreaterThan(0);

    const r = await bench;
    expect(r.ok).toBe(true);
    live.end();
    await page.waitForFunction(() => document.getElementById("state")!.textContent!.startsWith("ended"));

    expect(await num("#events")).toBe(r.events);
    expect(await num("#spills-closed")).toBe(2);
    expect(await num("#run")).toBe(r.runNumber);
    const types = Object.entries(r.summary.triggersByType);
    expect(types.length).toBe(4);
    for (const [t, n] of types) expect((await cellsOf(t, "triggers"))[1], t).toBe(String(n));
    for (const b of r.boards) {
      const c = await cellsOf(b.name, "boards");
      expect(c[4], `${b.name} reconnects`).toBe(String(b.link.reconnects));
      expect(c[6], `${b.name} RESENDs`).toBe(String(b.link.resendRequests));
      expect(Number(c[9]), `${b.name} frames`).toBe(b.frames);
    }
    const trigId = r.setup.boards.find((b) => b.role === "trigger")!.id;
    for (const sp of r.spills) {
      const sc = sp.report.scalers[trigId]!;
      expect((await cellsOf(String(sp.spill), "spills"))[2], `spill ${sp.spill} dead time`).toBe(((100 * sc.deadTicks) / sc.spillTicks).toFixed(3));
    }
    expect(await page.textContent("#waveforms-note")).toMatch(/^none recorded/);

    // The linear axes redraw every plot; still no error.
    await page.click("#log");
    await page.waitForFunction(() => document.querySelectorAll(".plot svg").length >= 11);
    expect(problems).toEqual([]);
  }, RUN_TIMEOUT_MS + 60_000);

  it("serves its own paths to loopback names only, GET only; warns for any other bind address", async () => {
    const get = (path: string, o: { method?: string; host?: string } = {}) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(path, live.url);
        const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: o.method ?? "GET", headers: o.host ? { host: o.host } : {} }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await get("/")).toBe(200);
    expect(await get("/vendor/vega.min.js")).toBe(200);
    expect(await get("/api/snapshot")).toBe(200);
    expect(await get("/../package.json")).toBe(404);
    expect(await get("/node_modules/vega/package.json")).toBe(404);
    expect(await get("/", { method: "POST" })).toBe(405);
    expect(await get("/", { host: "evil.example:80" })).toBe(403);
    expect(liveBindWarning("127.0.0.1")).toBeUndefined();
    expect(liveBindWarning("::1")).toBeUndefined();
    expect(liveBindWarning("0.0.0.0")).toMatch(/served on 0\.0\.0\.0: anyone who reaches this machine/);
  });
});
