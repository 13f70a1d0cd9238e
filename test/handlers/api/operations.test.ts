import { OPERATION_NAMES, OPERATIONS } from '../../../src/handlers/api/operations';

// The official service model (restJson1, cleanroomsml 2023-09-06) as shipped in aws-sdk v2.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const model = require('aws-sdk/apis/cleanroomsml-2023-09-06.min.json');

interface ModelMember { readonly location?: string; readonly locationName?: string }

describe('operation bindings', () => {
  const modelOperations = Object.keys(model.operations).sort();

  test('cover exactly the 25 operations of the official model', () => {
    expect(modelOperations).toHaveLength(25);
    expect([...OPERATION_NAMES].sort()).toEqual(modelOperations);
  });

  test.each(modelOperations)('%s has the model\'s method, path and parameter locations', (name) => {
    const official = model.operations[name];
    const members: Record<string, ModelMember> = official.input?.members ?? {};
    const located = (location: string) => Object.entries(members)
      .filter(([, member]) => member.location === location)
      .map(([member, shape]) => {
        // The wire name must equal the member name, or the table would need both.
        expect(shape.locationName ?? member).toBe(member);
        return member;
      })
      .sort();
    const binding = OPERATIONS[name as keyof typeof OPERATIONS];
    expect(binding.method).toBe(official.http.method ?? 'POST');
    expect(binding.path).toBe(official.http.requestUri);
    expect([...binding.pathParams].sort()).toEqual(located('uri'));
    expect([...binding.queryParams].sort()).toEqual(located('querystring'));
  });
});
