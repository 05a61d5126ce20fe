// The live page: run and spill state, the boards' links, triggers, and the run's plots (drawn by
// app.js with Vega from the specifications /api/specs gives, updated from /api/stream).
export const LIVE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NA64 DAQ live</title><link rel="icon" href="data:,">
<style>
body{font-family:sans-serif;margin:1.2em 2em;max-width:1300px}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.4em 0;display:flex;gap:2em;align-items:baseline;flex-wrap:wrap;z-index:1}
h1{font-size:1.3em;margin:0}h2{margin:1.2em 0 .4em}
#state{font-weight:bold}.ended{color:#555}.lost{color:#c0392b}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ccc;padding:2px 8px;font-size:13px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.no{color:#c0392b;font-weight:bold}.busy{color:#c77d2e;font-weight:bold}
.plots{display:flex;flex-wrap:wrap;gap:16px}.plot{min-height:40px}.note{color:#555;font-size:13px}
</style></head><body>
<header><h1>NA64 DAQ live</h1><span id="state">connecting</span>
<label><input type="checkbox" id="log" checked> logarithmic count axes</label><span class="note" id="updated"></span></header>
<h2>Run</h2>
<table><tr><th>run</th><th>preset</th><th>spill now</th><th>spills closed</th><th>events</th><th>complete</th><th>beam time</th><th>run file</th></tr>
<tr><td class="num" id="run">-</td><td id="preset">-</td><td class="num" id="spill">-</td><td class="num" id="spills-closed">0</td><td class="num" id="events">0</td><td class="num" id="complete">0</td><td class="num" id="beam">-</td><td id="run-file">-</td></tr></table>
<h2>Boards</h2>
<table id="boards"><thead><tr><th>board</th><th>role</th><th>link</th><th>boot count</th><th>reconnects</th><th>restarts</th><th>RESENDs</th><th>BUSY</th><th>heartbeat age</th><th>frames</th></tr></thead><tbody></tbody></table>
<h2>Triggers</h2>
<table id="triggers"><thead><tr><th>trigger</th><th>events</th><th>rate [Hz] over the closed spills' beam time</th></tr></thead><tbody></tbody></table>
<div class="plots" data-section="Triggers"></div>
<h2>Dead time and BUSY</h2>
<table id="spills"><thead><tr><th>spill</th><th>events</th><th>dead time [%]</th><th>BUSY per board [%]</th></tr></thead><tbody></tbody></table>
<div class="plots" data-section="Dead time and BUSY"></div>
<h2>ECAL</h2><div class="plots" data-section="ECAL"></div>
<h2>HCAL</h2><div class="plots" data-section="HCAL"></div>
<h2>Veto</h2><div class="plots" data-section="Veto"></div>
<h2>Channels</h2><div class="plots" data-section="Channels"></div>
<h2>Waveforms</h2><p class="note" id="waveforms-note"></p><div class="plots" data-section="Waveforms"></div>
<script src="/vendor/vega.min.js"></script><script src="/app.js"></script>
</body></html>
`;
