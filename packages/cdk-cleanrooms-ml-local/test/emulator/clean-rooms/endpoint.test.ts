/**
 * The emulator's AWS Clean Rooms endpoint through the official AWS SDK
 * client: collaborations, memberships and configured audience model
 * associations of the account of the credentials, their errors, and the
 * resource policy statement an association with manageResourcePolicies
 * writes on the configured model (read back through Clean Rooms ML).
 */
import { CleanRooms } from '@aws-sdk/client-cleanrooms';
import { cleanRoomsClient, collaborationInput, PARTNER_ACCOUNT_ID, sdkError } from './fixtures';
import { CleanRoomsMlEmulator } from '../../../src/emulator';
import { ACCOUNT_ID, REGION } from '../../fixtures/requests';
import { caught, createPipeline, emulatorClient, ManualClock, ONE_SECOND_PHASES, rawRequest } from '../helpers';
import type { ModelClient } from '../../fixtures/model-client';

let emulator: CleanRoomsMlEmulator;
let cleanRooms: CleanRooms;
let ml: ModelClient;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await CleanRoomsMlEmulator.start({ timings: ONE_SECOND_PHASES, clock: clock.now });
  cleanRooms = cleanRoomsClient(emulator);
  ml = emulatorClient(emulator);
});

afterEach(async () => {
  cleanRooms.destroy();
  await emulator.stop();
});

/** A collaboration with the partner invited, the caller's ACTIVE membership in it, and a configured audience model. */
async function setUp(prefix: string) {
  const { collaboration } = await cleanRooms.createCollaboration(collaborationInput(`${prefix} collaboration`));
  const { membership } = await cleanRooms.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });
  const { configuredAudienceModelArn } = await createPipeline(ml, prefix, async () => clock.advance(5_000));
  return { collaborationId: collaboration!.id!, membershipId: membership!.id!, configuredAudienceModelArn };
}

describe('the endpoint', () => {
  test('listens on its own port, and both endpoints\' health names it', async () => {
    expect(emulator.cleanRoomsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.cleanRoomsEndpoint).not.toBe(emulator.endpoint);
    for (const endpoint of [emulator.endpoint, emulator.cleanRoomsEndpoint]) {
      const health = await (await fetch(`${endpoint}/_emulator/health`)).json();

      expect(health).toMatchObject({ status: 'ok', accountId: ACCOUNT_ID, cleanRoomsEndpoint: emulator.cleanRoomsEndpoint });
    }
  });

  test('refuses a request signed for Clean Rooms ML', async () => {
    const error = await caught(emulatorClient(emulator, { endpoint: emulator.cleanRoomsEndpoint }).send('ListTrainingDatasets'));

    // The path is not one of Clean Rooms': no operation, whatever the signature.
    expect(error).toMatchObject({ code: 'UnknownOperationException', statusCode: 404 });
    // rawRequest signs as a Clean Rooms ML client does.
    const signedForMl = await rawRequest(emulator.cleanRoomsEndpoint, 'GET', '/collaborations');

    expect(signedForMl.status).toBe(403);
    expect(signedForMl.body.__type).toBe('InvalidSignatureException');
    expect(signedForMl.body.message).toContain("'cleanrooms'");
  });

  test('answers an invalid identifier with the model\'s ValidationException, naming the field', async () => {
    const error = await sdkError(cleanRooms.getMembership({ membershipIdentifier: 'not-a-uuid' }));

    expect(error).toMatchObject({ name: 'ValidationException', statusCode: 400, members: { reason: 'FIELD_VALIDATION_FAILED' } });
    expect(error.message).toContain('membershipIdentifier must be 36 characters, got 10');
  });
});

