import * as http from 'node:http';
import * as https from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { resolveEndpoint, resolveRegion, SIGNING_SERVICE } from './endpoint';
import { CleanRoomsMlNetworkError, CleanRoomsMlServiceError, parseServiceError } from './errors';
import { OPERATIONS, type OperationBinding, type OperationName } from './operations';
import { reviveTimestamps } from './response-timestamps';
import {
  backoffDelay,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  isRetryable,
  networkErrorCode,
  type RetryPolicy,
} from './retry';
import type * as api from './types';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Called before every attempt, so it can hand out refreshed credentials. */
export type AwsCredentialsProvider = () => AwsCredentials | Promise<AwsCredentials>;

export interface CleanRoomsMlClientOptions {
  /**
   * @default - `AWS_REGION`, then `AWS_DEFAULT_REGION`
   */
  readonly region?: string;
  /**
   * Base URL of the service, e.g. the local emulator's.
   * @default - `AWS_ENDPOINT_URL_CLEANROOMSML`, then `AWS_ENDPOINT_URL`, then `https://cleanrooms-ml.<region>.<partition DNS suffix>`
   */
  readonly endpoint?: string;
  /**
   * @default - `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, read at each request
   *   because Lambda rotates them in a warm execution environment
   */
  readonly credentials?: AwsCredentials | AwsCredentialsProvider;
  /**
   * Attempts per call, the first included.
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * @default 100
   */
  readonly retryBaseDelayMs?: number;
  /**
   * Upper bound of a single wait between attempts.
   * @default 5000
   */
  readonly retryMaxDelayMs?: number;
  /**
   * How long a request may go without any activity on its connection before it is abandoned (and retried).
   * @default 30000
   */
  readonly requestTimeoutMs?: number;
  /** Waits between attempts; tests replace it. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * The clock of `retryingUntil` deadlines, in the same milliseconds as `sleep`.
   * @default Date.now
   */
  readonly now?: () => number;
  /** A number in [0, 1) for the backoff jitter; tests replace it. */
  readonly random?: () => number;
}

interface SerializedRequest {
  readonly method: OperationBinding['method'];
  /** Already URL-encoded, endpoint base path included. */
  readonly path: string;
  readonly query: Record<string, string | string[]>;
  readonly body?: string;
}

interface RawReply {
  readonly statusCode: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * A typed client of the Clean Rooms ML API (restJson1 over SigV4), with the
 * operation names and shapes of the AWS SDK v3 client. It never logs: inputs
 * include sensitive seed SQL parameters.
 *
 * Hand-written only because `@aws-sdk/client-cleanroomsml` is not served by
 * the npm registry this project is built from; every other AWS service the
 * handlers call goes through its official SDK v3 client (Secrets Manager).
 * Its operations, shapes and errors are held to AWS's current service model
 * by the tests, so moving to the official client is a change of imports.
 */
export class CleanRoomsMlClient {
  public readonly region: string;
  /** The base URL requests go to. */
  public readonly endpoint: string;

  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly agent: http.Agent;
  private readonly retryPolicy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** Set on the views `retryingUntil` makes: retries go on until then, whatever their number. */
  private readonly retryDeadline?: number;
  /** Set on the views `retryingWithin` makes: what is left of their waiting budget, shared by their calls. */
  private readonly retryWaitBudget?: { remainingMs: number };
  private readonly configuredCredentials?: AwsCredentials | AwsCredentialsProvider;

