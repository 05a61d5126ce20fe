// Reads what the generated documentation needs from TypeScript source text that has no runtime
// form: the members, values and doc comments of `const enum`s, and the doc comments of the fields of
// `export const X = object({...})` schemas (and of nested soa({...}) columns). Syntax only (no type
// checker), so it is fast and needs nothing but the file.
import { readFileSync } from "node:fs";
import ts from "typescript";

/** A source file does not have the shape the documentation generator reads. */
export class SourceShapeError extends Error {
  constructor(
    readonly file: string,
    /** What was being read: "HitFlag.PEDESTAL_MEASURED", "enum LogCode"... */
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`${file}: ${field}: ${detail}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`);
    this.name = "SourceShapeError";
  }
}

export interface EnumMemberSource {
  name: string;
  value: number;
  /** The value as written (`0x10`, `4`). */
  text: string;
  /** Its doc comment, one line; "" when it has none. */
  doc: string;
}

export interface EnumSource {
  name: string;
  doc: string;
  members: EnumMemberSource[];
}

export function parseSource(file: string, text = readFileSync(file, "utf-8")): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** A node's doc comment as one line of text ("" without one); `@tags` are left out. */
export function docOf(node: ts.Node): string {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  if (!docs?.length) return "";
  const c = docs[docs.length - 1]!.comment;
  const s = typeof c === "string" ? c : (ts.getTextOfJSDocComment(c) ?? "");
  return s.replace(/\s+/g, " ").trim();
}

/** The value of an enum initialiser: numbers, unary minus, and | & << >> + - of them. */
function evaluate(file: string, where: string, e: ts.Expression): number {
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isParenthesizedExpression(e)) return evaluate(file, where, e.expression);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) return -evaluate(file, where, e.operand);
  if (ts.isBinaryExpression(e)) {
    const a = evaluate(file, where, e.left);
    const b = evaluate(file, where, e.right);
    switch (e.operatorToken.kind) {
      case ts.SyntaxKind.BarToken:
        return a | b;
      case ts.SyntaxKind.AmpersandToken:
        return a & b;
      case ts.SyntaxKind.LessThanLessThanToken:
        return a << b;
      case ts.SyntaxKind.GreaterThanGreaterThanToken:
        return a >> b;
      case ts.SyntaxKind.PlusToken:
        return a + b;
      case ts.SyntaxKind.MinusToken:
        return a - b;
    }
  }
  throw new SourceShapeError(file, where, e.getText(), "an enum value must be a number or a constant expression of numbers");
}

/** Every exported enum of a file, in source order. Every member needs an explicit value. */
export function enumsIn(file: string, text?: string): EnumSource[] {
  const sf = parseSource(file, text);
  const out: EnumSource[] = [];
  for (const st of sf.statements) {
    if (!ts.isEnumDeclaration(st)) continue;
    const name = st.name.text;
    out.push({
      name,
      doc: docOf(st),
      members: st.members.map((m) => {
        const member = `${name}.${m.name.getText(sf)}`;
        if (!m.initializer) throw new SourceShapeError(file, member, undefined, "every member needs an explicit value (the wire depends on it)");
        return { name: m.name.getText(sf), value: evaluate(file, member, m.initializer), text: m.initializer.getText(sf), doc: docOf(m) };
      }),
    });
  }
  return out;
}

export interface SchemaSource {
  /** The exported constant's doc comment. */
  doc: string;
  /** Field docs by path: "spillNumber", "hits.timeQ8"; fields without a comment are absent. */
  fields: Map<string, string>;
}

/** Doc comments of `export const X = object({...})` schemas and their nested object literals. */
export function schemaDocsIn(file: string, text?: string): Map<string, SchemaSource> {
  const sf = parseSource(file, text);
  const out = new Map<string, SchemaSource>();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer || !ts.isCallExpression(d.initializer)) continue;
      const call = d.initializer;
      if (!ts.isIdentifier(call.expression) || call.expression.text !== "object") continue;
      const fields = new Map<string, string>();
      const arg = call.arguments[0];
      if (arg && ts.isObjectLiteralExpression(arg)) collectFields(arg, "", fields);
      out.set(d.name.text, { doc: docOf(st), fields });
    }
  }
  return out;
}

/** Field docs of an object literal; the first object-literal argument of a call value (soa) is a nested level. */
function collectFields(o: ts.ObjectLiteralExpression, prefix: string, out: Map<string, string>): void {
  for (const p of o.properties) {
    if (!ts.isPropertyAssignment(p) || !p.name) continue;
    const name = prefix + p.name.getText();
    const doc = docOf(p);
    if (doc) out.set(name, doc);
    const v = p.initializer;
    if (ts.isCallExpression(v)) {
      const inner = v.arguments[0];
      if (inner && ts.isObjectLiteralExpression(inner)) collectFields(inner, `${name}.`, out);
    }
  }
}
