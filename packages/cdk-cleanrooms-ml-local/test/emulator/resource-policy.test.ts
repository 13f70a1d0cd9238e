/**
 * The resource-policy evaluator on its own: the forms of the policy language
 * it understands, and that what it cannot evaluate fails closed.
 */
import { evaluateResourcePolicy, PolicyRequest } from '../../src/emulator/resource-policy';

const MODEL = 'arn:aws:cleanrooms-ml:us-east-1:123456789012:configured-audience-model/5c6f3d2e-1111-4222-8333-944455556666';
const COLLABORATION = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

const request: PolicyRequest = {
  principalAccount: '210987654321',
  partition: 'aws',
  action: 'cleanrooms-ml:StartAudienceGenerationJob',
  resource: MODEL,
  context: { 'cleanrooms-ml:CollaborationId': COLLABORATION },
};

const allow = { Effect: 'Allow', Principal: { AWS: '210987654321' }, Action: 'cleanrooms-ml:StartAudienceGenerationJob', Resource: MODEL };

function decide(statement: object | object[], asked: Partial<PolicyRequest> = {}) {
  return evaluateResourcePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statement }), { ...request, ...asked });
}

describe('resource policy evaluation', () => {
  test('a single statement object (not a list) is read like a list of one', () => {
    expect(decide(allow)).toEqual({ allowed: true, statement: 'statement 1' });
  });

  test('a partition\'s root ARN matches only in that partition', () => {
    const statement = { ...allow, Principal: { AWS: 'arn:aws-cn:iam::210987654321:root' } };

    expect(decide(statement, { partition: 'aws-cn' }).allowed).toBe(true);
    expect(decide(statement).allowed).toBe(false);
  });

  test('a role of the account is not the account: the emulator\'s callers are accounts', () => {
    expect(decide({ ...allow, Principal: { AWS: 'arn:aws:iam::210987654321:role/seed' } })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('does not name account 210987654321 as principal'),
    });
  });

  test('a condition value list is any-of, and condition keys compare case-insensitively', () => {
    const statement = { ...allow, Condition: { StringEquals: { 'CleanRooms-ML:collaborationid': ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', COLLABORATION] } } };

    expect(decide(statement).allowed).toBe(true);
  });

  test('a Deny whose condition does not hold does not deny', () => {
    const deny = { ...allow, Effect: 'Deny', Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' } } };

    expect(decide([allow, deny]).allowed).toBe(true);
  });

  test.each([
    ['NotAction', { NotAction: 'cleanrooms-ml:DeleteConfiguredAudienceModel' }, 'uses NotAction'],
    ['a StringLike condition', { Condition: { StringLike: { 'cleanrooms-ml:CollaborationId': '*' } } }, 'has a StringLike condition'],
    ['a condition on another key', { Condition: { StringEquals: { 'aws:SourceAccount': '210987654321' } } }, 'has a condition on aws:SourceAccount'],
  ])('fails closed: an Allow with %s does not allow, the same Deny denies', (_case, extra, reason) => {
    expect(decide({ ...allow, ...extra })).toMatchObject({ allowed: false, explicitDeny: false, reason: expect.stringContaining(reason) });
    expect(decide([allow, { ...allow, ...extra, Effect: 'Deny', Sid: 'Guard' }])).toMatchObject({
      allowed: false,
      explicitDeny: true,
      reason: expect.stringContaining(`statement "Guard" explicitly denies it (${reason}, which the emulator cannot evaluate, so it applies)`),
    });
  });

  test('fails: a policy that is not JSON, or has no Allow statement, allows nothing', () => {
    expect(evaluateResourcePolicy('{not json', request)).toEqual({ allowed: false, explicitDeny: false, reason: 'the resource policy is not valid JSON' });
    expect(decide([])).toEqual({ allowed: false, explicitDeny: false, reason: 'the resource policy has no Allow statement' });
  });

  test('fails: every Allow that does not match says why, by Sid or position', () => {
    const decision = decide([{ ...allow, Sid: 'OtherAccount', Principal: { AWS: '111122223333' } }, { ...allow, Resource: `${MODEL}-other` }]);

    expect(decision).toMatchObject({ allowed: false, explicitDeny: false });
    expect(!decision.allowed && decision.reason).toBe(
      'no statement allows it: statement "OtherAccount" does not name account 210987654321 as principal; '
      + `statement 2 does not cover the resource ${MODEL}`,
    );
  });
});
