/**
 * What the Clean Rooms ML operations ask of, and tell, the Clean Rooms side
 * through the CollaborationDirectory. The emulator's own directory comes
 * with its Clean Rooms endpoint; here a stand-in plays it, and the
 * operations run on a store directly.
 */
import { generationJobIn, OWNER, OWNER_CREDENTIALS, PARTNER, PARTNER_ACCOUNT, roleArn, trainingDatasetIn } from './two-accounts';
import { EmulatorAccounts } from '../../src/emulator/accounts';
import { audienceJobOperations } from '../../src/emulator/audience-jobs';
import { audienceModelOperations } from '../../src/emulator/audience-models';
import type { CollaborationDirectory } from '../../src/emulator/collaboration-directory';
import { configuredAudienceModelOperations } from '../../src/emulator/configured-audience-models';
import { DEFAULT_QUOTAS, OperationContext } from '../../src/emulator/operation';
import { DEFAULT_TIMINGS, Store } from '../../src/emulator/store';
import { trainingDatasetOperations } from '../../src/emulator/training-datasets';
import { COLLABORATION_ID, configuredAudienceModelInput } from '../fixtures/requests';

class StandInDirectory implements CollaborationDirectory {
  public readonly removed: string[] = [];

  constructor(private readonly activeMembers: readonly string[]) {}

  public isActiveMember(collaborationId: string, accountId: string): boolean {
    return collaborationId === COLLABORATION_ID && this.activeMembers.includes(accountId);
  }

  public associationsOf(): readonly string[] {
    return [];
  }

  public removeAssociationsOf(configuredAudienceModelArn: string): void {
    this.removed.push(configuredAudienceModelArn);
  }
}

const ops: Record<string, (input: any, context: OperationContext) => any> = {
  ...trainingDatasetOperations,
  ...audienceModelOperations,
  ...configuredAudienceModelOperations,
  ...audienceJobOperations,
} as any;

function setUp(directory: CollaborationDirectory) {
  const accounts = new EmulatorAccounts({ accountId: OWNER, credentials: OWNER_CREDENTIALS }, [PARTNER_ACCOUNT]);
  const store = new Store({ scope: { accountId: OWNER, region: 'us-east-1', partition: 'aws' }, accounts, timings: DEFAULT_TIMINGS });
  let now = Date.parse('2025-03-01T12:00:00Z');
  const as = (accountId: string): OperationContext => ({
    store,
    scope: { accountId, region: 'us-east-1', partition: 'aws' },
    collaborations: directory,
    quotas: DEFAULT_QUOTAS,
    now,
  });
  const { trainingDatasetArn } = ops.CreateTrainingDataset(trainingDatasetIn(OWNER, 'data'), as(OWNER));
  const { audienceModelArn } = ops.CreateAudienceModel({ name: 'model', trainingDatasetArn }, as(OWNER));
  now += 60_000;
  const { configuredAudienceModelArn } = ops.CreateConfiguredAudienceModel(configuredAudienceModelInput('configured', audienceModelArn, {
    outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/' } }, roleArn: roleArn(OWNER) },
  }), as(OWNER));
  ops.PutConfiguredAudienceModelPolicy({
    configuredAudienceModelArn,
    configuredAudienceModelPolicy: JSON.stringify({
      Statement: [{
        Sid: `Clean-Rooms-${COLLABORATION_ID}`,
        Effect: 'Allow',
        Principal: { AWS: [PARTNER] },
        Action: 'cleanrooms-ml:StartAudienceGenerationJob',
        Resource: [configuredAudienceModelArn, `arn:aws:cleanrooms-ml:us-east-1:${OWNER}:audience-generation-job/*`],
        Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': COLLABORATION_ID } },
      }],
    }),
  }, as(OWNER));
  return { store, as, configuredAudienceModelArn };
}

describe('the collaboration directory', () => {
  test('a job on another account\'s model in a collaboration both accounts are active in is started, with the collaboration id', () => {
    const { as, configuredAudienceModelArn } = setUp(new StandInDirectory([OWNER, PARTNER]));

    const { audienceGenerationJobArn } = ops.StartAudienceGenerationJob(
      generationJobIn(PARTNER, 'spring', configuredAudienceModelArn, { collaborationId: COLLABORATION_ID }), as(PARTNER));

    const ownerCopy = ops.ListAudienceGenerationJobs({ collaborationId: COLLABORATION_ID }, as(OWNER)).audienceGenerationJobs;
    expect(ownerCopy).toEqual([expect.objectContaining({ name: `${PARTNER}-spring`, collaborationId: COLLABORATION_ID, startedBy: PARTNER })]);
    expect(audienceGenerationJobArn).toContain(`:${PARTNER}:audience-generation-job/`);
  });

  test.each([
    ['the caller', [OWNER], PARTNER],
    ['the configured audience model\'s owner', [PARTNER], OWNER],
  ])('fails: %s not an active member of the collaboration', (role, active, missing) => {
    const { as, configuredAudienceModelArn } = setUp(new StandInDirectory(active));

    expect(() => ops.StartAudienceGenerationJob(
      generationJobIn(PARTNER, 'spring', configuredAudienceModelArn, { collaborationId: COLLABORATION_ID }), as(PARTNER),
    )).toThrow(`collaborationId ${COLLABORATION_ID}: account ${missing} (${role}) is not an active member of that collaboration`);
  });

  test('a configured audience model\'s delete tells the directory, which removes its associations', () => {
    const directory = new StandInDirectory([OWNER, PARTNER]);
    const { store, as, configuredAudienceModelArn } = setUp(directory);

    ops.DeleteConfiguredAudienceModel({ configuredAudienceModelArn }, as(OWNER));

    expect(directory.removed).toEqual([configuredAudienceModelArn]);
    expect(store.state.configuredAudienceModels[configuredAudienceModelArn]).toBeUndefined();
  });
});
