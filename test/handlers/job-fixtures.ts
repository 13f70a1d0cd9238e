/**
 * What the audience generation job and export job suites share: a
 * configured audience model (and an ACTIVE generation job) made directly on
 * the emulator, and a fake Secrets Manager for SQL seeds.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HandlerTestbed, ROLE_ARN } from './harness';
import type { AudienceSizeConfig } from '../../src/handlers/api';

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

/** A GetSecretValue request the fake Secrets Manager received. */
export interface SecretRequest {
  readonly target: string | undefined;
  readonly authorization: string | undefined;
  readonly secretId: unknown;
}

/**
 * A local Secrets Manager endpoint that answers GetSecretValue (awsJson1.1)
 * for the secrets it holds (a SecretString, or a SecretBinary only), and
 * ResourceNotFoundException for the others. The handlers are pointed at it
 * with AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export class FakeSecretsManager {
  public static async start(): Promise<FakeSecretsManager> {
    const fake = new FakeSecretsManager();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly requests: SecretRequest[] = [];
  private readonly secrets = new Map<string, string | Buffer>();
  private throttled = 0;
  private readonly replies: Array<{ statusCode: number; body: string }> = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        let secretId: unknown;
        try {
          secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
        } catch {
          secretId = undefined;
        }
        this.requests.push({
          target: request.headers['x-amz-target'] as string | undefined,
          authorization: request.headers.authorization,
          secretId,
        });
        const value = typeof secretId === 'string' ? this.secrets.get(secretId) : undefined;
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        const reply = this.replies.shift();
        if (reply) {
          response.statusCode = reply.statusCode;
          response.end(reply.body);
        } else if (this.throttled > 0) {
          this.throttled--;
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'ThrottlingException', Message: 'Rate exceeded' }));
        } else if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'InvalidRequestException', Message: 'Only GetSecretValue is emulated' }));
        } else if (value === undefined) {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'ResourceNotFoundException', Message: 'Secrets Manager can\'t find the specified secret.' }));
        } else {
          const secret = typeof value === 'string' ? { SecretString: value } : { SecretBinary: value.toString('base64') };
          response.end(JSON.stringify({ ARN: secretId, Name: 'seed', ...secret, VersionId: randomUUID() }));
        }
      });
    });
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Holds `value` under `arn` (and answers for it from now on): a SecretString, or a Buffer as a SecretBinary. */
  public put(arn: string, value: string | Buffer): void {
    this.secrets.set(arn, value);
  }

  /** Answers the next request with this reply, whatever it asks. */
  public replyNext(statusCode: number, body: string): void {
    this.replies.push({ statusCode, body });
  }

  /** Answers the next `count` requests with a ThrottlingException. */
  public throttleNext(count: number): void {
    this.throttled = count;
  }

  public reset(): void {
    this.secrets.clear();
    this.requests.length = 0;
    this.throttled = 0;
    this.replies.length = 0;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
