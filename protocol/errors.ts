// Typed protocol errors. Each one names the field that failed and the value it had, so a
// DAQ operator reading a log line knows what arrived without a hex dump.

export type ProtocolErrorCode =
  | "BAD_MAGIC"
  | "UNSUPPORTED_VERSION"
  | "UNKNOWN_TYPE"
  | "OVERSIZE_LENGTH"
  | "CHECK_MISMATCH"
  | "TRUNCATED_FRAME"
  | "PAYLOAD_DECODE"
  | "FIELD_RANGE"
  | "FIELD_VALUE"
  | "COLUMN_LENGTH";

export abstract class ProtocolError extends Error {
  abstract readonly code: ProtocolErrorCode;
  constructor(
    message: string,
    /** Dotted path of the field that failed ("envelope.magic", "EVENT.hits.channel[3]"). */
    readonly field: string,
    /** The value that failed. */
    readonly value: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadMagicError extends ProtocolError {
  readonly code = "BAD_MAGIC";
  constructor(value: number, expected: number) {
    super(`bad frame magic 0x${hex(value, 4)} (expected 0x${hex(expected, 4)})`, "envelope.magic", value);
  }
}

export class UnsupportedVersionError extends ProtocolError {
  readonly code = "UNSUPPORTED_VERSION";
  constructor(
    readonly major: number,
    readonly minor: number,
    readonly supportedMajor: number,
  ) {
    super(
      `unsupported protocol version ${major}.${minor} (this side speaks major ${supportedMajor})`,
      "envelope.version",
      (major << 4) | minor,
    );
  }
}

/**
 * A frame whose check matched but whose type this side does not know (a newer minor's message). Its
 * envelope is trustworthy, so the error carries the sender and seq: the receiver ignores the frame
 * but counts its seq as received (protocol/README.md, versioning rule).
 */
export class UnknownTypeError extends ProtocolError {
  readonly code = "UNKNOWN_TYPE";
  constructor(
    value: number,
    readonly minor: number,
    /** Envelope source: the sender's board id (0 = DAQ host). */
    readonly source: number,
    /** Envelope seq (0 = unsequenced). */
    readonly seq: number,
  ) {
    super(`unknown type 0x${hex(value, 2)} from board ${source}, ignored (seq ${seq}, frame minor version ${minor})`, "envelope.type", value);
  }
}

export class OversizeLengthError extends ProtocolError {
  readonly code = "OVERSIZE_LENGTH";
  constructor(value: number, max: number) {
    super(`payload length ${value} exceeds the maximum ${max}`, "envelope.length", value);
  }
}

export class CheckMismatchError extends ProtocolError {
  readonly code = "CHECK_MISMATCH";
  constructor(
    value: number,
    readonly expected: number,
    readonly type: number,
    readonly seq: number,
  ) {
    super(
      `frame check mismatch: frame says 0x${hex(value, 8)}, content gives 0x${hex(expected, 8)} (type 0x${hex(type, 2)}, seq ${seq})`,
      "envelope.check",
      value,
    );
  }
}

export class TruncatedFrameError extends ProtocolError {
  readonly code = "TRUNCATED_FRAME";
  constructor(
    have: number,
    /** Bytes the frame needs (the envelope alone while its length is not known yet). */
    readonly need: number,
  ) {
    super(`truncated frame: ${have} bytes present, ${need} needed`, "envelope.length", have);
  }
}

/** A payload that cannot be decoded. `value` is the offending value (a count, a byte count, the bytes). */
export class PayloadDecodeError extends ProtocolError {
  readonly code = "PAYLOAD_DECODE";
  constructor(
    readonly message_: string,
    field: string,
    value: unknown,
    /** What is wrong with it, for the message ("count 200 exceeds 72"). */
    readonly detail: string,
  ) {
    super(`${message_}${field ? "." + field : ""}: ${detail}`, `${message_}${field ? "." + field : ""}`, value);
  }
}

export class FieldRangeError extends ProtocolError {
  readonly code = "FIELD_RANGE";
  constructor(
    message_: string,
    field: string,
    value: number,
    readonly min: number,
    readonly max: number,
  ) {
    super(`${message_}.${field} = ${value} is outside ${min}..${max}`, `${message_}.${field}`, value);
  }
}

/** A value that no range describes cannot be encoded (text that is not well-formed Unicode). */
export class FieldValueError extends ProtocolError {
  readonly code = "FIELD_VALUE";
  constructor(message_: string, field: string, value: unknown, detail: string) {
    super(`${message_}.${field}: ${detail}`, `${message_}.${field}`, value);
  }
}

/**
 * A structure-of-arrays column that cannot be encoded: missing, or holding fewer values than the
 * count `n` says. `value` is the column's length, or the column itself when it is not an array
 * (undefined when missing). Longer columns are fine: only the first `n` values are written.
 */
export class ColumnLengthError extends ProtocolError {
  readonly code = "COLUMN_LENGTH";
  constructor(
    message_: string,
    /** The structure-of-arrays field ("hits") and its column ("channel"). */
    soa: string,
    column: string,
    value: unknown,
    /** The count `n` the column must cover. */
    readonly count: number,
  ) {
    const what = typeof value === "number" ? `has ${value} values, fewer than` : value === undefined ? "is missing with" : `is not an array (${typeof value}) with`;
    super(`${message_}.${soa}.${column} ${what} ${soa}.n = ${count}`, `${message_}.${soa}.${column}`, value);
  }
}

function hex(v: number, digits: number): string {
  return (v >>> 0).toString(16).padStart(digits, "0");
}
