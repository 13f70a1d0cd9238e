/**
 * Native AWS::CleanRooms::Collaboration and AWS::CleanRooms::Membership on
 * the emulator's AWS Clean Rooms endpoint, and that endpoint handed to the
 * functions as AWS_ENDPOINT_URL_CLEANROOMS.
 */
import { join } from 'node:path';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as cleanrooms from 'aws-cdk-lib/aws-cleanrooms';
import { fixtureProvider, physicalId, removeTemporaryDirectories, resourceEvents, stateFile, synth, temporaryDirectory, thing } from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import { deployStack, DeploymentEvent, destroyStack } from '../../src/runner';

let emulator: CleanRoomsMlEmulator;

beforeEach(async () => {
  emulator = await CleanRoomsMlEmulator.start();
});

afterEach(async () => {
  await emulator.stop();
});

afterAll(removeTemporaryDirectories);

interface CollaborationProps {
  readonly name?: string;
  readonly creatorDisplayName?: string;
  readonly tags?: Record<string, string>;
  readonly membershipTags?: Record<string, string>;
}

/** A collaboration of the stack's account and the creator's own membership, with their Ref and GetAtt values as outputs. */
function collaborationStack(stack: Stack, props: CollaborationProps = {}): void {
  const collaboration = new cleanrooms.CfnCollaboration(stack, 'Collaboration', {
    name: props.name ?? 'lookalike',
    description: 'Seed audiences for lookalike models',
    creatorDisplayName: props.creatorDisplayName ?? 'Model owner',
    creatorMemberAbilities: ['CAN_QUERY', 'CAN_RECEIVE_RESULTS'],
    queryLogStatus: 'DISABLED',
    members: [{ accountId: '210987654321', displayName: 'Seed provider', memberAbilities: [] }],
    tags: Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
  });
  collaboration.overrideLogicalId('Collaboration');
  const membership = new cleanrooms.CfnMembership(stack, 'Membership', {
    collaborationIdentifier: collaboration.attrCollaborationIdentifier,
    queryLogStatus: 'DISABLED',
    tags: Object.entries(props.membershipTags ?? {}).map(([key, value]) => ({ key, value })),
  });
  membership.overrideLogicalId('Membership');
  new CfnOutput(stack, 'CollaborationRef', { value: collaboration.ref });
  new CfnOutput(stack, 'CollaborationArn', { value: collaboration.attrArn });
  new CfnOutput(stack, 'CollaborationId', { value: collaboration.attrCollaborationIdentifier });
  new CfnOutput(stack, 'MembershipRef', { value: membership.ref });
  new CfnOutput(stack, 'MembershipArn', { value: membership.attrArn });
  new CfnOutput(stack, 'MembershipId', { value: membership.attrMembershipIdentifier });
  new CfnOutput(stack, 'MembershipCollaborationArn', { value: membership.attrCollaborationArn });
  new CfnOutput(stack, 'MembershipCreator', { value: membership.attrCollaborationCreatorAccountId });
}

test('creates a collaboration and the creator\'s membership on the AWS Clean Rooms endpoint (Ref and GetAtt as CloudFormation documents), and destroy deletes them', async () => {
  const state = stateFile();
  const assembly = synth((stack) => collaborationStack(stack, { tags: { team: 'growth' } }));

  const result = await deployStack({ assembly, stateFile: state, endpoint: emulator.endpoint });

  expect(result.failure).toBeUndefined();
  expect(result.status).toBe('CREATE_COMPLETE');
  const { collaborations, memberships } = emulator.inventory();
  expect(collaborations).toEqual([expect.objectContaining({
    name: 'lookalike',
    creatorAccountId: '123456789012',
    members: [
      { accountId: '123456789012', displayName: 'Model owner', memberStatus: 'ACTIVE' },
      { accountId: '210987654321', displayName: 'Seed provider', memberStatus: 'INVITED' },
    ],
    tags: { team: 'growth' },
  })]);
  const [collaboration] = collaborations;
  const [membership] = memberships;
  expect(collaboration.arn).toMatch(/^arn:aws:cleanrooms:us-east-1:123456789012:collaboration\/[0-9a-f-]{36}$/);
  expect(physicalId(result, 'Collaboration')).toBe(collaboration.id);
  expect(physicalId(result, 'Membership')).toBe(membership.id);
  expect(result.outputs).toEqual({
    CollaborationRef: collaboration.id,
    CollaborationArn: collaboration.arn,
    CollaborationId: collaboration.id,
    MembershipRef: membership.id,
    MembershipArn: membership.arn,
    MembershipId: membership.id,
    MembershipCollaborationArn: collaboration.arn,
    MembershipCreator: '123456789012',
  });

  const destroyed = await destroyStack({ stateFile: state });

  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(emulator.inventory()).toMatchObject({ collaborations: [], memberships: [] });
});