describe('collaborations and memberships', () => {
  test('a collaboration lists its creator and invited members; a membership makes the caller ACTIVE', async () => {
    const { collaboration } = await cleanRooms.createCollaboration(collaborationInput('Lookalike'));

    expect(collaboration).toMatchObject({
      name: 'Lookalike',
      creatorAccountId: ACCOUNT_ID,
      creatorDisplayName: 'Model owner',
      memberStatus: 'INVITED',
      queryLogStatus: 'DISABLED',
      arn: `arn:aws:cleanrooms:${REGION}:${ACCOUNT_ID}:collaboration/${collaboration!.id}`,
    });
    expect(collaboration!.membershipId).toBeUndefined();
    expect(collaboration!.createTime).toBeInstanceOf(Date);

    const { membership } = await cleanRooms.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });

    expect(membership).toMatchObject({
      collaborationId: collaboration!.id,
      collaborationArn: collaboration!.arn,
      collaborationCreatorAccountId: ACCOUNT_ID,
      collaborationName: 'Lookalike',
      status: 'ACTIVE',
      arn: `arn:aws:cleanrooms:${REGION}:${ACCOUNT_ID}:membership/${membership!.id}`,
    });
    expect((await cleanRooms.getCollaboration({ collaborationIdentifier: collaboration!.id })).collaboration)
      .toMatchObject({ memberStatus: 'ACTIVE', membershipId: membership!.id, membershipArn: membership!.arn });
    expect((await cleanRooms.getMembership({ membershipIdentifier: membership!.id })).membership).toMatchObject({ status: 'ACTIVE' });
    expect((await cleanRooms.listCollaborations({ memberStatus: 'ACTIVE' })).collaborationList!.map((summary) => summary.id))
      .toEqual([collaboration!.id]);
    expect((await cleanRooms.listCollaborations({ memberStatus: 'INVITED' })).collaborationList).toEqual([]);
    expect((await cleanRooms.listMemberships({})).membershipSummaries!.map((summary) => summary.id)).toEqual([membership!.id]);
    expect(emulator.inventory().collaborations).toEqual([expect.objectContaining({
      id: collaboration!.id,
      members: [
        { accountId: ACCOUNT_ID, displayName: 'Model owner', memberStatus: 'ACTIVE' },
        { accountId: PARTNER_ACCOUNT_ID, displayName: `Partner ${PARTNER_ACCOUNT_ID}`, memberStatus: 'INVITED' },
      ],
    })]);
  });

  test('one membership per account: a second is a ConflictException, ALREADY_EXISTS', async () => {
    const { collaboration } = await cleanRooms.createCollaboration(collaborationInput('Once'));
    const { membership } = await cleanRooms.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });

    const error = await sdkError(cleanRooms.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' }));

    expect(error).toMatchObject({ name: 'ConflictException', statusCode: 409, members: { reason: 'ALREADY_EXISTS', resourceId: membership!.id } });
  });

  test('the creator is not one of the members it lists', async () => {
    const error = await sdkError(cleanRooms.createCollaboration(collaborationInput('Self', [ACCOUNT_ID])));

    expect(error).toMatchObject({ name: 'ValidationException', statusCode: 400 });
    expect(error.message).toContain('members[0].accountId 123456789012 is the creator\'s account');
  });

  test('a collaboration of no account the caller knows is not found', async () => {
    const error = await sdkError(cleanRooms.createMembership({ collaborationIdentifier: '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0', queryLogStatus: 'DISABLED' }));

    expect(error).toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404, members: { resourceType: 'COLLABORATION' } });
  });

  test('deleting the collaboration leaves the memberships COLLABORATION_DELETED; then they can be deleted', async () => {
    const { collaboration } = await cleanRooms.createCollaboration(collaborationInput('Short-lived'));
    const { membership } = await cleanRooms.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });

    await cleanRooms.deleteCollaboration({ collaborationIdentifier: collaboration!.id });

    expect((await cleanRooms.getMembership({ membershipIdentifier: membership!.id })).membership).toMatchObject({ status: 'COLLABORATION_DELETED' });
    expect(await sdkError(cleanRooms.getCollaboration({ collaborationIdentifier: collaboration!.id })))
      .toMatchObject({ name: 'ResourceNotFoundException' });
    await cleanRooms.deleteMembership({ membershipIdentifier: membership!.id });
    expect(await sdkError(cleanRooms.getMembership({ membershipIdentifier: membership!.id })))
      .toMatchObject({ name: 'ResourceNotFoundException', members: { resourceType: 'MEMBERSHIP' } });
    expect(emulator.inventory()).toMatchObject({ collaborations: [], memberships: [] });
  });
});

