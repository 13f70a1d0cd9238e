/**
 * The two-account collaboration example (examples/collaboration) through its
 * whole lifecycle on one emulator holding both accounts, each stack deployed
 * by the local runner as its own account with the library's bundled
 * handlers: the model owner deploys (model, collaboration, membership,
 * association, whose managed policy statement lets the partner in); a seed
 * provider the policy does not let in fails and leaves nothing behind; the
 * seed provider deploys (membership, SQL seed whose parameters come from the
 * stack's own secret, a generation job on the owner's model, an export);
 * the owner updates its association in place; both are destroyed, the seed
 * provider first, and neither account holds anything.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  CleanRoomsMlClient,
  CleanRoomsMlEmulator,
  deployStack,
  destroyStack,
  DeployOptions,
  StackOperationResult,
} from 'cdk-cleanrooms-ml-local';
import { MODEL_OWNER_ENV, REGION, SEED_PROVIDER_ENV } from '../../examples/collaboration/accounts';
import { ModelOwnerOutput, ModelOwnerStack } from '../../examples/collaboration/model-owner-stack';
import { SeedProviderStack } from '../../examples/collaboration/seed-provider-stack';
import { FAST_TIMINGS, heldResources, TIME_SCALE } from '../support/pipeline-stacks';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

afterAll(removeTemporaryDirectories);

const OWNER = MODEL_OWNER_ENV.account;
const PARTNER = SEED_PROVIDER_ENV.account;
const OWNER_KEY = { accessKeyId: 'model-owner-key', secretAccessKey: 'model-owner-secret' };
const PARTNER_KEY = { accessKeyId: 'seed-provider-key', secretAccessKey: 'seed-provider-secret' };
const OWNER_STACK = 'CollaborationModelOwner';
const PARTNER_STACK = 'CollaborationSeedProvider';
const NEW_DESCRIPTION = 'The retailer\'s lookalike model, retrained monthly, for the media partner\'s seeds';

/** The example app (both stacks), with the owner's association description changed when given. */
function synthCollaboration(associationDescription?: string): string {
  const outdir = temporaryDirectory('cdk-out-');
  const app = new App({ outdir });
  new ModelOwnerStack(app, OWNER_STACK, { env: MODEL_OWNER_ENV, seedProviderAccountId: PARTNER, associationDescription });
  new SeedProviderStack(app, PARTNER_STACK, { env: SEED_PROVIDER_ENV });
  app.synth();
  return outdir;
}

/** What the emulator holds in one account: Clean Rooms ML resources and Clean Rooms memberships and associations. */
function heldIn(emulator: CleanRoomsMlEmulator, accountId: string): string[] {
  const inventory = emulator.inventory();
  const inAccount = (arn: string) => arn.split(':')[4] === accountId;
  return [
    ...heldResources(inventory).filter((item) => inAccount(item.id)).map((item) => `${item.kind} ${item.name}`),
    ...inventory.collaborations.filter((item) => item.creatorAccountId === accountId).map((item) => `collaboration ${item.name}`),
    ...inventory.memberships.filter((item) => inAccount(item.arn)).map((item) => `membership ${item.id}`),
    ...inventory.configuredAudienceModelAssociations.filter((item) => inAccount(item.arn)).map((item) => `association ${item.name}`),
  ];
}

