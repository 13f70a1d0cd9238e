/**
 * What the audience generation job and export job suites share: a
 * configured audience model (and an ACTIVE generation job) made directly on
 * the emulator.
 */
import { randomUUID } from 'node:crypto';
import type { AudienceSizeConfig } from 'cdk-cleanrooms-ml-local';
import { HandlerTestbed, ROLE_ARN } from './harness';

/** Polls `check` until it answers true (a few milliseconds apart). */
export async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let poll = 0; poll < 1000; poll++) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${what} did not happen`);
}

/**
 * A configured audience model offering `sizes`, on an audience model that has finished training.
 * `settle` runs once the model is created, before waiting for its training (an emulator on a
 * ManualClock moves it past the training there).
 */
export async function configuredAudienceModel(
  bed: HandlerTestbed,
  sizes: AudienceSizeConfig = { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 100_000] },
  settle: () => void = () => undefined,
): Promise<string> {
  const { audienceModelArn } = await bed.client.createAudienceModel({
    name: `model-${randomUUID().slice(0, 8)}`,
    trainingDatasetArn: await bed.trainingDataset(),
  });
  settle();
  await eventually('training', async () => (await bed.client.getAudienceModel({ audienceModelArn })).status === 'ACTIVE');
  const { configuredAudienceModelArn } = await bed.client.createConfiguredAudienceModel({
    name: `configured-${randomUUID().slice(0, 8)}`,
    audienceModelArn,
    outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/lookalike/' } }, roleArn: ROLE_ARN },
    sharedAudienceMetrics: ['ALL'],
    audienceSizeConfig: sizes,
  });
  return configuredAudienceModelArn;
}

/** An ACTIVE audience generation job of `configuredAudienceModelArn`, made directly on the emulator. */
export async function activeGenerationJob(bed: HandlerTestbed, configuredAudienceModelArn: string): Promise<string> {
  const { audienceGenerationJobArn } = await bed.client.startAudienceGenerationJob({
    name: `job-${randomUUID().slice(0, 8)}`,
    configuredAudienceModelArn,
    seedAudience: { dataSource: { s3Uri: 's3://seeds/buyers.csv' }, roleArn: ROLE_ARN },
  });
  await eventually('generation', async () => (await bed.client.getAudienceGenerationJob({ audienceGenerationJobArn })).status === 'ACTIVE');
  return audienceGenerationJobArn;
}
