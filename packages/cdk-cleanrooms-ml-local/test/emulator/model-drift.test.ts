/**
 * The emulator against AWS's current model (spec/cleanroomsml-2023-09-06),
 * member by member: every input member the model declares is checked by
 * the emulator's constraint table with the model's type, required members,
 * lengths, sizes, ranges, enums and patterns; where the emulator is stricter
 * it names the facet and the AWS source; every rule it adds says where it
 * comes from. Its error names and throttled operations are the model's too.
 * Refreshing the model (spec/README.md) makes every difference fail here.
 */
import { OPERATION_NAMES, OperationName } from '../../src/client/operations';
import { OPERATION_INPUTS, StructureConstraint } from '../../src/emulator/constraints';
import { ERROR_STATUS_CODES, GATEWAY_ERRORS, ServiceErrorName } from '../../src/emulator/errors';
import { THROTTLED_OPERATIONS } from '../../src/emulator/faults';
import { CLEAN_ROOMS_ML_MODEL, declaredErrors } from '../fixtures/cleanroomsml-model';
import { ConstraintDrift } from '../fixtures/constraint-drift';

/**
 * Members of the model the emulator does not serve yet, each with the reason.
 * An entry stops mattering once the table declares the member, and should
 * then be removed.
 */
const NOT_YET_SERVED: Readonly<Record<string, string>> = {};

const DRIFT = new ConstraintDrift(CLEAN_ROOMS_ML_MODEL, NOT_YET_SERVED);

function operationDrift(operation: OperationName, table: Readonly<Record<string, StructureConstraint>> = OPERATION_INPUTS): string[] {
  return DRIFT.operation(operation, table);
}

describe('the constraint table follows AWS\'s current model', () => {
  test.each(OPERATION_NAMES)('%s: every input member as the model declares it', (operation) => {
    expect(operationDrift(operation)).toEqual([]);
  });

  test('serves the 25 operations of the model it was written for, with the model\'s names', () => {
    expect(OPERATION_NAMES).toHaveLength(25);
    expect(OPERATION_NAMES.filter((operation) => !CLEAN_ROOMS_ML_MODEL.operations[operation])).toEqual([]);
  });

  test('every member waiting for its branch is still in the model', () => {
    for (const path of Object.keys(NOT_YET_SERVED)) {
      const [operation, ...members] = path.split('.');
      let shape = CLEAN_ROOMS_ML_MODEL.shapes[CLEAN_ROOMS_ML_MODEL.operations[operation].input!.shape];
      for (const member of members) {
        expect(shape.members).toHaveProperty(member);
        shape = CLEAN_ROOMS_ML_MODEL.shapes[shape.members![member].shape];
      }
    }
  });
});

describe('the comparison fails on drift', () => {
  /** The table with one operation's input changed: a copy of its structure and members, so the real table stays as it is. */
  const changed = (operation: OperationName, change: (input: any) => void): Record<string, StructureConstraint> => {
    const input = { ...OPERATION_INPUTS[operation], members: { ...OPERATION_INPUTS[operation].members } };
    change(input);
    return { ...OPERATION_INPUTS, [operation]: input };
  };

  test.each([
    ['a member the emulator does not know', 'CreateAudienceModel', (input: any) => { delete input.members.kmsKeyArn; },
      'CreateAudienceModel.kmsKeyArn: declared by the model (KmsKeyArn), unknown to the emulator'],
    ['a member the model does not have', 'CreateAudienceModel', (input: any) => { input.members.metrics = { kind: 'string' }; },
      'CreateAudienceModel.metrics: accepted by the emulator, not a member in the model'],
    ['another length', 'CreateAudienceModel', (input: any) => { input.members.name = { ...input.members.name, length: [1, 64] }; },
      'CreateAudienceModel.name: length 1-64 in the emulator, 1-63 in the model'],
    ['a stricter length without a source', 'CreateAudienceModel', (input: any) => { input.members.name = { ...input.members.name, length: [1, 32] }; },
      'CreateAudienceModel.name: length 1-32 in the emulator, 1-63 in the model (stricter without an AWS source)'],
    ['another pattern', 'GetAudienceModel', (input: any) => {
      input.members.audienceModelArn = { ...input.members.audienceModelArn, pattern: { model: 'arn:.+', regexp: /^(?:arn:.+)$/ } };
    }, 'GetAudienceModel.audienceModelArn: pattern arn:.+ in the emulator, arn:aws[-a-z]*:cleanrooms-ml:'],
    ['another enum', 'PutConfiguredAudienceModelPolicy', (input: any) => {
      input.members.policyExistenceCondition = { kind: 'string', oneOf: ['POLICY_MUST_EXIST'] };
    }, 'policyExistenceCondition: values POLICY_MUST_EXIST in the emulator, POLICY_MUST_EXIST, POLICY_MUST_NOT_EXIST in the model'],
    ['another required member', 'StartAudienceExportJob', (input: any) => { input.required = ['name', 'audienceGenerationJobArn']; },
      'StartAudienceExportJob: requires audienceGenerationJobArn, name in the emulator, audienceGenerationJobArn, audienceSize, name in the model'],
    ['another range', 'ListAudienceModels', (input: any) => { input.members.maxResults = { kind: 'integer', range: [1, 1000] }; },
      'ListAudienceModels.maxResults: range 1-1000 in the emulator, 1-100 in the model'],
  ] as const)('fails: %s', (_case, operation, change, expected) => {
    expect(operationDrift(operation, changed(operation, change)).join('\n')).toContain(expected);
  });
});

describe('errors follow AWS\'s current model', () => {
  const exceptions = Object.entries(CLEAN_ROOMS_ML_MODEL.shapes).filter(([, shape]) => shape.exception);

  test('the service errors are the model\'s error shapes, with their HTTP status codes (a fault is InternalServiceException)', () => {
    const served = (Object.keys(ERROR_STATUS_CODES) as ServiceErrorName[]).filter((name) => !GATEWAY_ERRORS.includes(name));

    expect(Object.fromEntries(served.map((name) => [name, ERROR_STATUS_CODES[name]])))
      .toEqual(Object.fromEntries(exceptions.map(([name, shape]) => [name, shape.error!.httpStatusCode])));
  });

  test('throttling is injected exactly on the operations whose model declares ThrottlingException', () => {
    expect(OPERATION_NAMES.filter((operation) => THROTTLED_OPERATIONS.has(operation)))
      .toEqual(OPERATION_NAMES.filter((operation) => declaredErrors(operation).includes('ThrottlingException')));
  });
});
