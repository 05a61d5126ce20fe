// What one run contributes to the export, resolved once: its boards with their column names,
// channel maps and CONFIGs, and where each board sits in a built event's parts.
import type { BoardInfo, ChannelInfo } from "../../boards/setup";
import type { ConfigMsg } from "../../protocol/schema/messages";
import type { RunContext } from "../analysis/from-run";
import { boardsReading } from "../analysis/physics-summary";

export interface ExportBoard {
  id: number;
  name: string;
  /** The board's name as a column-name prefix: "ecal-ps" -> "ecal_ps". */
  col: string;
  role: BoardInfo["role"];
  /** Index in BuiltEvent.parts. */
  part: number;
  channels: ReadonlyMap<number, ChannelInfo>;
  config: ConfigMsg | undefined;
}

export interface ExportRun {
  runNumber: number;
  file: string;
  clockNs: number;
  boards: ExportBoard[];
  /** Parts index of the trigger board (-1 without one) and of the veto board (-1). */
  trigPart: number;
  vetoPart: number;
  ecalParts: number[];
  hcalParts: number[];
}

export const columnPrefix = (boardName: string) => boardName.replace(/[^a-z0-9]/gi, "_");

export function exportRun(runNumber: number, file: string, ctx: RunContext): ExportRun {
  const part = (id: number) => ctx.partsOrder.indexOf(id);
  const boards = ctx.setup.boards.map((b) => ({
    id: b.id,
    name: b.name,
    col: columnPrefix(b.name),
    role: b.role,
    part: part(b.id),
    channels: new Map(b.channels.map((c) => [c.ch, c])),
    config: ctx.configs.get(b.id),
  }));
  const byRole = (role: string) => boards.find((b) => b.role === role)?.part ?? -1;
  return {
    runNumber,
    file,
    clockNs: ctx.setup.clockNs,
    boards,
    trigPart: byRole("trigger"),
    vetoPart: byRole("veto"),
    ecalParts: boardsReading(ctx.setup, "ECAL").map(part),
    hcalParts: boardsReading(ctx.setup, "HCAL").map(part),
  };
}

/** The element's indices as the channel map gives them (ECAL section,x,y; HCAL module,x,y; SRD module; VETO counter). */
export function cellIndex(c: ChannelInfo | undefined, i: number): number {
  return c?.cell[i] ?? -1;
}
