// Which schemas get generated codecs, under which names. Shared by the generator and tests.
import { Envelope } from "../schema/envelope";
import { FIFO_RECORDS, FifoHeader } from "../schema/fifo";
import { MESSAGES, Config } from "../schema/messages";
import type { AnySchema } from "typed-binary";
import { modelOf, type LayoutModel } from "./model";

export interface NamedLayout {
  model: LayoutModel;
  /** Label in error messages: "CONFIG", "FIFO_EVENT", "envelope". */
  label: string;
  /** Type name used on both sides: ConfigMsg, FifoEventRec, EnvelopeRec. */
  typeName: string;
  /** Module alias the host codec imports the type from. */
  hostModule: "M" | "F" | "E";
  /** The typed-binary schema itself (the reference codec in tests and benchmarks). */
  schema: AnySchema;
}

export function pascal(upperSnake: string): string {
  return upperSnake
    .toLowerCase()
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

export function allLayouts(): NamedLayout[] {
  const out: NamedLayout[] = [
    { model: modelOf("Envelope", Envelope), label: "envelope", typeName: "EnvelopeRec", hostModule: "E", schema: Envelope },
  ];
  for (const m of MESSAGES) {
    const name = pascal(m.name);
    out.push({ model: modelOf(name, m.schema), label: m.name, typeName: `${name}Msg`, hostModule: "M", schema: m.schema });
  }
  out.push({ model: modelOf("FifoHeader", FifoHeader), label: "FIFO_HEADER", typeName: "FifoHeaderRec", hostModule: "F", schema: FifoHeader });
  for (const r of FIFO_RECORDS) {
    const name = `Fifo${pascal(r.name)}`;
    out.push({ model: modelOf(name, r.schema), label: `FIFO_${r.name}`, typeName: `${name}Rec`, hostModule: "F", schema: r.schema });
  }
  return out;
}

export function configModel(): LayoutModel {
  return modelOf("Config", Config);
}
