// Per-channel maps of a run: how often each digitiser channel had a hit (occupancy), and the energy
// each channel collected on unbiased beam triggers (the ECAL cell map shows where the beam hits).
import type { Setup } from "../../boards/setup";
import type { ConfigMsg, EventMsg } from "../../protocol/schema/messages";
import type { BuiltEvent } from "../builder/builder";

export interface BoardChannels {
  id: number;
  name: string;
  /** Index in BuiltEvent.parts. */
  part: number;
  /** Hits per channel over every event. */
  hits: number[];
  /** Energy per channel summed over beam triggers, GeV (amplitude x the CONFIG's energyEvPerAdc). */
  beamEnergyGeV: number[];
  evPerAdc: readonly number[] | undefined;
}

export class ChannelMaps {
  events = 0;
  beamEvents = 0;
  readonly boards: BoardChannels[];

  constructor(setup: Setup, configs: ReadonlyMap<number, ConfigMsg>, partsOrder: readonly number[]) {
    this.boards = setup.boards
      .filter((b) => b.role !== "trigger")
      .map((b) => {
        const n = Math.max(...b.channels.map((c) => c.ch)) + 1;
        return { id: b.id, name: b.name, part: partsOrder.indexOf(b.id), hits: new Array<number>(n).fill(0), beamEnergyGeV: new Array<number>(n).fill(0), evPerAdc: configs.get(b.id)?.channels.energyEvPerAdc };
      });
  }

  add(ev: BuiltEvent, beam: boolean): void {
    this.events++;
    if (beam) this.beamEvents++;
    for (const b of this.boards) {
      const e = ev.parts[b.part] as EventMsg | undefined;
      if (!e) continue;
      const h = e.hits;
      for (let i = 0; i < h.n; i++) {
        const ch = h.channel[i]!;
        if (ch >= b.hits.length) continue;
        b.hits[ch]!++;
        if (beam && b.evPerAdc) b.beamEnergyGeV[ch]! += (h.amplitudeAdc[i]! * b.evPerAdc[ch]!) / 1e9;
      }
    }
  }

  toJSON() {
    return { events: this.events, beamEvents: this.beamEvents, boards: this.boards.map(({ evPerAdc: _, ...b }) => b) };
  }
}
