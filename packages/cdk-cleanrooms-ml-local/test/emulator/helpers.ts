/**
 * Shared fixtures for the emulator suites: a client built from AWS's model
 * (not the project's client) pointed at an emulator, valid requests for every
 * create, a manual clock, polling, and a raw signed HTTP request for what no
 * client would send.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CleanRoomsMlEmulator, EmulatorTimingOptions } from '../../src/emulator';
import { ModelClient, ModelClientOptions, ServiceError } from '../fixtures/model-client';
import { configuredAudienceModelInput, REGION, trainingDatasetInput } from '../fixtures/requests';

export {
  configuredAudienceModelInput as configuredAudienceModelRequest,
  generationJobInput as generationJobRequest,
  trainingDatasetInput as trainingDatasetRequest,
} from '../fixtures/requests';
export { ACCOUNT_ID, COLLABORATION_ID, REGION, ROLE_ARN } from '../fixtures/requests';

/** Each phase lasts 1 ms: statuses settle at once for tests that only care about the end state. */
export const INSTANT: EmulatorTimingOptions = {
  audienceModel: { createPendingMs: 1, createInProgressMs: 1, deletePendingMs: 1, deleteInProgressMs: 1 },
  audienceGenerationJob: { createPendingMs: 1, createInProgressMs: 1, deletePendingMs: 1, deleteInProgressMs: 1 },
  audienceExportJob: { createPendingMs: 1, createInProgressMs: 1 },
};

/** Each phase lasts 1 s of emulator time, stepped through with a ManualClock. */
export const ONE_SECOND_PHASES: EmulatorTimingOptions = {
  audienceModel: { createPendingMs: 1000, createInProgressMs: 1000, deletePendingMs: 1000, deleteInProgressMs: 1000 },
  audienceGenerationJob: { createPendingMs: 1000, createInProgressMs: 1000, deletePendingMs: 1000, deleteInProgressMs: 1000 },
  audienceExportJob: { createPendingMs: 1000, createInProgressMs: 1000 },
};

/** A clock the test moves by hand, so every status can be observed without sleeping. */
export class ManualClock {
  public millis = Date.parse('2025-03-01T12:00:00Z');

  public readonly now = (): number => this.millis;

  public advance(milliseconds: number): void {
    this.millis += milliseconds;
  }
}

/** A client of the emulator, signing as `test`/`test` in us-east-1 unless told otherwise. */
export function emulatorClient(emulator: CleanRoomsMlEmulator, options: Partial<ModelClientOptions> = {}): ModelClient {
  return new ModelClient({ endpoint: emulator.endpoint, region: REGION, ...options });
}

export interface Pipeline {
  readonly trainingDatasetArn: string;
  readonly audienceModelArn: string;
  readonly configuredAudienceModelArn: string;
}

/**
 * Training dataset → ACTIVE audience model → configured audience model. Waits
 * for the model with `settle` (advance a manual clock, or poll).
 */
export async function createPipeline(client: ModelClient, prefix: string, settle: () => Promise<void>): Promise<Pipeline> {
  const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetInput(`${prefix}-data`));
  const { audienceModelArn } = await client.send('CreateAudienceModel', { name: `${prefix}-model`, trainingDatasetArn });
  await settle();
  const { configuredAudienceModelArn } = await client.send(
    'CreateConfiguredAudienceModel',
    configuredAudienceModelInput(`${prefix}-configured`, audienceModelArn),
  );
  return { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn };
}

/** Polls until `done` holds for what `read` returns, or fails after `timeoutMs`. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface CaughtError {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

/**
 * The service error a call fails with; fails the test if the call succeeds,
 * or fails in any other way (a connection error, a bug of the client).
 */
export async function caught(promise: Promise<unknown>): Promise<CaughtError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof ServiceError)) {
      throw error;
    }
    const { code, statusCode, message } = error;
    return { code, statusCode, message };
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/**
 * A request no client would send (malformed JSON, wrong types, tampered
 * bodies), signed like a client signs unless `sign` is false. `signBody`
 * lets the signature cover another body than the one sent.
 */
export async function rawRequest(
  endpoint: string,
  method: string,
  pathAndQuery: string,
  options: { body?: string; sign?: boolean; signBody?: string; secretAccessKey?: string } = {},
): Promise<RawResponse> {
  const url = new URL(pathAndQuery, endpoint);
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  let headers: Record<string, string> = { 'host': url.host, 'content-type': 'application/json' };
  if (options.sign !== false) {
    const signer = new SignatureV4({
      service: 'cleanrooms-ml',
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: options.secretAccessKey ?? 'test' },
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers,
      body: options.signBody ?? options.body,
    });
    headers = signed.headers;
  }
  // fetch sets Host itself (to the same value) and refuses to be given one.
  const sendable = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'host'));
  const response = await fetch(url, { method, headers: sendable, body: options.body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
