/**
 * The README's main job: a whole lookalike-audience pipeline walked through
 * the embedded Clean Rooms ML emulator with the project's API client, the way
 * the custom-resource handlers drive the real service — create, wait for each
 * asynchronous status, export, then delete in dependency order.
 *
 *   npm run demo
 */
import { CleanRoomsMlClient, isNotFound } from '../../src/handlers/api';
import { CleanRoomsMlEmulator } from '../../src/local/emulator';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
const say = (message: string) => console.log(`${elapsed()}  ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until it reports `done`, printing each status change. */
async function waitFor<T>(what: string, read: () => Promise<T>, status: (value: T) => string, done: (status: string) => boolean): Promise<T> {
  let last = '';
  for (;;) {
    const value = await read();
    const current = status(value);
    if (current !== last) say(`${what}: ${current}`);
    last = current;
    if (done(current)) return value;
    if (current.endsWith('_FAILED')) throw new Error(`${what} ended in ${current}`);
    await sleep(200);
  }
}

async function waitUntilGone(what: string, read: () => Promise<{ status: string }>): Promise<void> {
  await waitFor(what, async () => {
    try {
      return (await read()).status;
    } catch (error) {
      if (isNotFound(error)) return 'deleted';
      throw error;
    }
  }, (status) => status, (status) => status === 'deleted');
}

async function main(): Promise<void> {
  const emulator = await CleanRoomsMlEmulator.start();
  const account = emulator.accountId;
  say(`Clean Rooms ML emulator listening on ${emulator.endpoint} (account ${account}, ${emulator.region})`);
  const client = new CleanRoomsMlClient({
    region: emulator.region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  try {
    const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;

    const { trainingDatasetArn } = await client.createTrainingDataset({
      name: 'retail-interactions',
      roleArn: role('cleanrooms-ml-training-data'),
      trainingData: [{
        type: 'INTERACTIONS',
        inputConfig: {
          dataSource: { glueDataSource: { databaseName: 'retail', tableName: 'interactions' } },
          schema: [
            { columnName: 'user_id', columnTypes: ['USER_ID'] },
            { columnName: 'item_id', columnTypes: ['ITEM_ID'] },
            { columnName: 'event_time', columnTypes: ['TIMESTAMP'] },
            { columnName: 'category', columnTypes: ['CATEGORICAL_FEATURE'] },
          ],
        },
      }],
    });
    say(`training dataset ACTIVE   ${trainingDatasetArn}`);

    const { audienceModelArn } = await client.createAudienceModel({
      name: 'retail-lookalike',
      trainingDatasetArn,
      trainingDataStartTime: new Date('2026-01-01T00:00:00Z'),
      trainingDataEndTime: new Date('2026-10-31T00:00:00Z'),
      tags: { team: 'growth' },
    });
    const model = await waitFor('audience model', () => client.getAudienceModel({ audienceModelArn }),
      (m) => m.status, (s) => s === 'ACTIVE');
    say(`audience model ACTIVE     ${audienceModelArn}`);
    for (const metric of model.metrics ?? []) {
      say(`  metric ${metric.type.padEnd(38)} top ${metric.forTopKItemPredictions}: ${metric.value.toFixed(3)}`);
    }

    const { configuredAudienceModelArn } = await client.createConfiguredAudienceModel({
      name: 'retail-lookalike-shared',
      audienceModelArn,
      outputConfig: {
        destination: { s3Destination: { s3Uri: 's3://example-audiences/lookalike/' } },
        roleArn: role('cleanrooms-ml-audience-output'),
      },
      sharedAudienceMetrics: ['ALL'],
      audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 50_000, 100_000] },
      minMatchingSeedSize: 25,
    });
    say(`configured model ACTIVE   ${configuredAudienceModelArn}`);

    const partner = '111122223333';
    const { policyHash } = await client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn,
      policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
      configuredAudienceModelPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${partner}:root` },
          Action: ['cleanrooms-ml:StartAudienceGenerationJob'],
          Resource: configuredAudienceModelArn,
        }],
      }),
    });
    say(`resource policy set       account ${partner} may start generation jobs (hash ${policyHash.slice(0, 12)}…)`);

    const { audienceGenerationJobArn } = await client.startAudienceGenerationJob({
      name: 'holiday-seed',
      configuredAudienceModelArn,
      seedAudience: {
        dataSource: { s3Uri: 's3://example-seeds/holiday/seed.csv' },
        roleArn: role('cleanrooms-ml-seed-read'),
      },
      includeSeedInOutput: false,
    });
    const job = await waitFor('generation job', () => client.getAudienceGenerationJob({ audienceGenerationJobArn }),
      (j) => j.status, (s) => s === 'ACTIVE');
    say(`generation job ACTIVE     ${audienceGenerationJobArn}`);
    for (const metric of job.metrics?.relevanceMetrics ?? []) {
      say(`  relevance at ${String(metric.audienceSize.value).padStart(7)} users: ${metric.score?.toFixed(3)}`);
    }

    await client.startAudienceExportJob({
      name: 'holiday-50k',
      audienceGenerationJobArn,
      audienceSize: { type: 'ABSOLUTE', value: 50_000 },
    });
    const exportJob = await waitFor('audience export', async () => {
      const { audienceExportJobs } = await client.listAudienceExportJobs({ audienceGenerationJobArn });
      return audienceExportJobs.find((j) => j.name === 'holiday-50k')!;
    }, (j) => j.status, (s) => s === 'ACTIVE');
    say(`audience export ACTIVE    ${exportJob.outputLocation ?? '(no output location reported)'}`);

    await client.tagResource({ resourceArn: audienceModelArn, tags: { stage: 'demo' } });
    const { tags } = await client.listTagsForResource({ resourceArn: audienceModelArn });
    say(`audience model tags       ${JSON.stringify(tags)}`);

    say('deleting in dependency order');
    await client.deleteAudienceGenerationJob({ audienceGenerationJobArn });
    await waitUntilGone('generation job', () => client.getAudienceGenerationJob({ audienceGenerationJobArn }));
    await client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
    await client.deleteConfiguredAudienceModel({ configuredAudienceModelArn });
    say('configured model: deleted');
    await client.deleteAudienceModel({ audienceModelArn });
    await waitUntilGone('audience model', () => client.getAudienceModel({ audienceModelArn }));
    await client.deleteTrainingDataset({ trainingDatasetArn });
    say('training dataset: deleted');

    const inventory = emulator.inventory();
    const left = inventory.trainingDatasets.length + inventory.audienceModels.length
      + inventory.configuredAudienceModels.length + inventory.audienceGenerationJobs.length;
    say(`emulator holds ${left} resources; ${emulator.stats().totalCalls} API calls served`);
    if (left !== 0) throw new Error(`the emulator still holds ${left} resources`);
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
