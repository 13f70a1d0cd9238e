/**
 * Reads one secret value from AWS Secrets Manager with the AWS SDK for
 * JavaScript v3 (`@aws-sdk/client-secrets-manager`), which the Lambda
 * Node.js runtime provides (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html,
 * "Runtime-included SDK versions"): the handler bundles leave `@aws-sdk/*`
 * out (their bundle task in .projenrc.ts), and the local deploy runner lends the functions its
 * own copy (cdk-cleanrooms-ml-local's runner).
 *
 * The SDK finds the rest in the environment, as in any Lambda function: the
 * region in AWS_REGION, the credentials of the function's role, and an
 * endpoint override in AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL
 * (its "service-specific endpoints",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 *
 * It never logs (the SDK's logger is a no-op unless one is given), and its
 * errors name the secret, never its value: Secrets Manager's error replies
 * do not hold it, and a reply without a SecretString is not quoted.
 */
import type * as SecretsManagerSdk from '@aws-sdk/client-secrets-manager';
import { DEFAULT_MAX_ATTEMPTS } from 'cdk-cleanrooms-ml-local/lib/client/retry';
import { ResourceFailure } from '../framework/errors';
import { retrySleepFromEnvironment } from '../framework/runtime';
import { runtimeSdk } from '../framework/runtime-sdk';
import { SleepingRetryStrategy } from '../framework/sdk-retry';

/** The SDK package the reader loads (when it first reads a secret). */
export const SECRETS_MANAGER_SDK_PACKAGE = '@aws-sdk/client-secrets-manager';

const OPERATION = 'GetSecretValue';

export interface SecretsManagerReaderOptions {
  /** @default - the SDK's: `AWS_REGION` */
  readonly region?: string;
  /** Attempts per read, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** @default 30000 */
  readonly requestTimeoutMs?: number;
  /**
   * How to wait between attempts. By default the SDK's own retry strategy
   * waits (standard mode). Given a `sleep`, the reader waits with it instead,
   * for the same backoff as the Clean Rooms ML client's (the local deploy
   * runner's scaled time: retrySleepFromEnvironment).
   */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What the handlers need of Secrets Manager. */
export interface SecretReader {
  /** The SecretString of the secret's current version. Errors name the secret, never its value. */
  getSecretString(secretId: string): Promise<string>;
}

export class SecretsManagerReader implements SecretReader {
  constructor(private readonly options: SecretsManagerReaderOptions = {}) {}

  public async getSecretString(secretId: string): Promise<string> {
    let reply: SecretsManagerSdk.GetSecretValueCommandOutput;
    const sdk = loadSdk(secretId);
    // One client per read: it reads the environment (region, endpoint, credentials) when made.
    const client = new sdk.SecretsManagerClient(this.clientConfig());
    try {
      reply = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    } catch (err) {
      throw new Error(`${OPERATION} of the secret ${secretId} failed${describeSdkError(err)}`);
    } finally {
      client.destroy();
    }
    if (typeof reply.SecretString !== 'string') {
      throw new Error(`the secret ${secretId} has no SecretString (a binary secret?): only a secret string can be read`);
    }
    return reply.SecretString;
  }

  private clientConfig(): SecretsManagerSdk.SecretsManagerClientConfig {
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    return {
      region: this.options.region,
      maxAttempts,
      retryStrategy: this.options.sleep ? new SleepingRetryStrategy(maxAttempts, this.options.sleep) : undefined,
      requestHandler: { requestTimeout: this.options.requestTimeoutMs ?? 30_000 },
    };
  }
}

/**
 * A reader for the function's environment (`AWS_MAX_ATTEMPTS`, as in the AWS
 * SDKs, bounds the attempts; under the local deploy runner the waits between
 * them are its scaled time).
 */
export function secretReaderFromEnvironment(env: NodeJS.ProcessEnv = process.env): SecretReader {
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
  return new SecretsManagerReader({
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : undefined,
    sleep: retrySleepFromEnvironment(env),
  });
}

/**
 * The SDK, loaded at the first read rather than with the bundle: only the
 * handlers of SQL seeds read secrets, and the other invocations' cold starts
 * do not pay for loading it.
 */
const loadSecretsManagerSdk = runtimeSdk(SECRETS_MANAGER_SDK_PACKAGE, () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  require('@aws-sdk/client-secrets-manager') as typeof SecretsManagerSdk);

/** The SDK, or an error naming the secret that could not be read without it. */
function loadSdk(secretId: string): typeof SecretsManagerSdk {
  try {
    return loadSecretsManagerSdk();
  } catch (err) {
    if (!(err instanceof ResourceFailure)) throw err;
    throw new Error(`cannot read the secret ${secretId}: ${err.message}`);
  }
}

/**
 * ` with <error name>: <message>` of what the SDK threw: a service error
 * (ResourceNotFoundException, AccessDeniedException, ...), or a network or
 * credentials failure once the retries are spent. A reply the SDK could not
 * parse is not quoted: JSON.parse's message quotes the start of the text,
 * which may be the secret.
 */
function describeSdkError(err: unknown): string {
  // Duck-typed: an error may come from another realm.
  const { name, message, $metadata } = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number };
  };
  if (name === 'SyntaxError') {
    return `: its reply (HTTP ${$metadata?.httpStatusCode ?? 'status unknown'}) is not the JSON Secrets Manager answers with`;
  }
  const errorName = typeof name === 'string' && name !== 'Error' ? name : '';
  const text = typeof message === 'string' ? message.replace(/\s+/g, ' ').trim() : '';
  if (errorName && text) return ` with ${errorName}: ${text}`;
  return errorName || text ? `: ${errorName || text}` : '';
}