describe('configured audience model associations', () => {
  test('create, get, update in place, list and delete', async () => {
    const { collaborationId, membershipId, configuredAudienceModelArn } = await setUp('cama');

    const { configuredAudienceModelAssociation: created } = await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId,
      configuredAudienceModelArn,
      configuredAudienceModelAssociationName: 'Lookalike model',
      description: 'for the partner',
      manageResourcePolicies: false,
      tags: { team: 'audiences' },
    });

    expect(created).toMatchObject({
      configuredAudienceModelArn,
      membershipId,
      collaborationId,
      name: 'Lookalike model',
      description: 'for the partner',
      manageResourcePolicies: false,
      arn: `arn:aws:cleanrooms:${REGION}:${ACCOUNT_ID}:membership/${membershipId}/configuredaudiencemodelassociation/${created!.id}`,
    });
    const identifiers = { membershipIdentifier: membershipId, configuredAudienceModelAssociationIdentifier: created!.id };
    expect((await cleanRooms.getConfiguredAudienceModelAssociation(identifiers)).configuredAudienceModelAssociation).toEqual(created);

    clock.advance(1_000);
    const { configuredAudienceModelAssociation: updated } = await cleanRooms.updateConfiguredAudienceModelAssociation({
      ...identifiers,
      name: 'Renamed',
    });

    expect(updated).toMatchObject({ id: created!.id, name: 'Renamed', description: 'for the partner' });
    expect(updated!.updateTime!.getTime()).toBe(created!.updateTime!.getTime() + 1_000);
    expect((await cleanRooms.listConfiguredAudienceModelAssociations({ membershipIdentifier: membershipId }))
      .configuredAudienceModelAssociationSummaries).toEqual([expect.objectContaining({ id: created!.id, name: 'Renamed' })]);
    expect((await cleanRooms.listTagsForResource({ resourceArn: created!.arn })).tags).toEqual({ team: 'audiences' });

    await cleanRooms.deleteConfiguredAudienceModelAssociation(identifiers);

    expect(await sdkError(cleanRooms.getConfiguredAudienceModelAssociation(identifiers)))
      .toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404 });
    expect(emulator.inventory().configuredAudienceModelAssociations).toEqual([]);
  });

  test('tags of an association change with TagResource and UntagResource', async () => {
    const { membershipId, configuredAudienceModelArn } = await setUp('tags');
    const { configuredAudienceModelAssociation: created } = await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Tagged', manageResourcePolicies: false,
    });

    await cleanRooms.tagResource({ resourceArn: created!.arn, tags: { stage: 'prod', team: 'audiences' } });
    await cleanRooms.untagResource({ resourceArn: created!.arn, tagKeys: ['stage'] });

    expect((await cleanRooms.listTagsForResource({ resourceArn: created!.arn })).tags).toEqual({ team: 'audiences' });
  });

  test('a configured audience model of another account cannot be associated', async () => {
    const { membershipId, configuredAudienceModelArn } = await setUp('foreign');
    const foreignArn = configuredAudienceModelArn.replace(`:${ACCOUNT_ID}:`, `:${PARTNER_ACCOUNT_ID}:`);

    const error = await sdkError(cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn: foreignArn, configuredAudienceModelAssociationName: 'Foreign', manageResourcePolicies: true,
    }));

    expect(error).toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404 });
    expect(error.message).toContain(`configuredAudienceModelArn ${foreignArn} is not in the caller's account ${ACCOUNT_ID}`);
  });

  test('a configured audience model that does not exist cannot be associated', async () => {
    const { membershipId, configuredAudienceModelArn } = await setUp('missing');
    await ml.send('DeleteConfiguredAudienceModel', { configuredAudienceModelArn });

    const error = await sdkError(cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Gone', manageResourcePolicies: false,
    }));

    expect(error).toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404 });
    expect(error.message).toContain('configured audience model not found');
  });

  test('a name taken in the membership is a ConflictException on create, a ValidationException on update', async () => {
    const { membershipId, configuredAudienceModelArn } = await setUp('names');
    const create = (name: string) => cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: name, manageResourcePolicies: false,
    });
    await create('First');
    const { configuredAudienceModelAssociation: second } = await create('Second');

    expect(await sdkError(create('First'))).toMatchObject({ name: 'ConflictException', statusCode: 409, members: { reason: 'ALREADY_EXISTS' } });
    const renamed = await sdkError(cleanRooms.updateConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelAssociationIdentifier: second!.id, name: 'First',
    }));
    expect(renamed).toMatchObject({ name: 'ValidationException', statusCode: 400, members: { fieldList: [expect.objectContaining({ name: 'name' })] } });
  });

  test('a membership that is not ACTIVE cannot associate: ConflictException, INVALID_STATE', async () => {
    const { collaborationId, membershipId, configuredAudienceModelArn } = await setUp('inactive');
    await cleanRooms.deleteCollaboration({ collaborationIdentifier: collaborationId });

    const error = await sdkError(cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Late', manageResourcePolicies: false,
    }));

    expect(error).toMatchObject({ name: 'ConflictException', statusCode: 409, members: { reason: 'INVALID_STATE', resourceType: 'MEMBERSHIP' } });
    expect(error.message).toContain('is COLLABORATION_DELETED, not ACTIVE');
  });

  test('a membership holding associations cannot be deleted: ConflictException, SUBRESOURCES_EXIST', async () => {
    const { membershipId, configuredAudienceModelArn } = await setUp('held');
    await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Held', manageResourcePolicies: false,
    });

    expect(await sdkError(cleanRooms.deleteMembership({ membershipIdentifier: membershipId })))
      .toMatchObject({ name: 'ConflictException', members: { reason: 'SUBRESOURCES_EXIST', resourceType: 'MEMBERSHIP' } });
  });
});

