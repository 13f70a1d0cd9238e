/**
 * AWS Clean Rooms across accounts on one emulator: the model owner creates
 * the collaboration and associates its configured model; the partner it
 * invited joins; the Clean Rooms ML side asks the Clean Rooms side who is an
 * active member and what is associated.
 */
import { CleanRooms } from '@aws-sdk/client-cleanrooms';
import { cleanRoomsClient, collaborationInput, sdkError } from './fixtures';
import type { CleanRoomsMlClient } from '../../../src/client';
import { CleanRoomsMlEmulator } from '../../../src/emulator';
import { StoreCollaborationDirectory } from '../../../src/emulator/clean-rooms/directory';
import type { Store } from '../../../src/emulator/store';
import { ManualClock, ONE_SECOND_PHASES } from '../helpers';
import { client, configuredModelIn, OWNER, OWNER_CREDENTIALS, PARTNER, PARTNER_ACCOUNT, PARTNER_CREDENTIALS } from '../two-accounts';

const OUTSIDER = { accountId: '333344445555', credentials: { accessKeyId: 'AKIAOUTSIDER', secretAccessKey: 'outsider-secret' } };

let emulator: CleanRoomsMlEmulator;
let clock: ManualClock;
let owner: CleanRooms;
let partner: CleanRooms;
let ownerMl: CleanRoomsMlClient;
let partnerMl: CleanRoomsMlClient;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await CleanRoomsMlEmulator.start({ timings: ONE_SECOND_PHASES, clock: clock.now, accounts: [PARTNER_ACCOUNT, OUTSIDER] });
  owner = cleanRoomsClient(emulator, OWNER_CREDENTIALS);
  partner = cleanRoomsClient(emulator, PARTNER_CREDENTIALS);
  ownerMl = client(emulator, OWNER_CREDENTIALS);
  partnerMl = client(emulator, PARTNER_CREDENTIALS);
});

afterEach(async () => {
  [owner, partner, ownerMl, partnerMl].forEach((each) => each.destroy());
  await emulator.stop();
});

async function collaborationWithBothMembers() {
  const { collaboration } = await owner.createCollaboration(collaborationInput('Owner and partner', [PARTNER]));
  const { membership: ownerMembership } = await owner.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });
  const { membership: partnerMembership } = await partner.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });
  return { collaborationId: collaboration!.id!, ownerMembershipId: ownerMembership!.id!, partnerMembershipId: partnerMembership!.id! };
}

test('an invited account joins; each sees its own member status and membership, and only its own', async () => {
  const { collaboration } = await owner.createCollaboration(collaborationInput('Owner and partner', [PARTNER]));

  expect((await partner.getCollaboration({ collaborationIdentifier: collaboration!.id })).collaboration)
    .toMatchObject({ creatorAccountId: OWNER, memberStatus: 'INVITED' });
  expect((await partner.listCollaborations({ memberStatus: 'INVITED' })).collaborationList!.map((summary) => summary.id)).toEqual([collaboration!.id]);

  const { membership } = await partner.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });

  expect(membership!.arn).toBe(`arn:aws:cleanrooms:us-east-1:${PARTNER}:membership/${membership!.id}`);
  expect((await partner.getCollaboration({ collaborationIdentifier: collaboration!.id })).collaboration)
    .toMatchObject({ memberStatus: 'ACTIVE', membershipId: membership!.id });
  expect((await owner.getCollaboration({ collaborationIdentifier: collaboration!.id })).collaboration!.memberStatus).toBe('INVITED');
  expect(await sdkError(owner.getMembership({ membershipIdentifier: membership!.id })))
    .toMatchObject({ name: 'ResourceNotFoundException', members: { resourceType: 'MEMBERSHIP' } });
});

test('an account the collaboration does not list can neither see it nor join it', async () => {
  const outsider = cleanRoomsClient(emulator, OUTSIDER.credentials);
  const { collaboration } = await owner.createCollaboration(collaborationInput('Owner and partner', [PARTNER]));

  expect(await sdkError(outsider.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' })))
    .toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404, members: { resourceType: 'COLLABORATION' } });
  expect((await outsider.listCollaborations({})).collaborationList).toEqual([]);
  outsider.destroy();
});

test('only the creator deletes the collaboration', async () => {
  const { collaborationId } = await collaborationWithBothMembers();

  const error = await sdkError(partner.deleteCollaboration({ collaborationIdentifier: collaborationId }));

  expect(error).toMatchObject({ name: 'AccessDeniedException', statusCode: 403, members: { reason: 'INSUFFICIENT_PERMISSIONS' } });
  expect(error.message).toContain(`only its creator, account ${OWNER}`);
});

test('the partner cannot associate the owner\'s configured model through its own membership', async () => {
  const { partnerMembershipId } = await collaborationWithBothMembers();
  const configuredAudienceModelArn = await configuredModelIn(OWNER, ownerMl, 'owner', () => clock.advance(5_000));

  const error = await sdkError(partner.createConfiguredAudienceModelAssociation({
    membershipIdentifier: partnerMembershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Borrowed', manageResourcePolicies: true,
  }));

  expect(error).toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404 });
  expect(error.message).toContain(`is not in the caller's account ${PARTNER}`);
});

test('the Clean Rooms ML side sees both accounts active in the collaboration; deleting the model removes its association', async () => {
  const { collaborationId, ownerMembershipId } = await collaborationWithBothMembers();
  const configuredAudienceModelArn = await configuredModelIn(OWNER, ownerMl, 'owner', () => clock.advance(5_000));
  await owner.createConfiguredAudienceModelAssociation({
    membershipIdentifier: ownerMembershipId, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Shared', manageResourcePolicies: true,
  });
  const directory = new StoreCollaborationDirectory((emulator as unknown as { store: Store }).store);

  expect([OWNER, PARTNER, OUTSIDER.accountId].map((accountId) => directory.isActiveMember(collaborationId, accountId))).toEqual([true, true, false]);
  expect(directory.associationsOf(configuredAudienceModelArn)).toEqual([emulator.inventory().configuredAudienceModelAssociations[0].arn]);

  await ownerMl.deleteConfiguredAudienceModel({ configuredAudienceModelArn });

  expect(emulator.inventory().configuredAudienceModelAssociations).toEqual([]);
  expect((await owner.listConfiguredAudienceModelAssociations({ membershipIdentifier: ownerMembershipId }))
    .configuredAudienceModelAssociationSummaries).toEqual([]);
});