  constructor(options: CleanRoomsMlClientOptions = {}) {
    this.region = resolveRegion(options.region);
    this.url = resolveEndpoint(this.region, options.endpoint);
    this.endpoint = this.url.toString();
    this.configuredCredentials = options.credentials;
    this.retryPolicy = {
      maxAttempts: positiveInteger('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      baseDelayMs: nonNegative('retryBaseDelayMs', options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS),
      maxDelayMs: nonNegative('retryMaxDelayMs', options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS),
      random: options.random ?? Math.random,
    };
    this.requestTimeoutMs = positiveInteger('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.signer = new SignatureV4({
      service: SIGNING_SERVICE,
      region: this.region,
      credentials: () => this.currentCredentials(),
      sha256: Sha256,
    });
    // Keep-alive saves a TLS handshake per call, which adds up over an isComplete polling loop.
    this.agent = this.url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  public createTrainingDataset(input: api.CreateTrainingDatasetRequest): Promise<api.CreateTrainingDatasetResponse> {
    return this.send('CreateTrainingDataset', input);
  }

  public getTrainingDataset(input: api.GetTrainingDatasetRequest): Promise<api.GetTrainingDatasetResponse> {
    return this.send('GetTrainingDataset', input);
  }

  public listTrainingDatasets(input: api.ListTrainingDatasetsRequest = {}): Promise<api.ListTrainingDatasetsResponse> {
    return this.send('ListTrainingDatasets', input);
  }

  public deleteTrainingDataset(input: api.DeleteTrainingDatasetRequest): Promise<api.DeleteTrainingDatasetResponse> {
    return this.send('DeleteTrainingDataset', input);
  }

  public createAudienceModel(input: api.CreateAudienceModelRequest): Promise<api.CreateAudienceModelResponse> {
    return this.send('CreateAudienceModel', input);
  }

  public getAudienceModel(input: api.GetAudienceModelRequest): Promise<api.GetAudienceModelResponse> {
    return this.send('GetAudienceModel', input);
  }

  public listAudienceModels(input: api.ListAudienceModelsRequest = {}): Promise<api.ListAudienceModelsResponse> {
    return this.send('ListAudienceModels', input);
  }

  public deleteAudienceModel(input: api.DeleteAudienceModelRequest): Promise<api.DeleteAudienceModelResponse> {
    return this.send('DeleteAudienceModel', input);
  }

  public createConfiguredAudienceModel(input: api.CreateConfiguredAudienceModelRequest): Promise<api.CreateConfiguredAudienceModelResponse> {
    return this.send('CreateConfiguredAudienceModel', input);
  }

  public getConfiguredAudienceModel(input: api.GetConfiguredAudienceModelRequest): Promise<api.GetConfiguredAudienceModelResponse> {
    return this.send('GetConfiguredAudienceModel', input);
  }

  public updateConfiguredAudienceModel(input: api.UpdateConfiguredAudienceModelRequest): Promise<api.UpdateConfiguredAudienceModelResponse> {
    return this.send('UpdateConfiguredAudienceModel', input);
  }

  public listConfiguredAudienceModels(input: api.ListConfiguredAudienceModelsRequest = {}): Promise<api.ListConfiguredAudienceModelsResponse> {
    return this.send('ListConfiguredAudienceModels', input);
  }

  public deleteConfiguredAudienceModel(input: api.DeleteConfiguredAudienceModelRequest): Promise<api.DeleteConfiguredAudienceModelResponse> {
    return this.send('DeleteConfiguredAudienceModel', input);
  }

  public putConfiguredAudienceModelPolicy(input: api.PutConfiguredAudienceModelPolicyRequest): Promise<api.PutConfiguredAudienceModelPolicyResponse> {
    return this.send('PutConfiguredAudienceModelPolicy', input);
  }

  public getConfiguredAudienceModelPolicy(input: api.GetConfiguredAudienceModelPolicyRequest): Promise<api.GetConfiguredAudienceModelPolicyResponse> {
    return this.send('GetConfiguredAudienceModelPolicy', input);
  }

  public deleteConfiguredAudienceModelPolicy(
    input: api.DeleteConfiguredAudienceModelPolicyRequest,
  ): Promise<api.DeleteConfiguredAudienceModelPolicyResponse> {
    return this.send('DeleteConfiguredAudienceModelPolicy', input);
  }

  public startAudienceGenerationJob(input: api.StartAudienceGenerationJobRequest): Promise<api.StartAudienceGenerationJobResponse> {
    return this.send('StartAudienceGenerationJob', input);
  }

  public getAudienceGenerationJob(input: api.GetAudienceGenerationJobRequest): Promise<api.GetAudienceGenerationJobResponse> {
    return this.send('GetAudienceGenerationJob', input);
  }

  public listAudienceGenerationJobs(input: api.ListAudienceGenerationJobsRequest = {}): Promise<api.ListAudienceGenerationJobsResponse> {
    return this.send('ListAudienceGenerationJobs', input);
  }

  public deleteAudienceGenerationJob(input: api.DeleteAudienceGenerationJobRequest): Promise<api.DeleteAudienceGenerationJobResponse> {
    return this.send('DeleteAudienceGenerationJob', input);
  }

  /** The service answers with no identifier: find the job again with listAudienceExportJobs. */
  public startAudienceExportJob(input: api.StartAudienceExportJobRequest): Promise<api.StartAudienceExportJobResponse> {
    return this.send('StartAudienceExportJob', input);
  }

  public listAudienceExportJobs(input: api.ListAudienceExportJobsRequest = {}): Promise<api.ListAudienceExportJobsResponse> {
    return this.send('ListAudienceExportJobs', input);
  }

  public tagResource(input: api.TagResourceRequest): Promise<api.TagResourceResponse> {
    return this.send('TagResource', input);
  }

  public untagResource(input: api.UntagResourceRequest): Promise<api.UntagResourceResponse> {
    return this.send('UntagResource', input);
  }

  public listTagsForResource(input: api.ListTagsForResourceRequest): Promise<api.ListTagsForResourceResponse> {
    return this.send('ListTagsForResource', input);
  }

  /**
   * This client — its connections, credentials and settings shared — retrying
   * each call's throttling, 5xx and network failures until `deadline` (by the
   * `now` clock) instead of `maxAttempts` times. A count of attempts gives up
   * on a burst of throttling that a caller with time left would outlast (at
   * 30 % throttling, one call in 400 meets five in a row); a deadline spends
   * the time the caller has, and no more.
   */
  public retryingUntil(deadline: number): CleanRoomsMlClient {
    return this.view({ retryDeadline: deadline });
  }

  /**
   * Like `retryingUntil`, but the time is the sum of the waits between
   * attempts (all calls of the view together), not the clock: for a client
   * whose waits are scaled while its requests are not — under the local
   * deploy runner, whose scaled clock would charge each local request's real
   * latency thousands of times over — so that it makes the attempts the same
   * budget makes on AWS.
   */
  public retryingWithin(waitBudgetMs: number): CleanRoomsMlClient {
    return this.view({ retryWaitBudget: { remainingMs: waitBudgetMs } });
  }

  /** This client with its own retry limit: connections, signer and settings shared. */
  private view(limit: { retryDeadline: number } | { retryWaitBudget: { remainingMs: number } }): CleanRoomsMlClient {
    return Object.assign(Object.create(CleanRoomsMlClient.prototype) as CleanRoomsMlClient, this, limit);
  }

  /** Closes the kept-alive connections, so a short-lived process (a CLI, a test) can exit. */
  public destroy(): void {
    this.agent.destroy();
  }

  private async send<O extends OperationName>(operation: O, input: api.OperationShapes[O]['input']): Promise<api.OperationShapes[O]['output']> {
    const request = serializeRequest(operation, input as object, this.url.pathname);
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.transmit(await this.sign(request));
        return parseReply(operation, reply) as api.OperationShapes[O]['output'];
      } catch (err) {
        const byCount = this.retryDeadline === undefined && this.retryWaitBudget === undefined;
        if (!isRetryable(err) || (byCount && attempt >= this.retryPolicy.maxAttempts)) {
          throw describeFailure(operation, err, attempt);
        }
        const delay = backoffDelay(attempt - 1, this.retryPolicy);
        if (this.retryDeadline !== undefined && this.now() + delay >= this.retryDeadline) {
          throw describeFailure(operation, err, attempt);
        }
        if (this.retryWaitBudget !== undefined) {
          if (delay > this.retryWaitBudget.remainingMs) {
            throw describeFailure(operation, err, attempt);
          }
          this.retryWaitBudget.remainingMs -= delay;
        }
        await this.sleep(delay);
      }
    }
  }

