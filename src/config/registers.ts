// A board's CONFIG -> the front-end register writes it stands for, computed by the firmware's own
// code (devs/core/config-regs.ts), so the host, the simulator's tests, `na64fe dump` and the
// benchmarks program a front end exactly as a board would. CTRL comes last, as the board writes it
// when a run begins (RUN_ENABLE, and ZERO_SUPPRESSION when the configuration asks for it).
import { boardConfigOf } from "../../devs/core/config";
import { configRegisters, ctrlValue, RegWrites, zeroSuppression } from "../../devs/core/config-regs";
import { Reg } from "../../protocol/generated/registers";
import type { ConfigMsg } from "../../protocol/schema/messages";

/** Register writes in order, as structure of arrays (the FE_WRITE layout). */
export interface RegisterList {
  addrs: number[];
  values: number[];
}

/** Every register `config` sets, then CTRL of a running board. */
export function frontEndRegisters(config: ConfigMsg): RegisterList {
  const c = boardConfigOf(config);
  const w = new RegWrites();
  configRegisters(c, w);
  w.add(Reg.CTRL, ctrlValue(true, false, zeroSuppression(c)));
  return { addrs: w.addr.slice(0, w.n), values: w.value.slice(0, w.n) };
}

/** Anything that takes register writes per board: the simulator's front-end model. */
export interface RegisterSink {
  writeRegisters(boardId: number, addrs: readonly number[], values: readonly number[]): void;
}

/** Program every board's front end of `boards` (a conversion's) into `sink`. */
export function programFrontEnds(sink: RegisterSink, boards: ReadonlyArray<{ boardId: number; registers: RegisterList }>): void {
  for (const b of boards) sink.writeRegisters(b.boardId, b.registers.addrs, b.registers.values);
}

/**
 * A digitiser's register list with its front end's feature extraction switched off (FEX_CTRL 0):
 * raw EVENT records of every trigger, the samples the features are extracted from (na64fe dump,
 * tests of the digitiser). The trigger board's list is returned as it is.
 */
export function rawReadout(list: { readonly addrs: readonly number[]; readonly values: readonly number[] }): RegisterList {
  if (!list.addrs.includes(Reg.FEX_CTRL)) return { addrs: [...list.addrs], values: [...list.values] };
  return { addrs: [...list.addrs, Reg.FEX_CTRL], values: [...list.values, 0] };
}
