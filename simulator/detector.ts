// The detector as the simulator sees it, derived from the readout setup (boards/): every distinct
// element read by some board channel (an element may be read by two boards, like the beam
// counters on the trigger board and the veto digitiser), its calibration, and index tables for the
// geometry the physics needs (ECAL sections x cells, HCAL modules x cells, SRD modules, VETO
// counters). Nothing here is hard-coded: a channel map with another ECAL size gives another table.
import type { BoardInfo, Detector, ElementCalibration, Role, Setup } from "../boards/setup";
import { SimSetupError } from "./errors";

export interface ElementInfo {
  index: number;
  name: string;
  det: Detector;
  cell: readonly number[];
  cal: ElementCalibration;
}

/** Trigger-logic inputs in TriggerInput bit order: S0, S1, S2, V0, V1. */
export const COUNTER_DETECTORS = ["S0", "S1", "S2", "V0", "V1"] as const;
export const N_COUNTERS = COUNTER_DETECTORS.length;

export interface BoardLayout {
  id: number;
  name: string;
  role: Role;
  /** Board channel numbers, ascending. */
  channels: Int32Array;
  /** Element index of each channel (same order). */
  elements: Int32Array;
}

export interface Grid {
  /** Sections or modules (first cell index). */
  layers: number;
  nx: number;
  ny: number;
  /** Element index at [layer][x][y] (flattened, layer-major then y-major), -1 where no channel reads it. */
  cells: Int32Array;
}

export class DetectorLayout {
  readonly elements: ElementInfo[] = [];
  readonly byName = new Map<string, number>();
  /** Element index of S0, S1, S2, V0, V1 (TriggerInput order), -1 if absent. */
  readonly counters = new Int32Array(N_COUNTERS).fill(-1);
  readonly ecal: Grid;
  readonly hcal: Grid;
  /** Element index of SRD module i. */
  readonly srd: Int32Array;
  /** Element index of VETO counter i. */
  readonly veto: Int32Array;
  readonly boards: BoardLayout[];
  readonly clockNs: number;

  constructor(readonly setup: Setup) {
    this.clockNs = setup.clockNs;
    for (const b of setup.boards) for (const c of b.channels) this.addElement(b, c.ch, c.det, c.cell, c.element, c.cal);
    for (let i = 0; i < N_COUNTERS; i++) this.counters[i] = this.byName.get(COUNTER_DETECTORS[i]!) ?? -1;
    this.ecal = this.grid("ECAL");
    this.hcal = this.grid("HCAL");
    this.srd = this.list("SRD");
    this.veto = this.list("VETO");
    this.boards = setup.boards.map((b) => ({
      id: b.id,
      name: b.name,
      role: b.role,
      channels: Int32Array.from(b.channels.map((c) => c.ch)),
      elements: Int32Array.from(b.channels.map((c) => this.byName.get(c.element)!)),
    }));
    const trig = setup.boards.filter((b) => b.role === "trigger");
    if (trig.length !== 1) throw new SimSetupError("boards", trig.map((b) => b.name), "the setup needs exactly one board with role trigger");
  }

  get size(): number {
    return this.elements.length;
  }

  private addElement(b: BoardInfo, ch: number, det: Detector, cell: number[], name: string, cal: ElementCalibration): void {
    const want = det === "ECAL" || det === "HCAL" ? 3 : det === "SRD" || det === "VETO" ? 1 : 0;
    if (cell.length !== want)
      throw new SimSetupError(`boards.${b.name}.channels.${ch}.cell`, cell, `${det} needs ${want} cell indices (${det === "ECAL" ? "section, x, y" : det === "HCAL" ? "module, x, y" : want ? "index" : "none"})`);
    if (this.byName.has(name)) return;
    const index = this.elements.length;
    this.elements.push({ index, name, det, cell, cal });
    this.byName.set(name, index);
  }

  private grid(det: "ECAL" | "HCAL"): Grid {
    const els = this.elements.filter((e) => e.det === det);
    const layers = els.length ? Math.max(...els.map((e) => e.cell[0]!)) + 1 : 0;
    const nx = els.length ? Math.max(...els.map((e) => e.cell[1]!)) + 1 : 0;
    const ny = els.length ? Math.max(...els.map((e) => e.cell[2]!)) + 1 : 0;
    const cells = new Int32Array(layers * nx * ny).fill(-1);
    for (const e of els) cells[(e.cell[0]! * ny + e.cell[2]!) * nx + e.cell[1]!] = e.index;
    if (det === "ECAL" && layers > 2) throw new SimSetupError("ECAL", layers, "the ECAL has two sections (0 = preshower, 1 = main)");
    return { layers, nx, ny, cells };
  }

  private list(det: "SRD" | "VETO"): Int32Array {
    const els = this.elements.filter((e) => e.det === det);
    const n = els.length ? Math.max(...els.map((e) => e.cell[0]!)) + 1 : 0;
    const out = new Int32Array(n).fill(-1);
    for (const e of els) out[e.cell[0]!] = e.index;
    return out;
  }

  board(id: number): BoardLayout | undefined {
    return this.boards.find((b) => b.id === id);
  }
}
