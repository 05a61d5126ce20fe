// Typed errors of the preset -> CONFIG conversion. Each names the board, the channel (for
// per-channel fields), the CONFIG field (names as in protocol CONFIG_FIELDS) and the value.

export class ConfigError extends Error {
  constructor(
    readonly board: string,
    readonly boardId: number,
    /** Channel index for per-channel fields, undefined for board-level ones. */
    readonly channel: number | undefined,
    /** Detector element of that channel ("ECAL:0:3:2"), when there is one. */
    readonly element: string | undefined,
    /** CONFIG field ("channels.thresholdAdc", "ecalMaxSumAdc") or setup field that failed. */
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`${where(board, boardId, channel, element)}: ${field}${value === undefined ? "" : ` = ${fmt(value)}`}: ${detail}`);
    this.name = new.target.name;
  }
}

/** A converted value does not fit its register or physical range. */
export class ConfigRangeError extends ConfigError {
  constructor(
    board: string,
    boardId: number,
    channel: number | undefined,
    element: string | undefined,
    field: string,
    value: number,
    readonly min: number,
    readonly max: number,
    /** Unit of value/min/max ("ADC counts", "ticks", "samples x 256"). */
    readonly unit: string,
    /** What the value was computed from, in physics units. */
    readonly from: string,
  ) {
    super(board, boardId, channel, element, field, value, `outside ${min}..${max} ${unit} (from ${from})`);
  }
}

/** The dark-photon mass cannot be produced resonantly by the beam: the simulator's error, one class for both. */
export { DarkPhotonMassError } from "../../simulator/errors";

function where(board: string, boardId: number, channel: number | undefined, element: string | undefined): string {
  const b = `board ${board} (id ${boardId})`;
  if (channel === undefined) return b;
  return `${b} channel ${channel}${element ? ` (${element})` : ""}`;
}

function fmt(v: unknown): string {
  return typeof v === "number" ? String(Math.round(v * 1000) / 1000) : JSON.stringify(v);
}