describe('manageResourcePolicies', () => {
  const policyOf = async (configuredAudienceModelArn: string) =>
    JSON.parse((await ml.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn })).configuredAudienceModelPolicy);

  test('adds the documented statement for the collaboration\'s other members to the model\'s policy, and removes it with the association', async () => {
    const { collaborationId, membershipId, configuredAudienceModelArn } = await setUp('managed');
    const ownStatement = {
      Sid: 'OwnersOwn',
      Effect: 'Allow',
      Principal: { AWS: ['111122223333'] },
      Action: 'cleanrooms-ml:StartAudienceGenerationJob',
      Resource: configuredAudienceModelArn,
    };
    await ml.send('PutConfiguredAudienceModelPolicy', {
      configuredAudienceModelArn,
      configuredAudienceModelPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [ownStatement] }),
    });

    const { configuredAudienceModelAssociation: association } = await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Managed', manageResourcePolicies: true,
    });

    expect(await policyOf(configuredAudienceModelArn)).toEqual({
      Version: '2012-10-17',
      Statement: [ownStatement, {
        Sid: `Clean-Rooms-${association!.id}`,
        Effect: 'Allow',
        Principal: { AWS: [PARTNER_ACCOUNT_ID] },
        Action: 'cleanrooms-ml:StartAudienceGenerationJob',
        Resource: [configuredAudienceModelArn, `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:audience-generation-job/*`],
        Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': collaborationId } },
      }],
    });

    await cleanRooms.deleteConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelAssociationIdentifier: association!.id,
    });

    expect(await policyOf(configuredAudienceModelArn)).toEqual({ Version: '2012-10-17', Statement: [ownStatement] });
  });

  test('writes the policy when the model has none, and deletes it when its statement was the only one', async () => {
    const { membershipId, configuredAudienceModelArn } = await setUp('alone');
    const { configuredAudienceModelAssociation: association } = await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Alone', manageResourcePolicies: true,
    });

    expect((await policyOf(configuredAudienceModelArn)).Statement.map((statement: { Sid: string }) => statement.Sid))
      .toEqual([`Clean-Rooms-${association!.id}`]);

    await cleanRooms.deleteConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelAssociationIdentifier: association!.id,
    });

    expect(await caught(ml.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn })))
      .toMatchObject({ code: 'ResourceNotFoundException' });
  });

  test('without it, the policy is left alone', async () => {
    const { membershipId, configuredAudienceModelArn } = await setUp('unmanaged');
    await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Unmanaged', manageResourcePolicies: false,
    });

    expect(await caught(ml.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn })))
      .toMatchObject({ code: 'ResourceNotFoundException' });
  });
});
