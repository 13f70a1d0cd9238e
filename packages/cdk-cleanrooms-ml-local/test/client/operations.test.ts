import { OPERATION_NAMES, OPERATIONS } from '../../src/client/operations';
import { CLEAN_ROOMS_ML_MODEL, inputMembers, modelOperation } from '../fixtures/cleanroomsml-model';

describe('operation bindings, held against AWS\'s current model', () => {
  test('the library binds 25 operations, every one of them an operation of the model', () => {
    expect(OPERATION_NAMES).toHaveLength(25);
    expect(OPERATION_NAMES.filter((name) => !(name in CLEAN_ROOMS_ML_MODEL.operations))).toEqual([]);
  });

  test('the model is the service the client signs for and speaks to', () => {
    expect(CLEAN_ROOMS_ML_MODEL.metadata).toMatchObject({
      apiVersion: '2023-09-06',
      protocol: 'rest-json',
      signingName: 'cleanrooms-ml',
      endpointPrefix: 'cleanrooms-ml',
    });
  });

  test.each(OPERATION_NAMES)('%s has the model\'s method, path and path, query and header bindings', (name) => {
    const official = modelOperation(name);
    const located = (location: string) => Object.entries(inputMembers(name))
      .filter(([, member]) => member.location === location)
      .map(([member, ref]) => {
        // The wire name must equal the member name, or the table would need both.
        expect(ref.locationName ?? member).toBe(member);
        return member;
      })
      .sort();
    const binding = OPERATIONS[name];

    expect(binding.method).toBe(official.http.method);
    expect(binding.path).toBe(official.http.requestUri);
    expect([...binding.pathParams].sort()).toEqual(located('uri'));
    expect([...binding.queryParams].sort()).toEqual(located('querystring'));
    // The client sends no member as a header; a model that binds one needs the client taught first.
    expect(located('header')).toEqual([]);
    expect(located('headers')).toEqual([]);
  });
});
