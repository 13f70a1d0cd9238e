/**
 * The two-account collaboration example (examples/collaboration) through its
 * whole lifecycle on one emulator holding both accounts, each stack deployed
 * by the local runner as its own account with the library's bundled
 * handlers: the model owner deploys (model, collaboration, membership,
 * association, whose managed policy statement lets the partner in); the
 * seed provider deploys (membership, SQL seed whose parameters come from the
 * stack's own secret, a generation job on the owner's model, an export);
 * the owner updates its association in place; both are destroyed, the seed
 * provider first, and neither account holds anything. Apart, on an emulator
 * of its own: a seed provider the owner's policy does not let in.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  CleanRoomsMlClient,
  CleanRoomsMlEmulator,
  deployStack,
  destroyStack,
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

/** One emulator holding both accounts, each account with its own deployment state, and the example app synthesized once. */
class TwoAccounts {
  public static async start(): Promise<TwoAccounts> {
    const outputDirectory = temporaryDirectory('audiences-');
    const emulator = await CleanRoomsMlEmulator.start({
      timings: FAST_TIMINGS,
      accountId: OWNER,
      credentials: OWNER_KEY,
      accounts: [{ accountId: PARTNER, credentials: PARTNER_KEY }],
      region: REGION,
      outputDirectory,
    });
    return new TwoAccounts(emulator, outputDirectory);
  }

  public readonly assembly = synthCollaboration();
  // Each account keeps its own deployment state, as two AWS accounts keep their own stacks.
  private readonly ownerState = join(temporaryDirectory(), 'model-owner.json');
  private readonly partnerState = join(temporaryDirectory(), 'seed-provider.json');
  private ownerOutputs: Readonly<Record<string, string>> = {};

  private constructor(public readonly emulator: CleanRoomsMlEmulator, public readonly outputDirectory: string) {}

  public async deployOwner(assembly = this.assembly): Promise<StackOperationResult> {
    const result = await deployStack({
      assembly, stackName: OWNER_STACK, stateFile: this.ownerState, endpoint: this.emulator.endpoint, credentials: OWNER_KEY, timeScale: TIME_SCALE,
    });
    this.ownerOutputs = result.outputs;
    return result;
  }

  /** The seed provider's stack, with the owner's outputs as its parameters. */
  public deployPartner(): Promise<StackOperationResult> {
    return deployStack({
      assembly: this.assembly,
      stackName: PARTNER_STACK,
      stateFile: this.partnerState,
      endpoint: this.emulator.endpoint,
      credentials: PARTNER_KEY,
      timeScale: TIME_SCALE,
      parameters: {
        [ModelOwnerOutput.COLLABORATION_ID]: this.ownerOutputs[ModelOwnerOutput.COLLABORATION_ID],
        [ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN]: this.ownerOutputs[ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN],
      },
    });
  }

  public destroyPartner(): Promise<StackOperationResult> {
    return this.destroy(PARTNER_STACK, this.partnerState, PARTNER_KEY);
  }

  public destroyOwner(): Promise<StackOperationResult> {
    return this.destroy(OWNER_STACK, this.ownerState, OWNER_KEY);
  }

  private destroy(stackName: string, stateFile: string, credentials: typeof OWNER_KEY): Promise<StackOperationResult> {
    return destroyStack({ stackName, stateFile, endpoint: this.emulator.endpoint, credentials, timeScale: TIME_SCALE });
  }

  public ownerClient(): CleanRoomsMlClient {
    return new CleanRoomsMlClient({ endpoint: this.emulator.endpoint, region: REGION, credentials: OWNER_KEY });
  }

  /** What the emulator holds in one account: Clean Rooms ML resources, Clean Rooms collaborations, memberships and associations. */
  public heldIn(accountId: string): string[] {
    const inventory = this.emulator.inventory();
    const inAccount = (arn: string) => arn.split(':')[4] === accountId;
    return [
      ...heldResources(inventory).filter((item) => inAccount(item.id)).map((item) => `${item.kind} ${item.name}`),
      ...inventory.collaborations.filter((item) => item.creatorAccountId === accountId).map((item) => `collaboration ${item.name}`),
      ...inventory.memberships.filter((item) => inAccount(item.arn)).map((item) => `membership ${item.id}`),
      ...inventory.configuredAudienceModelAssociations.filter((item) => inAccount(item.arn)).map((item) => `association ${item.name}`),
    ];
  }
}

