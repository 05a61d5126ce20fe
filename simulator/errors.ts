// Typed errors of the simulator. Each names the field (a dotted path in the option object, or
// the register) and the value that failed, so the caller sees what was wrong without a debugger.

export abstract class SimulatorError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    /** Dotted path of what failed: "beam.intensityPerSpill", "register CTRL", "spill". */
    readonly field: string,
    readonly value: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A beam preset name, override or signal option is invalid. */
export class BeamConfigError extends SimulatorError {
  readonly code = "BEAM_CONFIG";
  constructor(field: string, value: unknown, detail: string) {
    super(`beam.${field} = ${show(value)}: ${detail}`, `beam.${field}`, value);
  }
}

/**
 * A dark-photon mass the beam cannot produce by resonant annihilation: above sqrt(2 m_e E0) (the
 * beam's reach) or below 2 m_e (E_R would be below the electron mass). Thrown by the simulator
 * (field beam.darkPhoton.massMeV) and by the host's preset conversion (darkPhotonMassMeV).
 */
export class DarkPhotonMassError extends SimulatorError {
  readonly code = "DARK_PHOTON_MASS";
  constructor(
    override readonly value: number,
    readonly minMassMeV: number,
    readonly maxMassMeV: number,
    readonly energyGeV: number,
    field = "beam.darkPhoton.massMeV",
  ) {
    super(
      `${field} = ${value}: outside ${minMassMeV.toFixed(3)}..${maxMassMeV.toFixed(1)} MeV ` +
        `(a ${energyGeV} GeV positron annihilating on an atomic electron reaches at most sqrt(2 m_e E0); below 2 m_e there is no resonance)`,
      field,
      value,
    );
  }
}

/** A simulator option (physics, digitiser, seed, FIFO depth) is invalid. */
export class SimOptionError extends SimulatorError {
  readonly code = "SIM_OPTION";
  constructor(field: string, value: unknown, detail: string) {
    super(`${field} = ${show(value)}: ${detail}`, field, value);
  }
}

/** The readout setup cannot be simulated (no trigger board, unknown detector layout...). */
export class SimSetupError extends SimulatorError {
  readonly code = "SIM_SETUP";
  constructor(field: string, value: unknown, detail: string) {
    super(`setup.${field} = ${show(value)}: ${detail}`, `setup.${field}`, value);
  }
}

/** A register access the front-end hardware would not accept. Nothing of the batch was applied. */
export class RegisterError extends SimulatorError {
  readonly code = "REGISTER";
  constructor(
    readonly boardId: number,
    readonly addr: number,
    regName: string,
    value: unknown,
    detail: string,
  ) {
    super(`board ${boardId} register ${regName} (0x${addr.toString(16).padStart(4, "0")}) = ${show(value)}: ${detail}`, `register ${regName}`, value);
  }
}

/** A board id the setup does not have. */
export class UnknownBoardError extends SimulatorError {
  readonly code = "UNKNOWN_BOARD";
  constructor(boardId: unknown, known: readonly number[]) {
    super(`board id ${show(boardId)} is not in the setup (have ${known.join(", ")})`, "boardId", boardId);
  }
}

/** An API call out of order (advance before beginSpill, time going backwards...). */
export class SimStateError extends SimulatorError {
  readonly code = "SIM_STATE";
  constructor(field: string, value: unknown, detail: string) {
    super(`${field} = ${show(value)}: ${detail}`, field, value);
  }
}

/**
 * A spill-boundary record found its FIFO full: the reader left the previous spill's records
 * undrained. Event records never overflow (a full FIFO inhibits triggers); boundary records have
 * two reserved slots, so this means the bench stopped draining a board.
 */
export class FifoOverflowError extends SimulatorError {
  readonly code = "FIFO_OVERFLOW";
  constructor(
    readonly boardId: number,
    record: string,
    depth: number,
  ) {
    super(`board ${boardId}: FIFO full (${depth} records) when writing ${record}; drain it with takeRecords`, "fifo", depth);
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || v === undefined || v === null) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
