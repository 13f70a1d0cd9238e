/**
 * StartAudienceGenerationJob by a partner account on the owner's configured
 * audience model, through the project's client against one emulator with
 * both accounts: what the owner's resource policy allows and refuses, and
 * the job's two copies (one id, an ARN in each account).
 */
import { INSTANT } from './helpers';
import {
  client,
  configuredModelIn,
  generationJobIn,
  OWNER,
  OWNER_CREDENTIALS,
  PARTNER,
  PARTNER_ACCOUNT,
  PARTNER_CREDENTIALS,
} from './two-accounts';
import type { CleanRoomsMlClient } from '../../src/client';
import { CleanRoomsMlEmulator, ManualClock } from '../../src/emulator';
import { caught } from '../client/emulator-fixtures';
import { COLLABORATION_ID, OTHER_COLLABORATION_ID } from '../fixtures/requests';

const OWNER_JOBS = `arn:aws:cleanrooms-ml:us-east-1:${OWNER}:audience-generation-job/*`;

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The statement the ml-behaviors page shows, without its collaboration condition unless one is given. */
function allowPartner(configuredAudienceModelArn: string, overrides: object = {}): object {
  return {
    Sid: 'Clean-Rooms-test',
    Effect: 'Allow',
    Principal: { AWS: [PARTNER] },
    Action: ['cleanrooms-ml:StartAudienceGenerationJob'],
    Resource: [configuredAudienceModelArn, OWNER_JOBS],
    ...overrides,
  };
}

const jobId = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

