// The live page's script (runs in the browser; plain JavaScript, no build step). It takes the
// plots' Vega specifications from /api/specs once per preset, then every snapshot from
// /api/stream (Server-Sent Events): the numbers go into the tables, each plot's rows into its
// Vega view's "table" data set. Vega itself is /vendor/vega.min.js, served from node_modules.
/* global vega */
(() => {
  const $ = (id) => document.getElementById(id);
  const views = new Map();
  let specs = null;
  let last = null;
  let busy = false;
  let pending = null;

  const fmt = (x, d = 0) => (x === undefined || x === null ? "-" : Number(x).toFixed(d));
  const text = (id, v) => {
    $(id).textContent = v;
  };
  function cells(tr, values) {
    tr.replaceChildren(
      ...values.map(([v, cls]) => {
        const td = document.createElement("td");
        td.textContent = v;
        if (cls) td.className = cls;
        return td;
      }),
    );
  }
  function rows(tbody, items, key, values) {
    const seen = new Set();
    for (const it of items) {
      const k = String(key(it));
      seen.add(k);
      let tr = tbody.querySelector(`tr[data-key="${CSS.escape(k)}"]`);
      if (!tr) {
        tr = document.createElement("tr");
        tr.dataset.key = k;
        tbody.appendChild(tr);
      }
      cells(tr, values(it));
    }
    for (const tr of [...tbody.children]) if (!seen.has(tr.dataset.key)) tr.remove();
  }

  async function loadSpecs() {
    const r = await fetch("/api/specs");
    if (!r.ok) throw new Error(`/api/specs: HTTP ${r.status}`);
    specs = await r.json();
    for (const v of views.values()) v.view.finalize();
    views.clear();
    for (const box of document.querySelectorAll(".plots")) box.replaceChildren();
    for (const p of specs.plots) {
      const box = document.querySelector(`.plots[data-section="${p.section}"]`);
      const div = document.createElement("div");
      div.className = "plot";
      div.id = `plot-${p.id}`;
      box.appendChild(div);
    }
  }

  async function draw(p, data) {
    const el = $(`plot-${p.id}`);
    const log = $("log").checked && p.log;
    let v = views.get(p.id);
    if (!v || v.log !== log) {
      if (v) v.view.finalize();
      const view = new vega.View(vega.parse(log ? p.specs.log : p.specs.lin), { renderer: "svg", container: el, hover: true });
      v = { view, log };
      views.set(p.id, v);
    }
    // resize(): lay the view out again for the new rows (axis label widths change with the counts).
    v.view.data("table", data).resize();
    await v.view.runAsync();
    el.dataset.rows = String(data.length);
  }

  async function show(s) {
    last = s;
    const st = $("state");
    st.textContent = s.state + (s.ended ? " (the live view has stopped)" : "");
    st.className = s.ended ? "ended" : "";
    text("run", s.run ?? "-");
    text("preset", s.preset ?? "-");
    text("spill", s.spill ?? "-");
    text("spills-closed", s.spillsClosed);
    text("events", s.events);
    text("complete", s.completeEvents);
    text("beam", s.beamSeconds ? `${fmt(s.beamSeconds, 2)} s` : "-");
    text("run-file", s.runFile ?? "-");
    text("updated", `updated ${new Date(s.timeMs).toLocaleTimeString()} (snapshot ${s.seq})`);
    rows($("boards").tBodies[0], s.boards, (b) => b.name, (b) => [
      [b.name],
      [b.role],
      [b.connected ? "connected" : "not connected", b.connected ? "" : "no"],
      [b.bootCount ?? "-", "num"],
      [b.reconnects, "num"],
      [b.restarts, "num"],
      [b.resendRequests, "num"],
      [b.busy === undefined ? "-" : b.busy ? "BUSY" : "no", b.busy ? "busy" : ""],
      [b.heartbeatAgeMs === undefined ? "-" : `${fmt(b.heartbeatAgeMs / 1000, 1)} s`, "num"],
      [b.frames, "num"],
    ]);
    rows($("triggers").tBodies[0], Object.keys(s.triggersByType), (t) => t, (t) => [[t], [s.triggersByType[t], "num"], [s.ratesHz ? fmt(s.ratesHz[t], 1) : "-", "num"]]);
    rows($("spills").tBodies[0], s.spills, (x) => x.spill, (x) => [
      [x.spill, "num"],
      [x.events, "num"],
      [fmt(x.deadPercent, 3), "num"],
      [Object.entries(x.busyPercent).map(([b, p]) => `${b} ${fmt(p, 3)}`).join(", ")],
    ]);
    text("waveforms-note", s.waveforms ? "" : s.waveformsNote);
    if (s.plotsKey && (!specs || specs.key !== s.plotsKey)) await loadSpecs();
    if (specs) for (const p of specs.plots) if (p.id !== "waveforms" || s.waveforms) await draw(p, s.data[p.id] || []);
    document.body.dataset.seq = String(s.seq);
  }

  /** One update at a time; while one draws, only the newest snapshot waits. */
  async function queue(s) {
    if (busy) {
      pending = s;
      return;
    }
    busy = true;
    try {
      await show(s);
      while (pending) {
        const next = pending;
        pending = null;
        await show(next);
      }
    } finally {
      busy = false;
    }
  }

  $("log").addEventListener("change", () => {
    if (last) queue(last);
  });
  const es = new EventSource("/api/stream");
  es.onmessage = (e) => queue(JSON.parse(e.data));
  es.addEventListener("end", () => es.close());
  es.onerror = () => {
    if (last && last.ended) return;
    $("state").textContent = "connection to the DAQ lost; retrying";
    $("state").className = "lost";
  };
})();
