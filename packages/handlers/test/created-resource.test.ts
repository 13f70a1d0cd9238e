/**
 * What a Create that no attempt answered left behind, as each resource
 * type's handler finds it (`findCreatedResource`): the resource holding the
 * name the request gives it, made by this very request (its creation
 * token), and nothing else. isComplete, as onEvent's on-failure destination,
 * fails such a Create with what is found, so the rollback deletes it
 * (../src/framework/failed-invocation.ts).
 */
import { randomUUID } from 'node:crypto';
import { captureLogs, CustomResourceEvents, HandlerTestbed, onEvent, rejectionOf, ROLE_ARN, serviceCallsDuring } from './harness';
import { activeGenerationJob, configuredAudienceModel } from './job-fixtures';
import { findCreatedResource } from '../src/framework/dispatch';
import type { CustomResourceEvent } from '../src/framework/events';
import { runtimeFor } from '../src/framework/runtime';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

let testbed: HandlerTestbed;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  testbed = await HandlerTestbed.start();
});
afterAll(() => testbed.stop());
beforeEach(() => {
  testbed.emulator.reset();
  testbed.emulator.setFaults({});
  logs = captureLogs();
});
afterEach(() => logs.restore());

const models = new CustomResourceEvents('Custom::CleanRoomsMLAudienceModel');
const configuredModels = new CustomResourceEvents('Custom::CleanRoomsMLConfiguredAudienceModel', 'Configured');
const jobs = new CustomResourceEvents('Custom::CleanRoomsMLAudienceGenerationJob', 'Job');
const exportJobs = new CustomResourceEvents('Custom::CleanRoomsMLAudienceExportJob', 'Export');
const waits = new CustomResourceEvents('Custom::CleanRoomsMLWait', 'Ready');

/** As the isComplete function looks: its runtime, with a client that retries within the invocation. */
function lookFor(event: CustomResourceEvent): Promise<string | undefined> {
  return findCreatedResource(event, RESOURCE_HANDLERS, runtimeFor(event, 'isComplete', { getRemainingTimeInMillis: () => 290_000 }, true));
}

function modelProperties(trainingDatasetArn: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { TrainingDatasetArn: trainingDatasetArn, TimeoutSeconds: 3600, AttributesRevision: 1, ...overrides };
}

describe('findCreatedResource', () => {
  test('finds the audience model, configured model and generation job an attempt of the same Create made', async () => {
    const trainingDatasetArn = await testbed.trainingDataset();
    const configuredArn = await configuredAudienceModel(testbed);
    const { audienceModelArn } = await testbed.client.getConfiguredAudienceModel({ configuredAudienceModelArn: configuredArn });
    const creates = [
      models.create(modelProperties(trainingDatasetArn)),
      configuredModels.create({
        AudienceModelArn: audienceModelArn, OutputS3Uri: 's3://audiences/lookalike/', OutputRoleArn: ROLE_ARN, SharedAudienceMetrics: 'ALL', TimeoutSeconds: 600,
      }),
      jobs.create({ ConfiguredAudienceModelArn: configuredArn, SeedRoleArn: ROLE_ARN, SeedS3Uri: 's3://seeds/buyers.csv', TimeoutSeconds: 3600 }),
    ];

    for (const create of creates) {
      // The attempt that made it died before answering; the lookup sees only the request.
      const { PhysicalResourceId: made } = await onEvent(create);

      expect({ type: create.ResourceType, found: await lookFor(create) }).toEqual({ type: create.ResourceType, found: made });
    }
  });

  test('finds nothing when no resource holds the name the request gives it', async () => {
    const trainingDatasetArn = await testbed.trainingDataset();

    await expect(lookFor(models.create(modelProperties(trainingDatasetArn)))).resolves.toBeUndefined();
  });

  test('never claims a resource of the same name that another request made (its creation token differs), and leaves it alone', async () => {
    const trainingDatasetArn = await testbed.trainingDataset();
    const { PhysicalResourceId: other } = await onEvent(models.create(modelProperties(trainingDatasetArn, { Name: 'lookalike' })));
    const { audienceModelArn: foreign } = await testbed.client.createAudienceModel({ name: 'foreign', trainingDatasetArn, tags: { owner: 'someone-else' } });

    const { result, createsAndDeletes } = await serviceCallsDuring(testbed.emulator, async () => [
      await lookFor(models.create(modelProperties(trainingDatasetArn, { Name: 'lookalike' }))),
      await lookFor(models.create(modelProperties(trainingDatasetArn, { Name: 'foreign' }))),
    ]);

    expect(result).toEqual([undefined, undefined]);
    expect(createsAndDeletes).toEqual({});
    expect(testbed.emulator.inventory().audienceModels.map((model) => model.audienceModelArn).sort()).toEqual([other, foreign].sort());
  });

  test('throws when the lookup fails: the caller answers without it', async () => {
    const create = models.create(modelProperties(await testbed.trainingDataset()));
    await onEvent(create);
    testbed.emulator.setFaults({ serverErrorRate: 1 });

    const error = await rejectionOf(findCreatedResource(create, RESOURCE_HANDLERS, runtimeFor(create, 'isComplete')));

    expect(error).toMatchObject({ operation: 'ListAudienceModels', message: 'Internal server error (injected by the emulator)' });
  });

  test('looks for nothing for an Update or a Delete (CloudFormation holds their resource\'s id)', async () => {
    const trainingDatasetArn = await testbed.trainingDataset();
    const { PhysicalResourceId: arn } = await onEvent(models.create(modelProperties(trainingDatasetArn)));

    const { result, calls } = await serviceCallsDuring(testbed.emulator, async () => [
      await lookFor(models.update(arn, modelProperties(trainingDatasetArn), modelProperties(trainingDatasetArn, { Tags: { team: 'ads' } }))),
      await lookFor(models.delete(arn, modelProperties(trainingDatasetArn))),
    ]);

    expect({ result, calls }).toEqual({ result: [undefined, undefined], calls: {} });
  });

  test('finds nothing for an export (no call deletes one, so its Delete could not use the id) or the ready resource (it makes nothing)', async () => {
    const configuredArn = await configuredAudienceModel(testbed);
    const jobArn = await activeGenerationJob(testbed, configuredArn);
    const exportCreate = exportJobs.create({ AudienceGenerationJobArn: jobArn, AudienceSizeType: 'ABSOLUTE', AudienceSizeValue: 10_000, TimeoutSeconds: 3600 });
    await onEvent(exportCreate);

    const { result, calls } = await serviceCallsDuring(testbed.emulator, async () => [
      await lookFor(exportCreate),
      await lookFor(waits.create({ ResourceArn: jobArn, RelevanceScoreSizes: '10000' }, randomUUID())),
    ]);

    expect({ result, calls }).toEqual({ result: [undefined, undefined], calls: {} });
  });
});
