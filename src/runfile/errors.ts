// Typed errors of run-file writing and reading.

export type RunFileErrorCode =
  | "NOT_A_RUN_FILE"
  | "UNSUPPORTED_FORMAT"
  | "NO_HEADER"
  | "EXISTS"
  | "IO"
  | "WRITER_STATE"
  | "BAD_FRAME"
  | "NO_SUCH_SPILL"
  | "NO_SNAPSHOT"
  | "SNAPSHOT_TOO_OLD";

export class RunFileError extends Error {
  constructor(
    readonly code: RunFileErrorCode,
    readonly file: string,
    /** What failed: "prefix.magic", "record.kind", "spill", "frame.length" ... */
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "RunFileError";
  }
}

/** The folder given for run files (--out) cannot hold them: it is a file, or cannot be written. */
/** A run number whose run file exists already in the output folder. */
export class RunNumberError extends Error {
  readonly field = "run";
  constructor(
    readonly value: number,
    detail: string,
  ) {
    super(`--run ${value}: ${detail}`);
    this.name = "RunNumberError";
  }
}

export class RunFolderError extends Error {
  readonly field = "out";
  constructor(
    readonly value: string,
    detail: string,
  ) {
    super(`--out ${JSON.stringify(value)}: ${detail}`);
    this.name = "RunFolderError";
  }
}
