import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The client's request and response types as TypeScript sees them: read with
 * the compiler from `src/client/types.ts` (the `OperationShapes` map the
 * client's `send` is typed with), so a comparison with the service model
 * checks the very declarations callers compile against, not a copy of them.
 */

export type DeclaredType =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'timestamp' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'list'; readonly member: DeclaredType }
  | { readonly kind: 'map'; readonly value: DeclaredType }
  | { readonly kind: 'structure'; readonly name: string; readonly members: Readonly<Record<string, DeclaredMember>> }
  | { readonly kind: 'unsupported'; readonly text: string };

export interface DeclaredMember {
  readonly optional: boolean;
  readonly type: DeclaredType;
}

export interface DeclaredOperation {
  readonly input: DeclaredType;
  readonly output: DeclaredType;
}

/** The compiler's flags are bit sets; this is the one place that tests a bit. */
function has(flags: number, flag: number): boolean {
  // eslint-disable-next-line no-bitwise
  return (flags & flag) !== 0;
}

const TYPES_FILE = path.join(__dirname, '..', '..', 'src', 'client', 'types.ts');

/** Every operation of `OperationShapes`, with its input and output types resolved member by member. */
export function declaredOperations(): Record<string, DeclaredOperation> {
  const program = ts.createProgram([TYPES_FILE], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(TYPES_FILE)!;
  const shapes = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((symbol) => symbol.name === 'OperationShapes');
  if (!shapes) throw new Error(`${TYPES_FILE} exports no OperationShapes`);

  const typeOf = (symbol: ts.Symbol) => checker.getTypeOfSymbolAtLocation(symbol, source);
  const describe = (type: ts.Type, depth: number): DeclaredType => {
    // Optional members carry `| undefined`; optionality is reported on the member instead.
    const t = checker.getNonNullableType(type);
    if (depth > 12) return { kind: 'unsupported', text: `too deep: ${checker.typeToString(t)}` };
    if (has(t.flags, ts.TypeFlags.String)) return { kind: 'string' };
    if (has(t.flags, ts.TypeFlags.Number)) return { kind: 'number' };
    if (has(t.flags, ts.TypeFlags.BooleanLike)) return { kind: 'boolean' };
    if (t.isStringLiteral()) return { kind: 'enum', values: [t.value] };
    if (t.isUnion()) {
      const literals = t.types.filter((member): member is ts.StringLiteralType => member.isStringLiteral());
      return literals.length === t.types.length
        ? { kind: 'enum', values: literals.map((literal) => literal.value) }
        : { kind: 'unsupported', text: checker.typeToString(t) };
    }
    if (t.getSymbol()?.name === 'Date') return { kind: 'timestamp' };
    if (checker.isArrayType(t)) {
      return { kind: 'list', member: describe(checker.getTypeArguments(t as ts.TypeReference)[0], depth + 1) };
    }
    const properties = t.getProperties();
    const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
    if (index && properties.length === 0 && !has(index.type.flags, ts.TypeFlags.Never)) {
      return { kind: 'map', value: describe(index.type, depth + 1) };
    }
    if (has(t.flags, ts.TypeFlags.Object)) {
      const members: Record<string, DeclaredMember> = {};
      for (const property of properties) {
        members[property.name] = {
          optional: has(property.flags, ts.SymbolFlags.Optional),
          type: describe(typeOf(property), depth + 1),
        };
      }
      return { kind: 'structure', name: t.aliasSymbol?.name ?? t.getSymbol()?.name ?? checker.typeToString(t), members };
    }
    return { kind: 'unsupported', text: checker.typeToString(t) };
  };

  const operations: Record<string, DeclaredOperation> = {};
  for (const operation of checker.getDeclaredTypeOfSymbol(shapes).getProperties()) {
    const pair = typeOf(operation);
    const side = (name: string) => describe(typeOf(pair.getProperty(name)!), 0);
    operations[operation.name] = { input: side('input'), output: side('output') };
  }
  return operations;
}
