// Commander parser of the numeric options of every na64fe command: a bad value is an
// InvalidArgumentError naming the flag (one line, exit code 2 through main's error mapping).
import { InvalidArgumentError } from "commander";

/** Parser of a finite number (an integer with `integer`), at least `min` when given. */
export function numberOption(flag: string, integer: boolean, min?: number): (v: string) => number {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || (min !== undefined && x < min))
      throw new InvalidArgumentError(`${flag}: expected ${integer ? "an integer" : "a number"}${min === undefined ? "" : ` >= ${min}`}, got "${v}"`);
    return x;
  };
}