describe('the two-account collaboration example on one emulator', () => {
  let accounts: TwoAccounts;
  let owner: StackOperationResult;

  beforeAll(async () => {
    accounts = await TwoAccounts.start();
  });

  afterAll(async () => {
    await accounts.emulator.stop();
  });

  test('the model owner deploys: collaboration, membership and association in its account, the partner let in for this collaboration only', async () => {
    owner = await accounts.deployOwner();

    expect(owner.failure).toBeUndefined();
    expect(owner.status).toBe('CREATE_COMPLETE');
    const inventory = accounts.emulator.inventory();
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
    expect(accounts.heldIn(PARTNER)).toEqual([]);
  });

  test('the seed provider deploys: its job runs on the owner\'s model with an ARN in each account, and its export is written', async () => {
    const partner = await accounts.deployPartner();

    expect(partner.failure).toBeUndefined();
    expect(partner.status).toBe('CREATE_COMPLETE');
    const jobArn = partner.resources.find((resource) => resource.resourceType === 'Custom::CleanRoomsMLAudienceGenerationJob')!.physicalResourceId;
    expect(jobArn.split(':')[4]).toBe(PARTNER);
    const jobs = accounts.emulator.inventory().audienceGenerationJobs;
    const partnersCopy = jobs.find((job) => job.audienceGenerationJobArn === jobArn)!;
    const ownersCopy = jobs.find((job) => job.audienceGenerationJobArn === jobArn.replace(`:${PARTNER}:`, `:${OWNER}:`))!;
    expect(partnersCopy).toMatchObject({ status: 'ACTIVE', collaborationId: owner.outputs[ModelOwnerOutput.COLLABORATION_ID], startedBy: PARTNER });
    expect(ownersCopy).toMatchObject({ name: `${PARTNER}-${partnersCopy.name}`, startedBy: PARTNER });
    // The SQL seed's parameters came from the stack's own secret, through the runner.
    expect(partnersCopy.seedAudience?.sqlParameters?.parameters).toEqual({ segment: 'gold', since: '2026-01-01' });
    expect(ownersCopy.seedAudience).toBeUndefined();
    expect(readdirSync(accounts.outputDirectory, { recursive: true }).some((file) => String(file).endsWith('audience.jsonl'))).toBe(true);
  });

  test('the owner\'s association description changes in place: same association, same policy', async () => {
    const before = accounts.emulator.inventory();
    const updated = await accounts.deployOwner(synthCollaboration(NEW_DESCRIPTION));

    expect(updated.failure).toBeUndefined();
    expect(updated.status).toBe('UPDATE_COMPLETE');
    const after = accounts.emulator.inventory();
    expect(after.configuredAudienceModelAssociations).toEqual([expect.objectContaining({
      arn: before.configuredAudienceModelAssociations[0].arn,
      description: NEW_DESCRIPTION,
    })]);
    expect(after.configuredAudienceModels[0].policy).toEqual(before.configuredAudienceModels[0].policy);
  });

  test('destroyed seed provider first, then the owner: nothing left in either account', async () => {
    const partner = await accounts.destroyPartner();
    expect(partner.status).toBe('DELETE_COMPLETE');
    expect(accounts.heldIn(PARTNER)).toEqual([]);

    const destroyed = await accounts.destroyOwner();
    expect(destroyed.failure).toBeUndefined();
    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(accounts.heldIn(OWNER)).toEqual([]);
  });
});

describe('a seed provider the owner\'s policy does not let in', () => {
  let accounts: TwoAccounts;

  beforeAll(async () => {
    accounts = await TwoAccounts.start();
  });

  afterAll(async () => {
    await accounts.emulator.stop();
  });

  test('fails with AccessDeniedException, rolls back leaving nothing in its account, and has left the collaboration for good', async () => {
    const owner = await accounts.deployOwner();
    expect(owner.status).toBe('CREATE_COMPLETE');
    const client = accounts.ownerClient();
    const configuredAudienceModelArn = owner.outputs[ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN];
    await client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
    client.destroy();

    const refused = await accounts.deployPartner();

    expect(refused.success).toBe(false);
    expect(refused.status).toBe('ROLLBACK_COMPLETE');
    expect(refused.failure?.logicalResourceId).toMatch(/^Lookalikes/);
    expect(refused.failure?.reason).toMatch(/AccessDeniedException/);
    expect(refused.failure?.reason).toContain(configuredAudienceModelArn);
    expect(accounts.heldIn(PARTNER)).toEqual([]);
    // The rollback deleted the partner's membership, and an account that
    // deletes its membership leaves the collaboration and cannot re-join it
    // (https://docs.aws.amazon.com/clean-rooms/latest/userguide/leave-collab.html).
    const collaboration = accounts.emulator.inventory().collaborations[0];
    expect(collaboration.members).toContainEqual(expect.objectContaining({ accountId: PARTNER, memberStatus: 'LEFT' }));

    expect((await accounts.destroyPartner()).status).toBe('DELETE_COMPLETE');
    expect((await accounts.destroyOwner()).status).toBe('DELETE_COMPLETE');
    expect(accounts.heldIn(OWNER)).toEqual([]);
  });
});

describe('the model owner destroyed before the seed provider', () => {
  let accounts: TwoAccounts;

  beforeAll(async () => {
    accounts = await TwoAccounts.start();
  });

  afterAll(async () => {
    await accounts.emulator.stop();
  });

  test('fails on the configured model the partner\'s job still uses, naming the job; destroyed partner first, the owner then goes', async () => {
    expect((await accounts.deployOwner()).status).toBe('CREATE_COMPLETE');
    const partner = await accounts.deployPartner();
    expect(partner.status).toBe('CREATE_COMPLETE');
    const jobArn = partner.resources.find((resource) => resource.resourceType === 'Custom::CleanRoomsMLAudienceGenerationJob')!.physicalResourceId;

    const refused = await accounts.destroyOwner();

    expect(refused.status).toBe('DELETE_FAILED');
    expect(refused.failure).toMatchObject({ resourceType: 'Custom::CleanRoomsMLConfiguredAudienceModel' });
    expect(refused.failure?.reason).toContain('while an audience generation job uses it');
    // It names the job and the account whose stack holds it.
    expect(refused.failure?.reason).toContain(`audience generation job of account ${PARTNER} ${jobArn}`);

    expect((await accounts.destroyPartner()).status).toBe('DELETE_COMPLETE');
    expect((await accounts.destroyOwner()).status).toBe('DELETE_COMPLETE');
    expect(accounts.heldIn(PARTNER)).toEqual([]);
    expect(accounts.heldIn(OWNER)).toEqual([]);
  });
});
