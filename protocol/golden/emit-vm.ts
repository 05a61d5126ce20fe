// Emits test/vm/golden.gen.ts: a DeviceScript test program that, for every golden vector,
//  1. takes the host-encoded bytes, verifies the frame check and envelope (messages) or record
//     header (FIFO), decodes them with the generated device codec, re-encodes the value and
//     requires identical bytes;
//  2. encodes the vector's values, written as literals, and prints the bytes as
//     "GOLDEN <name> <part> <parts> <hex>" lines (at most 100 bytes per line: the VM truncates long
//     log lines), so that vitest can decode them with the host codec and compare the values.
// The output keeps to the DeviceScript subset: TypeScript 4.9, no `%`, no template interpolation.
import { SCALAR_SIZE, type ScalarKind } from "../schema/custom";
import type { FieldModel, LayoutModel } from "../codegen/model";
import { FIFO_HEADER_BYTES } from "../schema/fifo";
import { layoutByLabel, type GoldenVector } from "./vectors";

/** The programs are test/vm/golden-<i>.gen.ts, i = 1, 2, ... */
export const GOLDEN_VM_DIR = "test/vm";
export const GOLDEN_VM_PATTERN = /^golden-\d+\.gen\.ts$/;
/**
 * Bytes of golden data (frames plus literal byte strings) per program. The simulator aborts
 * ("native code called abort()") when a program image passes about 110 KB, so the vectors
 * are spread over several programs.
 */
const PROGRAM_DATA_BUDGET = 60_000;

function num(x: number): string {
  if (!Number.isFinite(x)) throw new TypeError(`golden value ${x} is not finite`);
  return Object.is(x, -0) ? "-0" : String(x);
}

function leBytes(t: ScalarKind, xs: readonly number[]): string {
  const size = SCALAR_SIZE[t];
  const b = Buffer.alloc(xs.length * size);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  xs.forEach((x, i) => {
    const o = i * size;
    if (t === "u8") dv.setUint8(o, x);
    else if (t === "i8") dv.setInt8(o, x);
    else if (t === "u16") dv.setUint16(o, x, true);
    else if (t === "i16") dv.setInt16(o, x, true);
    else if (t === "u32") dv.setUint32(o, x, true);
    else if (t === "i32") dv.setInt32(o, x, true);
    else dv.setFloat32(o, x, true);
  });
  return b.toString("hex");
}