describe('the two-account collaboration example on one emulator', () => {
  let emulator: CleanRoomsMlEmulator;
  let outputDirectory: string;
  let ownerState: string;
  let partnerState: string;
  let assembly: string;
  let owner: StackOperationResult;

  beforeAll(async () => {
    outputDirectory = temporaryDirectory('audiences-');
    emulator = await CleanRoomsMlEmulator.start({
      timings: FAST_TIMINGS,
      accountId: OWNER,
      credentials: OWNER_KEY,
      accounts: [{ accountId: PARTNER, credentials: PARTNER_KEY }],
      region: REGION,
      outputDirectory,
    });
    // Each account keeps its own deployment state, as two AWS accounts keep their own stacks.
    ownerState = join(temporaryDirectory(), 'model-owner.json');
    partnerState = join(temporaryDirectory(), 'seed-provider.json');
    assembly = synthCollaboration();
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const asOwner = (options: Partial<DeployOptions> = {}): Promise<StackOperationResult> => deployStack({
    assembly, stackName: OWNER_STACK, stateFile: ownerState, endpoint: emulator.endpoint, credentials: OWNER_KEY, timeScale: TIME_SCALE, ...options,
  });
  const asPartner = (): Promise<StackOperationResult> => deployStack({
    assembly,
    stackName: PARTNER_STACK,
    stateFile: partnerState,
    endpoint: emulator.endpoint,
    credentials: PARTNER_KEY,
    timeScale: TIME_SCALE,
    parameters: {
      [ModelOwnerOutput.COLLABORATION_ID]: owner.outputs[ModelOwnerOutput.COLLABORATION_ID],
      [ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN]: owner.outputs[ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN],
    },
  });
  const ownerClient = (): CleanRoomsMlClient => new CleanRoomsMlClient({ endpoint: emulator.endpoint, region: REGION, credentials: OWNER_KEY });

  test('the model owner deploys: collaboration, membership and association in its account, the partner let in for this collaboration only', async () => {
    owner = await asOwner();

    expect(owner.failure).toBeUndefined();
    expect(owner.status).toBe('CREATE_COMPLETE');
    const inventory = emulator.inventory();
    const collaborationId = owner.outputs[ModelOwnerOutput.COLLABORATION_ID];
    expect(inventory.collaborations).toEqual([expect.objectContaining({ id: collaborationId, creatorAccountId: OWNER })]);
    expect(inventory.configuredAudienceModelAssociations).toEqual([expect.objectContaining({
      arn: owner.outputs[ModelOwnerOutput.ASSOCIATION_ARN],
      configuredAudienceModelArn: owner.outputs[ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN],
      collaborationId,
      manageResourcePolicies: true,
    })]);
    const policy = JSON.parse(inventory.configuredAudienceModels[0].policy!.configuredAudienceModelPolicy);
    expect(policy.Statement).toEqual([expect.objectContaining({
      Effect: 'Allow',
      Principal: { AWS: [PARTNER] },
      Action: 'cleanrooms-ml:StartAudienceGenerationJob',
      Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': collaborationId } },
    })]);
    expect(heldIn(emulator, PARTNER)).toEqual([]);
  });

  test('a seed provider the owner\'s policy does not let in fails with AccessDeniedException and leaves nothing in its account', async () => {
    const client = ownerClient();
    const configuredAudienceModelArn = owner.outputs[ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN];
    const managed = await client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
    await client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
    try {
      const refused = await asPartner();

      expect(refused.success).toBe(false);
      expect(refused.status).toBe('ROLLBACK_COMPLETE');
      expect(refused.failure?.logicalResourceId).toMatch(/^Lookalikes/);
      expect(refused.failure?.reason).toMatch(/AccessDeniedException/);
      expect(refused.failure?.reason).toContain(configuredAudienceModelArn);
      expect(heldIn(emulator, PARTNER)).toEqual([]);
      const cleared = await destroyStack({ stackName: PARTNER_STACK, stateFile: partnerState, endpoint: emulator.endpoint, credentials: PARTNER_KEY, timeScale: TIME_SCALE });
      expect(cleared.status).toBe('DELETE_COMPLETE');
    } finally {
      await client.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn, configuredAudienceModelPolicy: managed.configuredAudienceModelPolicy });
      client.destroy();
    }
  });

  test('the seed provider deploys: its job runs on the owner\'s model with an ARN in each account, and its export is written', async () => {
    const partner = await asPartner();

    expect(partner.failure).toBeUndefined();
    expect(partner.status).toBe('CREATE_COMPLETE');
    const jobArn = partner.resources.find((resource) => resource.resourceType === 'Custom::CleanRoomsMLAudienceGenerationJob')!.physicalResourceId;
    expect(jobArn.split(':')[4]).toBe(PARTNER);
    const jobs = emulator.inventory().audienceGenerationJobs;
    const partnersCopy = jobs.find((job) => job.audienceGenerationJobArn === jobArn)!;
    const ownersCopy = jobs.find((job) => job.audienceGenerationJobArn === jobArn.replace(`:${PARTNER}:`, `:${OWNER}:`))!;
    expect(partnersCopy).toMatchObject({ status: 'ACTIVE', collaborationId: owner.outputs[ModelOwnerOutput.COLLABORATION_ID], startedBy: PARTNER });
    expect(ownersCopy).toMatchObject({ name: `${PARTNER}-${partnersCopy.name}`, startedBy: PARTNER });
    // The SQL seed's parameters came from the stack's own secret, through the runner.
    expect(partnersCopy.seedAudience?.sqlParameters?.parameters).toEqual({ segment: 'gold', since: '2026-01-01' });
    expect(ownersCopy.seedAudience).toBeUndefined();
    expect(readdirSync(outputDirectory, { recursive: true }).some((file) => String(file).endsWith('audience.jsonl'))).toBe(true);
  });

  test('the owner\'s association description changes in place: same association, same policy', async () => {
    const before = emulator.inventory();
    const updated = await asOwner({ assembly: synthCollaboration(NEW_DESCRIPTION) });

    expect(updated.failure).toBeUndefined();
    expect(updated.status).toBe('UPDATE_COMPLETE');
    const after = emulator.inventory();
    expect(after.configuredAudienceModelAssociations).toEqual([expect.objectContaining({
      arn: before.configuredAudienceModelAssociations[0].arn,
      description: NEW_DESCRIPTION,
    })]);
    expect(after.configuredAudienceModels[0].policy).toEqual(before.configuredAudienceModels[0].policy);
  });

  test('destroyed seed provider first, then the owner: nothing left in either account', async () => {
    const partner = await destroyStack({ stackName: PARTNER_STACK, stateFile: partnerState, endpoint: emulator.endpoint, credentials: PARTNER_KEY, timeScale: TIME_SCALE });
    expect(partner.status).toBe('DELETE_COMPLETE');
    expect(heldIn(emulator, PARTNER)).toEqual([]);

    const destroyed = await destroyStack({ stackName: OWNER_STACK, stateFile: ownerState, endpoint: emulator.endpoint, credentials: OWNER_KEY, timeScale: TIME_SCALE });
    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(heldIn(emulator, OWNER)).toEqual([]);
    expect(existsSync(outputDirectory)).toBe(true);
  });
});
