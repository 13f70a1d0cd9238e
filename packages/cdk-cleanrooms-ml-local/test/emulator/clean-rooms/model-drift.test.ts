/**
 * The emulator's AWS Clean Rooms endpoint against AWS's current model
 * (spec/cleanrooms-2022-02-17): the HTTP binding of each operation it
 * serves, every input member with the model's type, required members,
 * lengths, sizes, enums and patterns (where it differs it says why), the
 * error shapes with their status codes, and which operations are throttled.
 */
import { CLEAN_ROOMS_OPERATION_INPUTS } from '../../../src/emulator/clean-rooms/constraints';
import { CLEAN_ROOMS_ERROR_STATUS_CODES } from '../../../src/emulator/clean-rooms/errors';
import { CLEAN_ROOMS_OPERATION_NAMES, CLEAN_ROOMS_OPERATIONS, CleanRoomsBinding } from '../../../src/emulator/clean-rooms/operations';
import { CLEAN_ROOMS_SERVICE } from '../../../src/emulator/clean-rooms/service';
import type { StructureConstraint } from '../../../src/emulator/constraints';
import { CLEAN_ROOMS_MODEL, cleanRoomsDeclaredErrors, cleanRoomsInputMembers, cleanRoomsOperation } from '../../fixtures/cleanrooms-model';
import { ConstraintDrift } from '../../fixtures/constraint-drift';

const DRIFT = new ConstraintDrift(CLEAN_ROOMS_MODEL);

describe('the AWS Clean Rooms bindings follow AWS\'s current model', () => {
  test('the endpoint speaks the model\'s protocol with its signing name', () => {
    expect(CLEAN_ROOMS_MODEL.metadata).toMatchObject({ apiVersion: '2022-02-17', protocol: 'rest-json', signingName: 'cleanrooms' });
    expect(CLEAN_ROOMS_SERVICE.signingName).toBe('cleanrooms');
  });

  test.each(CLEAN_ROOMS_OPERATION_NAMES)('%s has the model\'s method, path, bindings and success code', (name) => {
    const official = cleanRoomsOperation(name);
    const located = (location: string) => Object.entries(cleanRoomsInputMembers(name))
      .filter(([, member]) => member.location === location)
      .map(([member, ref]) => {
        expect(ref.locationName ?? member).toBe(member);
        return member;
      })
      .sort();
    const binding: CleanRoomsBinding = CLEAN_ROOMS_OPERATIONS[name];

    expect(binding.method).toBe(official.http.method);
    expect(binding.path).toBe(official.http.requestUri);
    expect([...binding.pathParams].sort()).toEqual(located('uri'));
    expect([...binding.queryParams].sort()).toEqual(located('querystring'));
    expect(located('header')).toEqual([]);
    expect(binding.responseCode ?? 200).toBe(official.http.responseCode);
  });
});

describe('the AWS Clean Rooms constraint table follows AWS\'s current model', () => {
  test.each(CLEAN_ROOMS_OPERATION_NAMES)('%s: every input member as the model declares it', (operation) => {
    expect(DRIFT.operation(operation, CLEAN_ROOMS_OPERATION_INPUTS)).toEqual([]);
  });

  const changed = (operation: string, change: (input: any) => void): Record<string, StructureConstraint> => {
    const original = CLEAN_ROOMS_OPERATION_INPUTS[operation as keyof typeof CLEAN_ROOMS_OPERATION_INPUTS];
    const input = { ...original, members: { ...original.members } };
    change(input);
    return { ...CLEAN_ROOMS_OPERATION_INPUTS, [operation]: input };
  };

  test.each([
    ['a member the emulator does not know', 'CreateConfiguredAudienceModelAssociation',
      (input: any) => { delete input.members.manageResourcePolicies; },
      'CreateConfiguredAudienceModelAssociation.manageResourcePolicies: declared by the model (Boolean), unknown to the emulator'],
    ['another length', 'UpdateConfiguredAudienceModelAssociation',
      (input: any) => { input.members.name = { ...input.members.name, length: [1, 63] }; },
      'UpdateConfiguredAudienceModelAssociation.name: length 1-63 in the emulator, 1-100 in the model'],
    ['a looser length without a reason', 'GetMembership',
      (input: any) => { input.members.membershipIdentifier = { ...input.members.membershipIdentifier, length: [1, 100] }; },
      'GetMembership.membershipIdentifier: length 1-100 in the emulator, 36-36 in the model'],
    ['another enum', 'ListMemberships', (input: any) => { input.members.status = { kind: 'string', oneOf: ['ACTIVE'] }; },
      'ListMemberships.status: values ACTIVE in the emulator, ACTIVE, REMOVED, COLLABORATION_DELETED in the model'],
  ] as const)('the comparison fails on drift: %s', (_case, operation, change, expected) => {
    expect(DRIFT.operation(operation, changed(operation, change)).join('\n')).toContain(expected);
  });
});

describe('AWS Clean Rooms errors follow AWS\'s current model', () => {
  test('the error shapes, with their HTTP status codes', () => {
    const exceptions = Object.entries(CLEAN_ROOMS_MODEL.shapes).filter(([, shape]) => shape.exception);

    expect(CLEAN_ROOMS_ERROR_STATUS_CODES).toEqual(Object.fromEntries(exceptions.map(([name, shape]) => [name, shape.error!.httpStatusCode])));
  });

  test('throttling is injected exactly on the operations whose model declares ThrottlingException', () => {
    expect(CLEAN_ROOMS_OPERATION_NAMES.filter((operation) => CLEAN_ROOMS_SERVICE.throttles(operation)))
      .toEqual(CLEAN_ROOMS_OPERATION_NAMES.filter((operation) => cleanRoomsDeclaredErrors(operation).includes('ThrottlingException')));
  });
});
