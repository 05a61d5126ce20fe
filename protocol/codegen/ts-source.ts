// Reads what the generated documentation needs from TypeScript source text that has no runtime
// form: the members, values and doc comments of `const enum`s, and the doc comments of the fields of
// `export const X = object({...})` schemas (and of nested soa({...}) columns). Syntax only (no type
// checker), so it is fast and needs nothing but the file.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

export interface JsonFieldRow {
  /** "runNumber", "boards[].hello", "setup.boards[].channels[].cal.mipGeV". */
  path: string;
  /** "number", "string", "object", "array of object", `"a" | "b"`, or a stop-list text. */
  type: string;
  optional: boolean;
  doc: string;
}

export interface JsonDocOptions {
  /**
   * Types not expanded, with what the document says instead ("Preset": "the preset as resolved,
   * see presets/README.md"). Their fields are documented elsewhere.
   */
  stop?: Readonly<Record<string, string>>;
}

interface Declared {
  file: string;
  sf: ts.SourceFile;
  node: ts.InterfaceDeclaration | ts.TypeAliasDeclaration;
}

/** Find a type declared in `file` or imported into it from a relative module. */
function findType(file: string, name: string, seen = new Set<string>()): Declared | undefined {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  let text: string;
  try {
    text = readFileSync(file, "utf-8");
  } catch {
    return undefined;
  }
  const sf = parseSource(file, text);
  for (const st of sf.statements) {
    if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name.text === name) return { file, sf, node: st };
  }
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.moduleSpecifier.text.startsWith(".")) continue;
    const b = st.importClause?.namedBindings;
    if (!b || !ts.isNamedImports(b)) continue;
    for (const el of b.elements) {
      if (el.name.text !== name) continue;
      const target = join(dirname(file), st.moduleSpecifier.text.replace(/\.js$/, "") + ".ts");
      return findType(target, (el.propertyName ?? el.name).text, seen);
    }
  }
  return undefined;
}

/** The string elements of `const NAME = ["a", "b"] as const` in a file. */
function constStrings(sf: ts.SourceFile, name: string): string[] | undefined {
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== name || !d.initializer) continue;
      let e: ts.Expression = d.initializer;
      if (ts.isAsExpression(e)) e = e.expression;
      if (!ts.isArrayLiteralExpression(e)) return undefined;
      const out = e.elements.map((x) => (ts.isStringLiteral(x) ? JSON.stringify(x.text) : undefined));
      return out.every((x) => x !== undefined) ? (out as string[]) : undefined;
    }
  }
  return undefined;
}

/**
 * The fields of a JSON object whose shape is the TypeScript interface `name` (declared in `file`
 * or imported into it), one row per field, nested objects and arrays of objects expanded with
 * dotted paths. Syntax only: interfaces, type literals, arrays, unions of literals, type aliases
 * and `(typeof LIST)[number]` of a `const` string list.
 */
export function jsonFieldsOf(file: string, name: string, opts: JsonDocOptions = {}): JsonFieldRow[] {
  const stop = opts.stop ?? {};
  const rows: JsonFieldRow[] = [];
  const stack: string[] = [];

  const membersOf = (where: Declared, members: ts.NodeArray<ts.TypeElement>, prefix: string) => {
    for (const m of members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const path = prefix + m.name.getText(where.sf);
      const row: JsonFieldRow = { path, type: "", optional: !!m.questionToken, doc: docOf(m) };
      rows.push(row);
      row.type = describe(where, m.type, path);
    }
  };

  const expand = (d: Declared, prefix: string): void => {
    const key = `${d.file}#${d.node.name.text}`;
    if (stack.includes(key)) throw new SourceShapeError(d.file, d.node.name.text, undefined, "a recursive type cannot be laid out as a table");
    stack.push(key);
    if (ts.isInterfaceDeclaration(d.node)) {
      for (const h of d.node.heritageClauses ?? [])
        for (const t of h.types) {
          const base = ts.isIdentifier(t.expression) ? findType(d.file, t.expression.text) : undefined;
          if (!base) throw new SourceShapeError(d.file, d.node.name.text, t.getText(d.sf), "cannot find the interface it extends");
          expand(base, prefix);
        }
      membersOf(d, d.node.members, prefix);
    } else if (ts.isTypeLiteralNode(d.node.type)) membersOf(d, d.node.type.members, prefix);
    stack.pop();
  };

  /** Text for a type node; adds the rows of its fields when it is an object. */
  const describe = (where: Declared, t: ts.TypeNode, path: string): string => {
    const text = t.getText(where.sf);
    if (stop[text] !== undefined) return stop[text]!;
    switch (t.kind) {
      case ts.SyntaxKind.NumberKeyword:
        return "number";
      case ts.SyntaxKind.StringKeyword:
        return "string";
      case ts.SyntaxKind.BooleanKeyword:
        return "boolean";
      case ts.SyntaxKind.UnknownKeyword:
        return "any JSON value";
    }
    if (ts.isLiteralTypeNode(t)) return text;
    if (ts.isParenthesizedTypeNode(t)) return describe(where, t.type, path);
    if (ts.isUnionTypeNode(t)) return t.types.map((x) => describe(where, x, path)).join(" | ");
    if (ts.isTypeLiteralNode(t)) {
      membersOf(where, t.members, `${path}.`);
      return "object";
    }
    if (ts.isArrayTypeNode(t)) return `array of ${describe(where, t.elementType, `${path}[]`)}`;
    if (ts.isIndexedAccessTypeNode(t) && t.indexType.getText(where.sf) === "number") {
      let o = t.objectType;
      while (ts.isParenthesizedTypeNode(o)) o = o.type;
      const list = ts.isTypeQueryNode(o) ? constStrings(where.sf, o.exprName.getText(where.sf)) : undefined;
      if (list) return list.join(" | ");
    }
    if (ts.isTypeReferenceNode(t)) {
      const n = t.typeName.getText(where.sf);
      const args = t.typeArguments ?? [];
      if (n === "Array" && args.length === 1) return `array of ${describe(where, args[0]!, `${path}[]`)}`;
      if (n === "Record" && args.length === 2) return `object: ${describe(where, args[0]!, path)} -> ${describe(where, args[1]!, `${path}.*`)}`;
      if (stop[n] !== undefined) return stop[n]!;
      const d = findType(where.file, n);
      if (d) {
        if (ts.isInterfaceDeclaration(d.node) || ts.isTypeLiteralNode(d.node.type)) {
          expand(d, `${path}.`);
          return "object";
        }
        return describe(d, d.node.type, path);
      }
    }
    throw new SourceShapeError(where.file, path, text, "a type the JSON table cannot describe: expand it, or give it a stop text");
  };

  const root = findType(file, name);
  if (!root) throw new SourceShapeError(file, name, undefined, "no such interface or type alias here or in its relative imports");
  expand(root, "");
  return rows;
}
