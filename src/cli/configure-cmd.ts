// `na64fe configure PRESET`: convert a beam preset with the channel calibration into one CONFIG
// per board and print them (pushing them to boards comes with the board server in src/link).
import { Command } from "commander";
import { loadSetup, boardByName, type Setup } from "../../boards/setup";
import { ChannelFlag } from "../../protocol/schema/enums";
import { loadPreset } from "../presets/load";
import { convertPreset, type BoardConfig, type Conversion } from "../config/convert";
import { hashHex } from "../../protocol/config-hash";
import { envOptions, numberOption } from "./number-option";
import { fmtNumber, table } from "../format/text";
import { EXIT_FAILED, EXIT_OK, type Out, type Runner } from "./output";
import { warnConversion } from "./conversion-warnings";
import { RunSession } from "../daq/session";
import { loadKeysFor } from "../link/keys";
import type { LoadedPreset } from "../presets/load";
import { DEFAULT_PORT } from "../../protocol/schema/limits";

interface ConfigureOpts {
  push?: boolean;
  host: string;
  port: number;
  waitS: number;
  timeoutMs: number;
  dir?: string;
  setup?: string;
  mass?: number;
  configVersion: number;
  board?: string;
  json?: boolean;
  strict?: boolean;
  keys?: string;
}

const FLAG_NAMES: Array<[number, string]> = [
  [ChannelFlag.ENABLED, "on"],
  [ChannelFlag.COUNTER, "counter"],
  [ChannelFlag.VETO, "veto"],
  [ChannelFlag.SUM, "sum"],
];

function flagText(f: number): string {
  return FLAG_NAMES.filter(([b]) => (f & b) !== 0).map(([, n]) => n).join(",") || "off";
}