/** A View literal over bytes compiled into flash (hex`...`). */
function viewLit(hex: string, n: number): string {
  return `{ buf: ${hex.length ? `hex\`${hex}\`` : "Buffer.alloc(0)"}, off: 0, n: ${n} }`;
}

function fieldLit(f: FieldModel, v: unknown): string {
  const arr = (xs: unknown) => `[${(xs as number[]).map(num).join(", ")}]`;
  switch (f.kind) {
    case "scalar":
      return num(v as number);
    case "fixedArray":
      return arr(v);
    case "boundedArray":
      return f.view ? viewLit(leBytes(f.type, v as number[]), (v as number[]).length) : arr(v);
    case "soa": {
      const t = v as Record<string, number[]> & { n: number };
      return `{ n: ${t.n}, ${f.columns.map((c) => `${c.name}: ${arr(t[c.name]!.slice(0, t.n))}`).join(", ")} }`;
    }
    case "bytes": {
      const b = Buffer.from(v as Uint8Array);
      return viewLit(b.toString("hex"), b.length);
    }
    case "text":
      return JSON.stringify(v as string);
  }
}

function valueLit(m: LayoutModel, v: Record<string, unknown>): string {
  return `{\n${m.fields.map((f) => `            ${f.name}: ${fieldLit(f, v[f.name])},`).join("\n")}\n        }`;
}

function testFor(g: GoldenVector, used: Set<string>): string {
  const L = layoutByLabel(g.layout);
  const n = L.model.name;
  for (const id of [`decode${n}`, `encode${n}`, `size${n}`, L.typeName]) used.add(id);
  const name = JSON.stringify(g.name);
  // Tests run back to back in one fiber: yield first, or the VM's 128 K-opcode watchdog fires.
  let s = `    test(${name}, async () => {\n        await ds.sleep(0)\n`;
  if (g.kind === "message") {
    s += `        const f = hostFrame(hex\`${g.hex}\`, ${g.type})\n`;
    s += `        const e = readEnvelope(f, 0)\n`;
    s += `        const v = decode${n}(f, HEADER_BYTES, f.length)\n`;
    s += `        const g = allocFrame(e.type, e.source, e.seq, size${n}(v))\n`;
    s += `        expect(encode${n}(g, HEADER_BYTES, v)).toBe(g.length)\n`;
    s += `        sameBytes(sealFrame(g), f)\n`;
    s += `        const w: ${L.typeName} = ${valueLit(L.model, g.values)}\n`;
    s += `        const h = allocFrame(${g.type}, ${g.source}, ${g.seq}, size${n}(w))\n`;
    s += `        expect(encode${n}(h, HEADER_BYTES, w)).toBe(h.length)\n`;
    s += `        report(${name}, sealFrame(h), f)\n`;
  } else {
    s += `        const f = hostRecord(hex\`${g.hex}\`, ${g.type})\n`;
    s += `        const v = decode${n}(f, FIFO_HEADER_BYTES, f.length)\n`;
    s += `        const g = newRecord(${g.type}, size${n}(v))\n`;
    s += `        expect(encode${n}(g, FIFO_HEADER_BYTES, v)).toBe(g.length)\n`;
    s += `        sameBytes(g, f)\n`;
    s += `        const w: ${L.typeName} = ${valueLit(L.model, g.values)}\n`;
    s += `        const h = newRecord(${g.type}, size${n}(w))\n`;
    s += `        expect(encode${n}(h, FIFO_HEADER_BYTES, w)).toBe(h.length)\n`;
    s += `        report(${name}, h, f)\n`;
  }
  return s + `    })\n`;
}

/** Bytes a vector adds to a program image: its golden bytes and, about as much, its literal values. */
function dataBytes(g: GoldenVector): number {
  return g.hex.length;
}

/** Every golden VM program by repository-relative path, each under the image budget. */
export function emitGoldenVmPrograms(vectors: GoldenVector[]): Record<string, string> {
  const groups: GoldenVector[][] = [[]];
  let used = 0;
  for (const g of vectors) {
    if (used + dataBytes(g) > PROGRAM_DATA_BUDGET && groups[groups.length - 1]!.length) {
      groups.push([]);
      used = 0;
    }
    groups[groups.length - 1]!.push(g);
    used += dataBytes(g);
  }
  const out: Record<string, string> = {};
  groups.forEach((g, i) => (out[`${GOLDEN_VM_DIR}/golden-${i + 1}.gen.ts`] = emitGoldenVmProgram(g, i + 1, groups.length)));
  return out;
}

function emitGoldenVmProgram(vectors: GoldenVector[], part: number, parts: number): string {
  const used = new Set<string>();
  const messages = vectors.filter((g) => g.kind === "message").map((g) => testFor(g, used));
  const fifo = vectors.filter((g) => g.kind === "fifo").map((g) => testFor(g, used));
  const ids = [...used].sort();
  return (
    `// GENERATED by protocol/golden/generate.ts (npm run golden). Do not edit. Part ${part} of ${parts}.\n` +
    `// Golden vectors inside the DeviceScript VM: host bytes -> device decode -> device encode must give\n` +
    `// the same bytes; device encode of the literal values is printed for the host codec to decode\n` +
    `// (test/protocol/golden.test.ts).\n` +
    `import * as ds from "@devicescript/core"\n` +
    `import { describe, test, expect } from "@devicescript/test"\n` +
    `import {\n${ids.map((i) => `    ${i},`).join("\n")}\n} from "../../protocol/generated/device-codec"\n` +
    `import { allocFrame, sealFrame, readEnvelope } from "../../devs/link/frame"\n` +
    `import { HEADER_BYTES } from "../../protocol/schema/limits"\n` +
    `import { hostFrame, hostRecord, newRecord, sameBytes, report } from "./golden-support"\n\n` +
    `const FIFO_HEADER_BYTES = ${FIFO_HEADER_BYTES}\n\n` +
    `describe("golden messages", () => {\n${messages.join("")}})\n\n` +
    `describe("golden FIFO records", () => {\n${fifo.join("")}})\n`
  );
}
