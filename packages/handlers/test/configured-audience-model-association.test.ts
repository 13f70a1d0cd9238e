/**
 * The association handler through the provider's Lambda entry points,
 * against the emulator's AWS Clean Rooms endpoint (the handler's own
 * `@aws-sdk/client-cleanrooms` client, pointed there by
 * AWS_ENDPOINT_URL_CLEANROOMS).
 */
import { randomUUID } from 'node:crypto';
import { CleanRooms } from '@aws-sdk/client-cleanrooms';
import type { EmulatorInventory } from 'cdk-cleanrooms-ml-local';
import {
  ACCOUNT_ID,
  captureLogs,
  CustomResourceEvents,
  HandlerTestbed,
  onEvent,
  REGION,
  rejectionOf,
  ROLE_ARN,
  runToCompletion,
} from './harness';
import { CREATION_TOKEN_TAG } from '../src/framework';
import { findCreatedResource } from '../src/framework/dispatch';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

const TYPE = 'Custom::CleanRoomsConfiguredAudienceModelAssociation';
const SUBJECT = `Association (${TYPE}): `;
const events = new CustomResourceEvents(TYPE, 'Association');
const PARTNER = '210987654321';

type Association = EmulatorInventory['configuredAudienceModelAssociations'][number];

let testbed: HandlerTestbed;
let cleanRooms: CleanRooms;
let logs: ReturnType<typeof captureLogs>;
let membershipId: string;
let collaborationId: string;
let configuredAudienceModelArn: string;

beforeAll(async () => {
  testbed = await HandlerTestbed.start();
  cleanRooms = new CleanRooms({
    endpoint: testbed.emulator.cleanRoomsEndpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  cleanRooms.destroy();
  await testbed.stop();
});
beforeEach(async () => {
  testbed.emulator.reset();
  logs = captureLogs();
  ({ collaborationId, membershipId } = await collaborationMembership());
  configuredAudienceModelArn = await configuredModel();
});
afterEach(() => logs.restore());

async function collaborationMembership(): Promise<{ collaborationId: string; membershipId: string }> {
  const { collaboration } = await cleanRooms.createCollaboration({
    name: 'Lookalike',
    description: 'The model owner and a partner',
    creatorDisplayName: 'Owner',
    creatorMemberAbilities: [],
    members: [{ accountId: PARTNER, displayName: 'Partner', memberAbilities: ['CAN_QUERY'] }],
    queryLogStatus: 'DISABLED',
  });
  const { membership } = await cleanRooms.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });
  return { collaborationId: collaboration!.id!, membershipId: membership!.id! };
}

async function configuredModel(name = `configured-${randomUUID().slice(0, 8)}`): Promise<string> {
  const client = testbed.client;
  const { audienceModelArn } = await client.createAudienceModel({ name: `model-${randomUUID().slice(0, 8)}`, trainingDatasetArn: await testbed.trainingDataset() });
  for (let poll = 0; poll < 500 && (await client.getAudienceModel({ audienceModelArn })).status !== 'ACTIVE'; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const { configuredAudienceModelArn: arn } = await client.createConfiguredAudienceModel({
    name,
    audienceModelArn,
    outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/lookalike/' } }, roleArn: ROLE_ARN },
    sharedAudienceMetrics: ['ALL'],
  });
  return arn;
}

function properties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MembershipId: membershipId,
    ConfiguredAudienceModelArn: configuredAudienceModelArn,
    ManageResourcePolicies: true,
    AttributesRevision: 1,
    ...overrides,
  };
}

function associations(): Association[] {
  return testbed.emulator.inventory().configuredAudienceModelAssociations;
}

function associationAt(arn: string): Association | undefined {
  return associations().find((association) => association.arn === arn);
}

const ASSOCIATION_ARN = new RegExp(`^arn:aws:cleanrooms:${REGION}:${ACCOUNT_ID}:membership/[0-9a-f-]{36}/configuredaudiencemodelassociation/[0-9a-f-]{36}$`);