function range(xs: number[]): string {
  if (!xs.length) return "-";
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}..${hi}`;
}

/** CONFIG times in samples x 256 as "15.0 ns (1.17 samples)", a range when the channels differ. */
function q8Times(q8: number[], clockNs: number): string {
  const samples = (q: number) => q / 256;
  const lo = Math.min(...q8), hi = Math.max(...q8);
  const ns = lo === hi ? (samples(lo) * clockNs).toFixed(1) : `${(samples(lo) * clockNs).toFixed(1)}..${(samples(hi) * clockNs).toFixed(1)}`;
  const sm = lo === hi ? samples(lo).toFixed(2) : `${samples(lo).toFixed(2)}..${samples(hi).toFixed(2)}`;
  return `${ns} ns (${sm} samples)`;
}

function boardSummary(b: BoardConfig, clockNs: number): string {
  const c = b.config;
  if (b.role === "trigger") {
    return [
      `enable 0x${c.triggerEnableMask.toString(16)}`,
      `coinc 0x${c.coincMask.toString(16)}/${c.coincWindowTicks} ticks (${(c.coincWindowTicks * clockNs).toFixed(1)} ns)`,
      `veto 0x${c.vetoMask.toString(16)}/${c.vetoWindowTicks} ticks (${(c.vetoWindowTicks * clockNs).toFixed(1)} ns)`,
      `PS >= ${c.psMinSumAdc} ADC`,
      `ECAL <= ${c.ecalMaxSumAdc} ADC`,
      `prescale ${c.prescaleBeam}/${c.prescaleRandom}/${c.prescaleCalib}`,
      `thr ${range(c.channels.thresholdAdc)} ADC`,
    ].join("; ");
  }
  const used = c.channels.chanFlags.map((f, i) => ((f & ChannelFlag.ENABLED) !== 0 ? i : -1)).filter((i) => i >= 0);
  const vetoThr = used.map((i) => c.channels.vetoThresholdAdc[i]!).filter((v) => v > 0);
  return [
    `${used.length} ch`,
    `window ${c.windowSamples} (ped ${c.pedestalSamples}, signal ${c.signalStartSample}..${c.signalEndSample})`,
    `thr ${range(used.map((i) => c.channels.thresholdAdc[i]!))} ADC`,
    ...(vetoThr.length ? [`veto thr ${range(vetoThr)} ADC`] : []),
    `in-time +-${q8Times(used.map((i) => c.channels.timeHalfWindowQ8[i]!), clockNs)}`,
    ...(c.coincMinCounters ? [`coinc ${c.coincMinCounters} counters`] : []),
  ].join("; ");
}

function human(out: Out, conv: Conversion, setup: Setup, title: string, opts: ConfigureOpts): void {
  const c = out.c;
  const d = conv.derived;
  out.line(`${c.bold(conv.preset)}  ${title}  ${c.dim(`configVersion ${conv.configVersion}, clock ${conv.clockNs} ns`)}`);
  out.line(
    `  E0 ${d.beamEnergyGeV} GeV; trigger PS >= ${d.psMinGeV} GeV, ECAL <= ${fmtNumber(d.ecalMaxGeV)} GeV; ` +
      `SRD cut ${fmtNumber(d.srdModuleMinMeV)} MeV (x${fmtNumber(d.srdScale)}); missing energy: ECAL < ${fmtNumber(d.missingEnergyEcalMaxGeV)} GeV; beam ${fmtNumber(d.meanBeamRateMHz)} MHz, ` +
      `another particle within +-${fmtNumber(d.readoutWindowNs)} ns of a trigger ${fmtNumber(d.pileupProbabilityTwoSided * 100, 3)} % ` +
      `(${fmtNumber(d.pileupProbability * 100, 3)} % after it)`,
  );
  if (conv.signal) {
    const s = conv.signal;
    out.line(
      `  dark photon ${s.massMeV} MeV: E_R ${fmtNumber(s.resonanceEnergyGeV)} GeV, expected ECAL ${fmtNumber(s.ecalCentreGeV)} GeV, ` +
        `window ${fmtNumber(s.ecalLowGeV)}..${fmtNumber(s.ecalHighGeV)} GeV (max mass at this energy ${fmtNumber(s.maxMassMeV)} MeV)`,
    );
  }
  out.line();
  const head = ["board", "id", "role", "hash", "bytes", "settings"].map((h) => c.underline(h));
  const rows = conv.boards.map((b) => [c.bold(b.name), String(b.boardId), b.role, c.cyan(hashHex(b.hash)), String(b.payload.length), boardSummary(b, conv.clockNs)]);
  for (const l of table([head, ...rows])) out.line(l);
  if (opts.board) {
    const b = conv.boards.find((x) => x.name === opts.board)!;
    const ch = b.config.channels;
    out.line();
    const chHead = ["ch", "element", "flags", "thrAdc", "vetoAdc", "pedQ4", "tExpQ8", "tHalfQ8", "eV/ADC"].map((h) => c.underline(h));
    const info = new Map(boardByName(setup, b.name).channels.map((x) => [x.ch, x.element]));
    const chRows = Array.from({ length: ch.n }, (_, i) => [
      String(i),
      info.get(i) ?? c.dim("-"),
      flagText(ch.chanFlags[i]!),
      String(ch.thresholdAdc[i]),
      String(ch.vetoThresholdAdc[i]),
      String(ch.pedestalQ4[i]),
      String(ch.timeExpectedQ8[i]),
      String(ch.timeHalfWindowQ8[i]),
      String(ch.energyEvPerAdc[i]),
    ]);
    for (const l of table([chHead, ...chRows])) out.line("  " + l);
  }
  warnConversion(out, conv.warnings);
}

/** Push the configurations to the boards of the setup: each applied, persisted, read back identical. */
async function push(out: Out, loaded: LoadedPreset, setup: Setup, conv: Conversion, opts: ConfigureOpts): Promise<number> {
  const keys = opts.keys !== undefined ? loadKeysFor(opts.keys, setup.boards.map((b) => b.id)) : undefined;
  const session = new RunSession(setup, loaded, conv, { port: opts.port, host: opts.host, timeoutMs: opts.timeoutMs, ...(keys ? { keys } : {}) });
  session.warnTo((w) => out.warn(w));
  try {
    const addr = await session.listen();
    if (!opts.json) out.status(`listening on ${addr.address}:${addr.port}; waiting up to ${opts.waitS} s for ${setup.boards.map((b) => b.name).join(", ")}`);
    await session.waitForBoards(opts.waitS * 1000);
    const acks = await session.configureAll();
    const rows = conv.boards.map((b, i) => ({ boardId: b.boardId, name: b.name, hash: acks[i]!.configHash, persisted: acks[i]!.persisted === 1, firmware: session.link(b.boardId).hello }));
    if (opts.json) out.json({ preset: conv.preset, configVersion: conv.configVersion, pushed: rows.map(({ firmware, ...r }) => ({ ...r, hashHex: hashHex(r.hash), fw: `${firmware?.fwMajor}.${firmware?.fwMinor}.${firmware?.fwPatch}` })) });
    else
      for (const r of rows)
        out.line(`${out.c.bold(r.name.padEnd(10))} configured ${out.c.cyan(hashHex(r.hash))}, read back identical${r.persisted ? ", kept in flash" : out.c.yellow(", NOT persisted (lost at the next restart)")}`);
    return rows.every((r) => r.persisted) ? EXIT_OK : EXIT_FAILED;
  } finally {
    await session.close();
  }
}

function configure(out: Out, preset: string, opts: ConfigureOpts): number | Promise<number> {
  const loaded = loadPreset(preset, opts.dir);
  const setup = loadSetup(opts.setup);
  if (opts.board) boardByName(setup, opts.board);
  const conv = convertPreset(loaded.name, loaded.preset, setup, {
    configVersion: opts.configVersion,
    ...(opts.mass !== undefined ? { darkPhotonMassMeV: opts.mass } : {}),
  });
  if (opts.push) warnConversion(out, conv.warnings);
  if (opts.push) return opts.strict && conv.warnings.length ? EXIT_FAILED : push(out, loaded, setup, conv, opts);
  if (opts.json) {
    out.json({
      preset: conv.preset,
      title: loaded.preset.title,
      file: loaded.file,
      configVersion: conv.configVersion,
      clockNs: conv.clockNs,
      derived: conv.derived,
      ...(conv.signal ? { signal: conv.signal } : {}),
      boards: conv.boards
        .filter((b) => !opts.board || b.name === opts.board)
        .map((b) => ({ boardId: b.boardId, name: b.name, role: b.role, hash: b.hash, hashHex: hashHex(b.hash), payloadBytes: b.payload.length, payload: b.payload, config: b.config })),
      warnings: conv.warnings,
    });
  } else human(out, conv, setup, loaded.preset.title, opts);
  return opts.strict && conv.warnings.length ? EXIT_FAILED : EXIT_OK;
}

export function configureCommand(run: Runner): Command {
  return new Command("configure")
    .description("convert a beam preset with the channel calibration into one CONFIG per board and print them")
    .argument("<preset>", "preset name (see `na64fe presets`) or path to a .yaml file")
    .option("--mass <MeV>", "dark-photon mass: report E_R and the expected ECAL window", numberOption("--mass", false))
    .option("--board <name>", "also print every channel of this board")
    .option("--config-version <n>", "CONFIG.configVersion to send", numberOption("--config-version", true), 1)
    .option("--dir <dir>", "presets folder (default: presets/ of this repository)")
    .option("--setup <dir>", "folder with channel-map.json and calibration.json (default: boards/ of this repository)")
    .option("--json", "machine-readable output (configs, payload hex, hashes, warnings)")
    .option("--push", "push the configurations to the boards (they connect to this host), read them back, compare hashes")
    .addOption(envOptions.host("with --push: address to listen on (0.0.0.0 for boards on the network)"))
    .addOption(envOptions.port("with --push: board-server TCP port", DEFAULT_PORT))
    .option("--wait-s <s>", "with --push: how long to wait for every board to connect", numberOption("--wait-s", false), 60)
    .option("--timeout-ms <ms>", "with --push: longest wait for a board's answer", numberOption("--timeout-ms", true), 10_000)
    .option("--keys <file>", "with --push: the boards' key file (na64fe keys create); every board must authenticate")
    .option("--strict", "exit 1 when there are warnings (thresholds below noise, ...)")
    .addHelpText(
      "after",
      "\nExit codes: 0 converted (and pushed), 1 warnings with --strict, a board rejected or did not answer, or did not persist; 2 bad preset/setup or value out of range.",
    )
    .action((preset: string, opts: ConfigureOpts) => run((out) => configure(out, preset, opts)));
}
