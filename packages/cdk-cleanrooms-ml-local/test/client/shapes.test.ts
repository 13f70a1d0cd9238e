import { declaredOperations, type DeclaredType } from './declared-shapes';
import { OPERATION_NAMES } from '../../src/client/operations';
import { modelOperation, modelShape } from '../fixtures/cleanroomsml-model';

/**
 * Members the client keeps from the older API text (test/fixtures/cleanroomsml-api.txt)
 * although AWS's current model no longer has them: the service wins, so they
 * stay optional and are documented as no longer returned. Keyed `<model shape>.<member>`.
 */
const NO_LONGER_IN_THE_MODEL: Readonly<Record<string, string>> = {
  'GetAudienceModelResponse.metrics': 'accuracy metrics of the model, in the seed text only',
};

const DECLARED = declaredOperations();

/** What a model type is in the client's TypeScript. */
const SCALARS: Readonly<Record<string, DeclaredType['kind']>> = {
  string: 'string',
  integer: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

function show(type: DeclaredType): string {
  switch (type.kind) {
    case 'enum': return `enum ${type.values.join('|')}`;
    case 'structure': return `structure ${type.name}`;
    case 'unsupported': return type.text;
    default: return type.kind;
  }
}

/**
 * Every way the client's type differs from the model's shape, one sentence
 * each, so a failure names the member to fix. `seen` collects the entries of
 * NO_LONGER_IN_THE_MODEL met on the way.
 */
function differences(shapeName: string, declared: DeclaredType, where: string, seen: Set<string>): string[] {
  const shape = modelShape(shapeName);
  const mismatch = (model: string) => [`${where}: the model has ${model} (${shapeName}), the client ${show(declared)}`];
  switch (shape.type) {
    case 'structure': {
      if (declared.kind !== 'structure') return mismatch('a structure');
      const found: string[] = [];
      const required = new Set(shape.required ?? []);
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const member = declared.members[name];
        if (!member) {
          found.push(`${where}.${name}: in the model's ${shapeName}, missing from the client's ${declared.name}`);
          continue;
        }
        if (required.has(name) === member.optional) {
          found.push(`${where}.${name}: ${required.has(name) ? 'required' : 'optional'} in the model, not in the client`);
        }
        found.push(...differences(ref.shape, member.type, `${where}.${name}`, seen));
      }
      for (const [name, member] of Object.entries(declared.members)) {
        if (shape.members?.[name]) continue;
        const key = `${shapeName}.${name}`;
        if (!(key in NO_LONGER_IN_THE_MODEL)) {
          found.push(`${where}.${name}: in the client's ${declared.name}, not in the model's ${shapeName}`);
        } else if (!member.optional) {
          found.push(`${where}.${name}: no longer in the model, so it must be optional in the client`);
        }
        seen.add(key);
      }
      return found;
    }
    case 'list':
      return declared.kind === 'list' ? differences(shape.member!.shape, declared.member, `${where}[]`, seen) : mismatch('a list');
    case 'map':
      if (declared.kind !== 'map') return mismatch('a map');
      return [
        ...differences(shape.key!.shape, { kind: 'string' }, `${where}{key}`, seen),
        ...differences(shape.value!.shape, declared.value, `${where}{}`, seen),
      ];
    default:
      if (shape.enum) {
        const same = declared.kind === 'enum' && [...declared.values].sort().join('|') === [...shape.enum].sort().join('|');
        return same ? [] : mismatch(`enum ${shape.enum.join('|')}`);
      }
      if (!SCALARS[shape.type]) return [`${where}: the model's type ${shape.type} (${shapeName}) has no counterpart in the client`];
      return declared.kind === SCALARS[shape.type] ? [] : mismatch(shape.type);
  }
}

/** An operation without an output in the model answers an empty object. */
function outputDifferences(operation: string, declared: DeclaredType, seen: Set<string>): string[] {
  const output = modelOperation(operation).output;
  if (output) return differences(output.shape, declared, `${operation} output`, seen);
  return declared.kind === 'structure' && Object.keys(declared.members).length === 0
    ? []
    : [`${operation} output: the model has none, the client ${show(declared)}`];
}

describe('the client\'s request and response types, member by member against the current model', () => {
  const seen = new Set<string>();

  test('OperationShapes types exactly the operations the client calls', () => {
    expect(Object.keys(DECLARED).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  test.each(OPERATION_NAMES)('%s: input members, required members and member types', (operation) => {
    const input = modelOperation(operation).input;
    expect(input).toBeDefined();
    expect(differences(input!.shape, DECLARED[operation].input, `${operation} input`, seen)).toEqual([]);
  });

  test.each(OPERATION_NAMES)('%s: output members, required members and member types', (operation) => {
    expect(outputDifferences(operation, DECLARED[operation].output, seen)).toEqual([]);
  });

  test('every member kept from the older API text is still declared by the client and still absent from the model', () => {
    // Runs after the walks above (jest keeps declaration order): a stale entry would hide nothing but mislead.
    expect(Object.keys(NO_LONGER_IN_THE_MODEL).filter((key) => !seen.has(key))).toEqual([]);
  });
});

describe('the comparison itself', () => {
  const seen = new Set<string>();

  test('fails on a member the model has and the client lacks', () => {
    const declared: DeclaredType = { kind: 'structure', name: 'S3ConfigMap', members: {} };

    expect(differences('S3ConfigMap', declared, 'x', seen)).toEqual(['x.s3Uri: in the model\'s S3ConfigMap, missing from the client\'s S3ConfigMap']);
  });

  test('fails on a required member the client declares optional, and on a wrong member type', () => {
    const declared: DeclaredType = {
      kind: 'structure',
      name: 'AudienceSize',
      members: {
        type: { optional: true, type: { kind: 'enum', values: ['ABSOLUTE'] } },
        value: { optional: false, type: { kind: 'string' } },
      },
    };

    expect(differences('AudienceSize', declared, 'x', seen)).toEqual([
      'x.type: required in the model, not in the client',
      'x.type: the model has enum ABSOLUTE|PERCENTAGE (AudienceSizeType), the client enum ABSOLUTE',
      'x.value: the model has integer (AudienceSizeValue), the client string',
    ]);
  });

  test('fails on a member the client has and the model does not', () => {
    const declared: DeclaredType = {
      kind: 'structure',
      name: 'S3ConfigMap',
      members: {
        s3Uri: { optional: false, type: { kind: 'string' } },
        bucketOwner: { optional: true, type: { kind: 'string' } },
      },
    };

    expect(differences('S3ConfigMap', declared, 'x', seen)).toEqual(['x.bucketOwner: in the client\'s S3ConfigMap, not in the model\'s S3ConfigMap']);
  });
});