test('updates tags in place; a create-only change replaces the collaboration, and the membership with it', async () => {
  const state = stateFile();
  const first = await deployStack({
    assembly: synth((stack) => collaborationStack(stack, { tags: { team: 'growth', stage: 'dev' }, membershipTags: { a: '1' } })),
    stateFile: state,
    endpoint: emulator.endpoint,
  });

  const tagged = await deployStack({
    assembly: synth((stack) => collaborationStack(stack, { tags: { team: 'ads' }, membershipTags: { a: '2' } })),
    stateFile: state,
    endpoint: emulator.endpoint,
  });

  expect(tagged.status).toBe('UPDATE_COMPLETE');
  expect(physicalId(tagged, 'Collaboration')).toBe(physicalId(first, 'Collaboration'));
  expect(physicalId(tagged, 'Membership')).toBe(physicalId(first, 'Membership'));
  expect(emulator.inventory().collaborations.map((collaboration) => collaboration.tags)).toEqual([{ team: 'ads' }]);
  expect(emulator.inventory().memberships.map((membership) => membership.tags)).toEqual([{ a: '2' }]);

  // CreatorDisplayName is create-only in the type's schema.
  const replaced = await deployStack({
    assembly: synth((stack) => collaborationStack(stack, { creatorDisplayName: 'Owner', tags: { team: 'ads' }, membershipTags: { a: '2' } })),
    stateFile: state,
    endpoint: emulator.endpoint,
  });

  expect(replaced.status).toBe('UPDATE_COMPLETE');
  expect(physicalId(replaced, 'Collaboration')).not.toBe(physicalId(first, 'Collaboration'));
  expect(physicalId(replaced, 'Membership')).not.toBe(physicalId(first, 'Membership'));
  expect(emulator.inventory().collaborations.map((collaboration) => collaboration.id)).toEqual([physicalId(replaced, 'Collaboration')]);
  expect(emulator.inventory().memberships.map((membership) => membership.id)).toEqual([physicalId(replaced, 'Membership')]);
});

test('refuses an in-place change the emulator cannot make, naming the property, and rolls back', async () => {
  const state = stateFile();
  await deployStack({ assembly: synth((stack) => collaborationStack(stack)), stateFile: state, endpoint: emulator.endpoint });

  const renamed = await deployStack({ assembly: synth((stack) => collaborationStack(stack, { name: 'renamed' })), stateFile: state, endpoint: emulator.endpoint });

  expect(renamed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(renamed.failure).toEqual({
    logicalResourceId: 'Collaboration',
    resourceType: 'AWS::CleanRooms::Collaboration',
    reason: 'Collaboration (AWS::CleanRooms::Collaboration): Name cannot change in place on the local emulator, which does not serve UpdateCollaboration '
      + '(only Tags change in place; create-only properties replace the resource)',
  });
  expect(emulator.inventory().collaborations.map((collaboration) => collaboration.name)).toEqual(['lookalike']);
});

test('fails a membership the service refuses with its message, and the rollback deletes the collaboration', async () => {
  const state = stateFile();
  const assembly = synth((stack) => {
    const collaboration = new cleanrooms.CfnCollaboration(stack, 'Collaboration', {
      name: 'lookalike',
      description: 'd',
      creatorDisplayName: 'Owner',
      creatorMemberAbilities: [],
      queryLogStatus: 'DISABLED',
    });
    new cleanrooms.CfnMembership(stack, 'First', { collaborationIdentifier: collaboration.ref, queryLogStatus: 'DISABLED' });
    const second = new cleanrooms.CfnMembership(stack, 'Second', { collaborationIdentifier: collaboration.ref, queryLogStatus: 'DISABLED' });
    second.addDependency(stack.node.findChild('First') as cleanrooms.CfnMembership);
  });
  const events: DeploymentEvent[] = [];

  const result = await deployStack({ assembly, stateFile: state, endpoint: emulator.endpoint, onEvent: (event) => events.push(event) });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure).toMatchObject({ logicalResourceId: 'Second', resourceType: 'AWS::CleanRooms::Membership' });
  expect(result.failure?.reason).toMatch(/^Resource handler returned message: ".+" \(RequestToken: [0-9a-f-]{36}, HandlerErrorCode: AlreadyExists\)$/);
  expect(resourceEvents(events)).toContain('Collaboration DELETE_COMPLETE');
  expect(emulator.inventory()).toMatchObject({ collaborations: [], memberships: [] });
});

test('hands the functions the emulator\'s AWS Clean Rooms endpoint as AWS_ENDPOINT_URL_CLEANROOMS', async () => {
  const journal = join(temporaryDirectory(), 'journal.jsonl');
  const assembly = synth((stack) => {
    const reader = thing(stack, fixtureProvider(stack, { journal, isComplete: false }), 'A', { EchoEnv: 'AWS_ENDPOINT_URL_CLEANROOMS' });
    new CfnOutput(stack, 'CleanRoomsEndpoint', { value: reader.getAttString('Env') });
  });

  const result = await deployStack({ assembly, stateFile: stateFile(), endpoint: emulator.endpoint });

  expect(result.outputs.CleanRoomsEndpoint).toBe(emulator.cleanRoomsEndpoint);
  expect(emulator.cleanRoomsEndpoint).not.toBe(emulator.endpoint);
});
