/**
 * Reads one secret value from AWS Secrets Manager: a single signed
 * GetSecretValue call (awsJson1.1 over SigV4), with the same signing,
 * credentials and retry policy as the Clean Rooms ML client, so the handler
 * bundle carries no AWS SDK client.
 *
 * It never logs, and its errors never carry the secret: Secrets Manager's
 * error messages name the secret, not its value.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from 'cdk-cleanrooms-ml-local/lib/client/client';
import { dnsSuffixFor, resolveRegion } from 'cdk-cleanrooms-ml-local/lib/client/endpoint';
import { CleanRoomsMlNetworkError, CleanRoomsMlServiceError, parseServiceError } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { backoffDelay, isRetryable, networkErrorCode, type RetryPolicy } from 'cdk-cleanrooms-ml-local/lib/client/retry';
import { retrySleepFromEnvironment } from '../framework/runtime';

/** Signing name and endpoint prefix of Secrets Manager. */
export const SECRETS_MANAGER_SIGNING_SERVICE = 'secretsmanager';

/** Where an endpoint override is read from, most specific first (as the AWS SDKs do). */
export const SECRETS_MANAGER_ENDPOINT_ENV_VARS = ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL'] as const;

const OPERATION = 'GetSecretValue';

export interface SecretsManagerReaderOptions {
  /** @default - `AWS_REGION`, then `AWS_DEFAULT_REGION` */
  readonly region?: string;
  /** @default - `AWS_ENDPOINT_URL_SECRETS_MANAGER`, then `AWS_ENDPOINT_URL`, then the regional endpoint */
  readonly endpoint?: string;
  /** @default - `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, read at each request */
  readonly credentials?: AwsCredentials;
  /** Attempts per read, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Waits between attempts; tests replace it. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What the handlers need of Secrets Manager. */
export interface SecretReader {
  /** The SecretString of the secret's current version. */
  getSecretString(secretId: string): Promise<string>;
}

export class SecretsManagerReader implements SecretReader {
  public readonly endpoint: string;
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly retryPolicy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SecretsManagerReaderOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const region = resolveRegion(options.region, env);
    this.url = secretsManagerEndpoint(region, options.endpoint, env);
    this.endpoint = this.url.toString();
    this.signer = new SignatureV4({
      service: SECRETS_MANAGER_SIGNING_SERVICE,
      region,
      credentials: async () => this.currentCredentials(),
      sha256: Sha256,
    });
    this.retryPolicy = { maxAttempts: options.maxAttempts ?? 5, baseDelayMs: 100, maxDelayMs: 5_000, random: Math.random };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  public async getSecretString(secretId: string): Promise<string> {
    const body = JSON.stringify({ SecretId: secretId });
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.transmit(body);
        if (reply.statusCode < 200 || reply.statusCode >= 300) {
          throw parseServiceError({ ...reply, operation: OPERATION });
        }
        return secretStringOf(reply.body, secretId);
      } catch (err) {
        if (!isRetryable(err) || attempt >= this.retryPolicy.maxAttempts) {
          const code = networkErrorCode(err);
          throw !(err instanceof CleanRoomsMlServiceError) && code !== undefined
            ? new CleanRoomsMlNetworkError(OPERATION, code, attempt, err as Error)
            : err;
        }
        await this.sleep(backoffDelay(attempt - 1, this.retryPolicy));
      }
    }
  }

  private async transmit(body: string): Promise<{ statusCode: number; headers: http.IncomingHttpHeaders; body: string }> {
    const path = this.url.pathname || '/';
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path,
      headers: {
        'host': this.url.host,
        'content-type': 'application/x-amz-json-1.1',
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-target': `secretsmanager.${OPERATION}`,
      },
      body,
    });
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request({
        protocol: this.url.protocol,
        hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this.url.port || undefined,
        method: 'POST',
        path,
        headers: signed.headers,
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({
          statusCode: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }));
      });
      request.setTimeout(this.requestTimeoutMs, () => {
        request.destroy(Object.assign(new Error(`no reply within ${this.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  private currentCredentials(): AwsCredentials {
    const configured = this.options.credentials;
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
    const credentials = configured ?? (AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, sessionToken: AWS_SESSION_TOKEN || undefined }
      : undefined);
    if (!credentials) {
      throw new Error('No AWS credentials for Secrets Manager: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    }
    return credentials;
  }
}

/** The endpoint to call: `override`, else one from the environment, else the regional endpoint. */
export function secretsManagerEndpoint(region: string, override?: string, env: NodeJS.ProcessEnv = process.env): URL {
  const configured = override || SECRETS_MANAGER_ENDPOINT_ENV_VARS.map((name) => env[name]).find((value) => value);
  const endpoint = configured ?? `https://${SECRETS_MANAGER_SIGNING_SERVICE}.${region}.${dnsSuffixFor(region)}`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`Invalid Secrets Manager endpoint URL: "${endpoint}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`Secrets Manager endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  return url;
}

/** A reader for the function's region and endpoint (read at each call: tests change the environment). */
export function secretReaderFromEnvironment(env: NodeJS.ProcessEnv = process.env): SecretReader {
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
  return new SecretsManagerReader({
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : undefined,
    sleep: retrySleepFromEnvironment(env),
  }, env);
}

/** The SecretString of a GetSecretValue reply; an error (without any of the reply) when there is none. */
function secretStringOf(body: string, secretId: string): string {
  let reply: unknown;
  try {
    reply = JSON.parse(body);
  } catch {
    reply = undefined;
  }
  const secretString = reply !== null && typeof reply === 'object' ? (reply as { SecretString?: unknown }).SecretString : undefined;
  if (typeof secretString !== 'string') {
    throw new Error(`the secret ${secretId} has no SecretString (a binary secret, or an unreadable reply)`);
  }
  return secretString;
}