  private async sign(request: SerializedRequest) {
    const headers: Record<string, string> = { host: this.url.host };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    // Signed per attempt: a retry gets a fresh date and, on Lambda, the current credentials.
    return this.signer.sign({
      method: request.method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    });
  }

  private transmit(signed: Awaited<ReturnType<CleanRoomsMlClient['sign']>>): Promise<RawReply> {
    const queryString = formatQuery(signed.query ?? {});
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise<RawReply>((resolve, reject) => {
      const request = transport.request({
        protocol: this.url.protocol,
        hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this.url.port || undefined,
        method: signed.method,
        path: queryString ? `${signed.path}?${queryString}` : signed.path,
        headers: signed.headers,
        agent: this.agent,
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('close', () => {
          if (!response.complete) reject(Object.assign(new Error('connection closed before the reply was complete'), { code: 'ECONNRESET' }));
        });
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
      request.end(signed.body);
    });
  }

  private async currentCredentials(): Promise<AwsCredentials> {
    const configured = this.configuredCredentials;
    const credentials = typeof configured === 'function' ? await configured() : configured ?? credentialsFromEnvironment();
    if (!credentials?.accessKeyId || !credentials.secretAccessKey) {
      throw new Error('No AWS credentials for the Clean Rooms ML client: pass `credentials` or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    }
    return credentials;
  }
}

function credentialsFromEnvironment(): AwsCredentials | undefined {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) return undefined;
  return { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, sessionToken: AWS_SESSION_TOKEN || undefined };
}

/** restJson1: labels in the path, listed members in the query, every other member in a JSON body. */
function serializeRequest(operation: OperationName, input: object, basePath: string): SerializedRequest {
  const binding: OperationBinding = OPERATIONS[operation];
  const members: Record<string, unknown> = { ...input };
  const path = binding.path.replace(/\{(\w+)\}/g, (_, label: string) => {
    const value = members[label];
    if (typeof value !== 'string' || value === '') {
      throw new Error(`${operation} needs a non-empty ${label}`);
    }
    // One path segment even though ARNs contain `/` and `:`.
    return escapeUri(value);
  });
  binding.pathParams.forEach((label) => delete members[label]);

  const query: Record<string, string | string[]> = {};
  for (const name of binding.queryParams) {
    const value = members[name];
    delete members[name];
    if (value === undefined || value === null) continue;
    query[name] = Array.isArray(value) ? value.map(String) : String(value);
  }

  const hasBody = binding.method !== 'GET' && binding.method !== 'DELETE';
  return {
    method: binding.method,
    path: `${basePath.replace(/\/+$/, '')}${path}`,
    query,
    // JSON.stringify drops undefined members and writes Dates as ISO-8601.
    body: hasBody ? JSON.stringify(members) : undefined,
  };
}

function parseReply(operation: OperationName, reply: RawReply): object {
  if (reply.statusCode < 200 || reply.statusCode >= 300) {
    throw parseServiceError({ ...reply, operation });
  }
  if (reply.body.trim() === '') return {};
  let output: unknown;
  try {
    output = JSON.parse(reply.body);
  } catch {
    output = undefined;
  }
  if (output === null || typeof output !== 'object' || Array.isArray(output)) {
    throw new CleanRoomsMlServiceError({
      name: 'InvalidResponseError',
      message: `${operation} answered HTTP ${reply.statusCode} with a body that is not a JSON object`,
      statusCode: reply.statusCode,
      operation,
      retryable: false,
    });
  }
  reviveTimestamps(operation, output as Record<string, unknown>);
  return output;
}

/** The error a caller sees once no attempt is left: a network failure says which operation failed and why. */
function describeFailure(operation: OperationName, err: unknown, attempts: number): unknown {
  if (err instanceof CleanRoomsMlServiceError) return err;
  const code = networkErrorCode(err);
  return code !== undefined ? new CleanRoomsMlNetworkError(operation, code, attempts, err as Error) : err;
}

/** RFC 3986 escaping, as SigV4 canonicalizes: encodeURIComponent plus `!'()*`. */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function formatQuery(query: Record<string, string | string[] | null>): string {
  return Object.entries(query)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${escapeUri(name)}=${escapeUri(item ?? '')}`))
    .join('&');
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${option} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${option} must be a non-negative number, got ${value}`);
  return value;
}