describe('cross-account audience generation jobs', () => {
  const clock = new ManualClock();
  let emulator: CleanRoomsMlEmulator;
  let owner: CleanRoomsMlClient;
  let partner: CleanRoomsMlClient;
  let model: string;

  const settle = (): void => clock.advance(10);
  const allow = async (...statements: object[]): Promise<void> => {
    await owner.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn: model, configuredAudienceModelPolicy: policy(...statements) });
  };

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], timings: INSTANT, clock: clock.now });
    owner = client(emulator, OWNER_CREDENTIALS);
    partner = client(emulator, PARTNER_CREDENTIALS);
  });
  beforeEach(async () => {
    emulator.reset();
    model = await configuredModelIn(OWNER, owner, 'owner', settle);
  });
  afterAll(async () => {
    owner.destroy();
    partner.destroy();
    await emulator.stop();
  });

  describe('allowed by the owner\'s resource policy', () => {
    test('the job gets an ARN in each account with one id; the owner lists its copy as <partner>-<name>, without the seed', async () => {
      await allow(allowPartner(model));

      const { audienceGenerationJobArn } = await partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'spring', model));
      settle();

      expect(audienceGenerationJobArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:us-east-1:${PARTNER}:audience-generation-job/`));
      const ownerCopyArn = `arn:aws:cleanrooms-ml:us-east-1:${OWNER}:audience-generation-job/${jobId(audienceGenerationJobArn)}`;
      const { audienceGenerationJobs: ownerList } = await owner.listAudienceGenerationJobs();
      expect(ownerList).toEqual([expect.objectContaining({
        audienceGenerationJobArn: ownerCopyArn,
        name: `${PARTNER}-spring`,
        startedBy: PARTNER,
        configuredAudienceModelArn: model,
        status: 'ACTIVE',
      })]);
      const { audienceGenerationJobs: partnerList } = await partner.listAudienceGenerationJobs();
      expect(partnerList).toEqual([expect.objectContaining({ audienceGenerationJobArn, name: 'spring', startedBy: PARTNER, status: 'ACTIVE' })]);

      const ownerCopy = await owner.getAudienceGenerationJob({ audienceGenerationJobArn: ownerCopyArn });
      const partnerCopy = await partner.getAudienceGenerationJob({ audienceGenerationJobArn });
      expect(ownerCopy.seedAudience).toBeUndefined();
      expect(partnerCopy.seedAudience).toEqual(generationJobIn(PARTNER, 'spring', model).seedAudience);
      // One execution: both copies report the same results.
      expect(ownerCopy.metrics).toEqual(partnerCopy.metrics);
      expect(partnerCopy.metrics?.relevanceMetrics.length).toBeGreaterThan(0);
    });

    test.each<[string, (configuredAudienceModelArn: string) => object]>([
      ['the partner\'s root ARN as principal', () => ({ Principal: { AWS: `arn:aws:iam::${PARTNER}:root` } })],
      ['any principal', () => ({ Principal: '*' })],
      ['every action of the service', () => ({ Action: 'cleanrooms-ml:*' })],
      ['the action written in another case', () => ({ Action: 'CleanRooms-ML:startaudiencegenerationjob' })],
      ['wildcard resources', () => ({ Resource: `arn:aws:cleanrooms-ml:us-east-1:${OWNER}:*` })],
      ['a ? wildcard in the resource', (arn) => ({ Resource: [arn.replace(/.$/, '?'), OWNER_JOBS] })],
    ])('a statement with %s allows it', async (_case, overrides) => {
      await allow(allowPartner(model, overrides(model)));

      await expect(partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'allowed', model))).resolves.toBeDefined();
    });

    test('each account reaches the job through its own ARN only, and a delete through either ARN deletes it for both', async () => {
      await allow(allowPartner(model));
      const { audienceGenerationJobArn: partnerCopyArn } = await partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'spring', model));
      const ownerCopyArn = partnerCopyArn.replace(`:${PARTNER}:`, `:${OWNER}:`);
      settle();

      expect(await caught(owner.getAudienceGenerationJob({ audienceGenerationJobArn: partnerCopyArn }))).toMatchObject({ name: 'ResourceNotFoundException' });
      expect(await caught(partner.getAudienceGenerationJob({ audienceGenerationJobArn: ownerCopyArn }))).toMatchObject({ name: 'ResourceNotFoundException' });
      expect(await caught(partner.deleteAudienceGenerationJob({ audienceGenerationJobArn: ownerCopyArn }))).toMatchObject({ name: 'ResourceNotFoundException' });

      await partner.deleteAudienceGenerationJob({ audienceGenerationJobArn: partnerCopyArn });
      settle();

      expect(await caught(partner.getAudienceGenerationJob({ audienceGenerationJobArn: partnerCopyArn }))).toMatchObject({ name: 'ResourceNotFoundException' });
      expect(await caught(owner.getAudienceGenerationJob({ audienceGenerationJobArn: ownerCopyArn }))).toMatchObject({ name: 'ResourceNotFoundException' });
      expect((await owner.listAudienceGenerationJobs()).audienceGenerationJobs).toEqual([]);

      // The owner may delete it as well.
      const { audienceGenerationJobArn: again } = await partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'summer', model));
      settle();
      await owner.deleteAudienceGenerationJob({ audienceGenerationJobArn: again.replace(`:${PARTNER}:`, `:${OWNER}:`) });
      settle();
      expect((await partner.listAudienceGenerationJobs()).audienceGenerationJobs).toEqual([]);
    });

    test('each account exports its own copy, and sees only its own exports', async () => {
      await allow(allowPartner(model));
      const { audienceGenerationJobArn: partnerCopyArn } = await partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'spring', model));
      const ownerCopyArn = partnerCopyArn.replace(`:${PARTNER}:`, `:${OWNER}:`);
      settle();

      await partner.startAudienceExportJob({ name: 'partner-export', audienceGenerationJobArn: partnerCopyArn, audienceSize: { type: 'ABSOLUTE', value: 10_000 } });
      await owner.startAudienceExportJob({ name: 'owner-export', audienceGenerationJobArn: ownerCopyArn, audienceSize: { type: 'ABSOLUTE', value: 10_000 } });
      expect(await caught(partner.startAudienceExportJob({
        name: 'on-the-owners-copy',
        audienceGenerationJobArn: ownerCopyArn,
        audienceSize: { type: 'ABSOLUTE', value: 10_000 },
      }))).toMatchObject({ name: 'ResourceNotFoundException' });

      expect((await partner.listAudienceExportJobs()).audienceExportJobs.map((job) => job.name)).toEqual(['partner-export']);
      expect((await owner.listAudienceExportJobs()).audienceExportJobs.map((job) => job.name)).toEqual(['owner-export']);
    });

    test('tags: the partner\'s copy has the request\'s, the owner\'s copy the configured model\'s (FROM_PARENT_RESOURCE), never the other account\'s', async () => {
      const tagged = await configuredModelIn(OWNER, owner, 'tagged', settle, {
        tags: { team: 'owner-analytics' },
        childResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
      });
      await owner.putConfiguredAudienceModelPolicy({
        configuredAudienceModelArn: tagged,
        configuredAudienceModelPolicy: policy(allowPartner(tagged)),
      });

      const { audienceGenerationJobArn } = await partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'spring', tagged, { tags: { campaign: 'spring' } }));

      expect((await partner.listTagsForResource({ resourceArn: audienceGenerationJobArn })).tags).toEqual({ campaign: 'spring' });
      const ownerCopyArn = audienceGenerationJobArn.replace(`:${PARTNER}:`, `:${OWNER}:`);
      expect((await owner.listTagsForResource({ resourceArn: ownerCopyArn })).tags).toEqual({ team: 'owner-analytics' });
    });

    test('a failure asked for by the request\'s tags fails the one execution: both copies', async () => {
      await allow(allowPartner(model));

      const { audienceGenerationJobArn } = await partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'doomed', model, {
        tags: { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'seed too small' },
      }));
      settle();

      const ownerCopyArn = audienceGenerationJobArn.replace(`:${PARTNER}:`, `:${OWNER}:`);
      for (const [caller, arn] of [[partner, audienceGenerationJobArn], [owner, ownerCopyArn]] as const) {
        expect(await caller.getAudienceGenerationJob({ audienceGenerationJobArn: arn }))
          .toMatchObject({ status: 'CREATE_FAILED', statusDetails: { message: 'seed too small' } });
      }
    });

    test('quotas count against the account that starts jobs: the owner\'s copies do not take from the owner\'s', async () => {
      const limited = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], quotas: { audienceGenerationJobs: 1 }, clock: clock.now });
      const limitedOwner = client(limited, OWNER_CREDENTIALS);
      const limitedPartner = client(limited, PARTNER_CREDENTIALS);
      try {
        const limitedModel = await configuredModelIn(OWNER, limitedOwner, 'owner', () => clock.advance(60_000));
        await limitedOwner.putConfiguredAudienceModelPolicy({
          configuredAudienceModelArn: limitedModel,
          configuredAudienceModelPolicy: policy(allowPartner(limitedModel)),
        });

        await limitedPartner.startAudienceGenerationJob(generationJobIn(PARTNER, 'partner-first', limitedModel));

        await expect(limitedOwner.startAudienceGenerationJob(generationJobIn(OWNER, 'owner-first', limitedModel))).resolves.toBeDefined();
        expect(await caught(limitedPartner.startAudienceGenerationJob(generationJobIn(PARTNER, 'partner-second', limitedModel))))
          .toMatchObject({ name: 'ServiceQuotaExceededException' });
      } finally {
        limitedOwner.destroy();
        limitedPartner.destroy();
        await limited.stop();
      }
    });

    test('fails: the owner\'s copy name taken in the owner\'s account (a job of the owner\'s own) is a conflict', async () => {
      await allow(allowPartner(model));
      await owner.startAudienceGenerationJob(generationJobIn(OWNER, `${PARTNER}-spring`, model));

      const refused = await caught(partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'spring', model)));

      expect(refused).toMatchObject({ name: 'ConflictException' });
      expect(refused.message).toContain(`"${PARTNER}-spring" already exists in account ${OWNER}`);
    });

    test('fails: the owner cannot delete its configured model while the partner\'s job uses it, and can once the partner deleted the job', async () => {
      await allow(allowPartner(model));
      const { audienceGenerationJobArn } = await partner.startAudienceGenerationJob(generationJobIn(PARTNER, 'spring', model));
      settle();

      const refused = await caught(owner.deleteConfiguredAudienceModel({ configuredAudienceModelArn: model }));

      expect(refused).toMatchObject({ name: 'ConflictException' });
      expect(refused.message).toContain(audienceGenerationJobArn.split('/')[1]);
      await partner.deleteAudienceGenerationJob({ audienceGenerationJobArn });
      settle();
      await expect(owner.deleteConfiguredAudienceModel({ configuredAudienceModelArn: model })).resolves.toBeDefined();
    });
  });

  describe('refused', () => {
    const refusal = async (request = generationJobIn(PARTNER, 'refused', model)): Promise<{ name: string; message: string }> => {
      const error = await caught(partner.startAudienceGenerationJob(request));
      // Nothing was created in either account.
      expect((await partner.listAudienceGenerationJobs()).audienceGenerationJobs).toEqual([]);
      expect((await owner.listAudienceGenerationJobs()).audienceGenerationJobs).toEqual([]);
      return error;
    };

    test('fails: a model without a resource policy', async () => {
      const refused = await refusal();

      expect(refused.name).toBe('AccessDeniedException');
      expect(refused.message).toContain(`Account ${PARTNER} is not authorized to perform cleanrooms-ml:StartAudienceGenerationJob on resource ${model}`);
      expect(refused.message).toContain('the resource has no resource policy');
    });

    test('fails: a policy for another account', async () => {
      await allow(allowPartner(model, { Principal: { AWS: ['111122223333'] } }));

      expect((await refusal()).message).toContain(`statement "Clean-Rooms-test" does not name account ${PARTNER} as principal`);
    });

    test('fails: a policy on the model but not on the owner\'s jobs', async () => {
      await allow(allowPartner(model, { Resource: model }));

      const refused = await refusal();

      expect(refused.name).toBe('AccessDeniedException');
      expect(refused.message).toMatch(new RegExp(`on resource arn:aws:cleanrooms-ml:us-east-1:${OWNER}:audience-generation-job/[0-9a-f-]{36} because`));
      expect(refused.message).toContain('does not cover the resource');
    });

    test('fails: a policy for another action', async () => {
      await allow(allowPartner(model, { Action: 'cleanrooms-ml:GetConfiguredAudienceModel' }));

      expect((await refusal()).message).toContain('does not cover the action cleanrooms-ml:StartAudienceGenerationJob');
    });

    test('fails: the policy\'s collaboration id differs from the request\'s', async () => {
      await allow(allowPartner(model, { Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': COLLABORATION_ID } } }));

      const refused = await refusal(generationJobIn(PARTNER, 'refused', model, { collaborationId: OTHER_COLLABORATION_ID }));

      expect(refused.name).toBe('AccessDeniedException');
      expect(refused.message).toContain(`requires cleanrooms-ml:CollaborationId ${COLLABORATION_ID}, not ${OTHER_COLLABORATION_ID}`);
    });

    test('fails: the policy has a collaboration condition and the request no collaboration id', async () => {
      await allow(allowPartner(model, { Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': COLLABORATION_ID } } }));

      expect((await refusal()).message).toContain('and the request has no cleanrooms-ml:CollaborationId');
    });

    test('fails: an explicit Deny wins over an Allow', async () => {
      await allow(allowPartner(model), { Sid: 'NoPartnerJobs', Effect: 'Deny', Principal: { AWS: PARTNER }, Action: 'cleanrooms-ml:*', Resource: '*' });

      const refused = await refusal();

      expect(refused.name).toBe('AccessDeniedException');
      expect(refused.message).toContain('with an explicit deny in the resource policy');
      expect(refused.message).toContain('statement "NoPartnerJobs" explicitly denies it');
    });

    test('fails: the policy allows the collaboration, but neither account is an active member of it (no Clean Rooms collaboration exists)', async () => {
      await allow(allowPartner(model, { Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': COLLABORATION_ID } } }));

      const refused = await refusal(generationJobIn(PARTNER, 'refused', model, { collaborationId: COLLABORATION_ID }));

      expect(refused.name).toBe('AccessDeniedException');
      expect(refused.message).toContain(`collaborationId ${COLLABORATION_ID}: account ${PARTNER} (the caller) is not an active member`);
    });

    test('fails: a configured model the owner\'s account does not have is not found', async () => {
      const missing = model.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');

      const refused = await refusal(generationJobIn(PARTNER, 'refused', missing));

      expect(refused.name).toBe('ResourceNotFoundException');
      expect(refused.message).toContain(`of account ${OWNER} not found`);
    });

    test('fails: the seed role must still be in the caller\'s account', async () => {
      await allow(allowPartner(model));

      const refused = await refusal(generationJobIn(OWNER, 'refused', model));

      expect(refused.name).toBe('AccessDeniedException');
      expect(refused.message).toContain(`is not in account ${PARTNER}`);
    });
  });
});
