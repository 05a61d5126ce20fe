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