describe('Create', () => {
  test('associates the configured model, answers its ARN as the physical id and every attribute, with a generated name', async () => {
    const { response, result, polls } = await runToCompletion(events.create(properties({ Description: 'for the partner', Tags: { team: 'audiences' } })));

    expect(response.PhysicalResourceId).toMatch(ASSOCIATION_ARN);
    expect(polls).toBe(0);
    const association = associationAt(response.PhysicalResourceId)!;
    expect(association).toMatchObject({
      configuredAudienceModelArn,
      membershipId,
      collaborationId,
      manageResourcePolicies: true,
      description: 'for the partner',
      name: expect.stringMatching(/^LookalikeStack-Association-[0-9a-f]{10}$/),
    });
    expect(association.tags).toMatchObject({ team: 'audiences', [CREATION_TOKEN_TAG]: expect.any(String) });
    expect(result).toEqual({
      IsComplete: true,
      Data: {
        Id: association.id,
        Arn: association.arn,
        Name: association.name,
        CollaborationId: collaborationId,
        CollaborationArn: association.collaborationArn,
        MembershipArn: association.membershipArn,
      },
    });
    // Clean Rooms wrote the statement for the partner on the configured model.
    const { configuredAudienceModelPolicy } = await testbed.client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
    expect(JSON.parse(configuredAudienceModelPolicy).Statement).toEqual([expect.objectContaining({ Sid: `Clean-Rooms-${association.id}`, Principal: { AWS: [PARTNER] } })]);
  });

  test('a retried Create with the same request id makes one association and answers the same physical id', async () => {
    const event = events.create(properties());
    const first = await onEvent(event);
    const second = await onEvent(event);

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(associations()).toHaveLength(1);
  });

  test('does not adopt an association of the same name it did not create', async () => {
    await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Shared model', manageResourcePolicies: false,
    });

    const error = await rejectionOf(onEvent(events.create(properties({ Name: 'Shared model' }))));

    expect(error.message).toMatch(new RegExp(
      `^${escape(`${SUBJECT}the name "Shared model" is already used by a configured audience model association this stack did not create (`)}`,
    ));
    expect(associations()).toHaveLength(1);
  });

  test('a Create no attempt answered: the association its attempt made is found (through AWS Clean Rooms), one of the same name made otherwise is not', async () => {
    const event = events.create(properties());
    const { PhysicalResourceId: made } = await onEvent(event);
    await cleanRooms.createConfiguredAudienceModelAssociation({
      membershipIdentifier: membershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Shared model', manageResourcePolicies: false,
    });

    await expect(findCreatedResource(event, RESOURCE_HANDLERS)).resolves.toBe(made);
    await expect(findCreatedResource(events.create(properties({ Name: 'Shared model' })), RESOURCE_HANDLERS)).resolves.toBeUndefined();
    expect(associations()).toHaveLength(2);
  });

  test('names the property at fault when the membership is not the account\'s', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ MembershipId: '00000000-0000-4000-8000-000000000000' }))));

    expect(error.message).toContain(`${SUBJECT}property MembershipId: the membership 00000000-0000-4000-8000-000000000000 does not exist in this account`);
  });

  test('names the property at fault when the configured model is another account\'s', async () => {
    const foreign = configuredAudienceModelArn.replace(`:${ACCOUNT_ID}:`, `:${PARTNER}:`);

    const error = await rejectionOf(onEvent(events.create(properties({ ConfiguredAudienceModelArn: foreign }))));

    expect(error.message).toContain(`${SUBJECT}property ConfiguredAudienceModelArn: the configured audience model ${foreign} must exist in the associating account`);
  });
});

describe('Update', () => {
  test('changes name, description and tags in place', async () => {
    const before = properties({ Name: 'First', Description: 'one', Tags: { stage: 'dev' } });
    const { response } = await runToCompletion(events.create(before));
    const after = properties({ Name: 'Second', Description: 'two', Tags: { team: 'audiences' } });

    const { response: updated, result } = await runToCompletion(events.update(response.PhysicalResourceId, before, after));

    expect(updated.PhysicalResourceId).toBe(response.PhysicalResourceId);
    expect(associations()).toHaveLength(1);
    const association = associationAt(response.PhysicalResourceId)!;
    expect(association).toMatchObject({ name: 'Second', description: 'two' });
    expect(association.tags).toEqual({ team: 'audiences', [CREATION_TOKEN_TAG]: expect.any(String) });
    expect(result.Data!.Name).toBe('Second');
  });

  test('replaces the association for another configured model, leaving the old one for CloudFormation\'s Delete', async () => {
    const before = properties();
    const { response } = await runToCompletion(events.create(before));
    const otherModel = await configuredModel();
    const after = properties({ ConfiguredAudienceModelArn: otherModel });

    const { response: replaced } = await runToCompletion(events.update(response.PhysicalResourceId, before, after));

    expect(replaced.PhysicalResourceId).toMatch(ASSOCIATION_ARN);
    expect(replaced.PhysicalResourceId).not.toBe(response.PhysicalResourceId);
    expect(associationAt(replaced.PhysicalResourceId)).toMatchObject({ configuredAudienceModelArn: otherModel });
    expect(associationAt(response.PhysicalResourceId)).toBeDefined();
  });

  test('an in-place update of an association deleted outside the stack says so, not that the model is missing', async () => {
    const before = properties({ Description: 'one' });
    const { response } = await runToCompletion(events.create(before));
    const [, membership, association] = /membership\/([^/]+)\/configuredaudiencemodelassociation\/(.+)$/.exec(response.PhysicalResourceId)!;
    await cleanRooms.deleteConfiguredAudienceModelAssociation({
      membershipIdentifier: membership,
      configuredAudienceModelAssociationIdentifier: association,
    });

    const error = await rejectionOf(onEvent(events.update(response.PhysicalResourceId, before, properties({ Description: 'two' }))));

    expect(error.message).toContain(`the configured audience model association ${response.PhysicalResourceId} no longer exists: it was deleted outside this stack`);
    expect(error.message).not.toContain('property ConfiguredAudienceModelArn');
  });

  test('refuses to replace an association that keeps a user-given name', async () => {
    const before = properties({ Name: 'Kept' });
    const { response } = await runToCompletion(events.create(before));

    const error = await rejectionOf(onEvent(events.update(response.PhysicalResourceId, before, properties({ Name: 'Kept', ManageResourcePolicies: false }))));

    expect(error.message).toContain('cannot replace the configured audience model association "Kept" to change ManageResourcePolicies');
  });
});

describe('Delete', () => {
  test('deletes the association, and Clean Rooms removes its policy statement', async () => {
    const { response } = await runToCompletion(events.create(properties()));

    await runToCompletion(events.delete(response.PhysicalResourceId, properties()));

    expect(associations()).toEqual([]);
    await expect(testbed.client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('a missing association is deleted already', async () => {
    const { response } = await runToCompletion(events.create(properties()));
    await runToCompletion(events.delete(response.PhysicalResourceId, properties()));

    const { result } = await runToCompletion(events.delete(response.PhysicalResourceId, properties()));

    expect(result.IsComplete).toBe(true);
  });

  test('a physical id that is no association ARN (a failed create) deletes nothing', async () => {
    const { result } = await runToCompletion(events.delete('Association-CREATE_FAILED', properties()));

    expect(result.IsComplete).toBe(true);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
