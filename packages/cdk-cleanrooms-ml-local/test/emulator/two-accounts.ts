/**
 * Two accounts on one emulator, as a collaboration has them: the model owner
 * (the default account) and a partner with its own access key, each with a
 * CleanRoomsMlClient of the project signing as it.
 */
import { CleanRoomsMlClient } from '../../src/client';
import type * as api from '../../src/client/types';
import type { CleanRoomsMlEmulator, EmulatorAccount } from '../../src/emulator';
import { ACCOUNT_ID, configuredAudienceModelInput, generationJobInput, REGION, trainingDatasetInput } from '../fixtures/requests';

export const OWNER = ACCOUNT_ID;
export const PARTNER = '210987654321';

export const OWNER_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const PARTNER_CREDENTIALS = { accessKeyId: 'AKIAPARTNER', secretAccessKey: 'partner-secret' };

/** The `accounts` option that adds the partner to an emulator whose default account is the owner. */
export const PARTNER_ACCOUNT: EmulatorAccount = { accountId: PARTNER, credentials: PARTNER_CREDENTIALS };

export function roleArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/cleanrooms-ml-access`;
}

export function client(emulator: CleanRoomsMlEmulator, credentials: { accessKeyId: string; secretAccessKey: string }): CleanRoomsMlClient {
  return new CleanRoomsMlClient({
    region: REGION,
    endpoint: emulator.endpoint,
    credentials,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
  });
}

/** A training dataset request whose role is in `accountId` (a role cannot be passed across accounts). */
export function trainingDatasetIn(accountId: string, name: string): api.CreateTrainingDatasetRequest {
  return trainingDatasetInput(name, { roleArn: roleArn(accountId) });
}

/** A generation job request whose seed role is in `accountId`. */
export function generationJobIn(
  accountId: string,
  name: string,
  configuredAudienceModelArn: string,
  overrides: Partial<api.StartAudienceGenerationJobRequest> = {},
): api.StartAudienceGenerationJobRequest {
  return generationJobInput(name, configuredAudienceModelArn, {
    seedAudience: { dataSource: { s3Uri: 's3://seeds/customers.csv' }, roleArn: roleArn(accountId) },
    ...overrides,
  });
}

/**
 * Training dataset → audience model → configured audience model in the
 * client's account; `settle` lets the model finish training (advance a
 * manual clock).
 */
export async function configuredModelIn(
  accountId: string,
  caller: CleanRoomsMlClient,
  prefix: string,
  settle: () => void,
  overrides: Partial<api.CreateConfiguredAudienceModelRequest> = {},
): Promise<string> {
  const { trainingDatasetArn } = await caller.createTrainingDataset(trainingDatasetIn(accountId, `${prefix}-data`));
  const { audienceModelArn } = await caller.createAudienceModel({ name: `${prefix}-model`, trainingDatasetArn });
  settle();
  const { configuredAudienceModelArn } = await caller.createConfiguredAudienceModel(configuredAudienceModelInput(`${prefix}-configured`, audienceModelArn, {
    outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/lookalike/' } }, roleArn: roleArn(accountId) },
    ...overrides,
  }));
  return configuredAudienceModelArn;
}
