/**
 * The retry strategy the handlers give the AWS SDK clients they use (the
 * Lambda runtime's: Secrets Manager, AWS Clean Rooms) when the waits must be
 * their own: the SDK's retry decisions (its classification of each error:
 * throttling, transient and server errors are retried, client errors
 * never) with the full-jitter backoff of the Clean Rooms ML client, waited
 * with `sleep` inside the strategy (the SDK's retry middleware then waits
 * the token's delay, zero). Under the local deploy runner `sleep` is its
 * scaled time (retrySleepFromEnvironment).
 */
import type * as SecretsManagerSdk from '@aws-sdk/client-secrets-manager';
import {
  backoffDelay,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  type RetryPolicy,
} from 'cdk-cleanrooms-ml-local/lib/client/retry';
import { retrySleepFromEnvironment } from './runtime';

// Every v3 client takes the same smithy retry strategy; Secrets Manager's config names its type.
type RetryStrategyV2 = Extract<NonNullable<SecretsManagerSdk.SecretsManagerClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

export class SleepingRetryStrategy implements RetryStrategyV2 {
  private readonly policy: RetryPolicy;

  constructor(maxAttempts: number, private readonly sleep: (ms: number) => Promise<void>) {
    this.policy = { maxAttempts, baseDelayMs: DEFAULT_RETRY_BASE_DELAY_MS, maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS, random: Math.random };
  }

  public async acquireInitialRetryToken(): Promise<RetryToken> {
    return retryToken(0);
  }

  public async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    if (errorInfo.errorType === 'CLIENT_ERROR' || retries + 1 >= this.policy.maxAttempts) {
      throw new Error('No retry token available');
    }
    await this.sleep(backoffDelay(retries, this.policy));
    return retryToken(retries + 1);
  }

  public recordSuccess(): void {}
}

function retryToken(retries: number): RetryToken {
  return { getRetryCount: () => retries, getRetryDelay: () => 0 };
}

/** What every AWS SDK client of the handlers is built with. */
export interface SdkClientOptions {
  readonly maxAttempts: number;
  readonly retryStrategy?: SleepingRetryStrategy;
  readonly requestHandler: { readonly requestTimeout: number };
}

/**
 * Options for an AWS SDK client in the function's environment:
 * `AWS_MAX_ATTEMPTS`, as in the AWS SDKs, bounds the attempts; under the
 * local deploy runner the waits between them are its scaled time.
 */
export function sdkClientOptionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): SdkClientOptions {
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  const maxAttempts = Number.isInteger(attempts) && attempts > 0 ? attempts : DEFAULT_MAX_ATTEMPTS;
  const sleep = retrySleepFromEnvironment(env);
  return {
    maxAttempts,
    retryStrategy: sleep ? new SleepingRetryStrategy(maxAttempts, sleep) : undefined,
    requestHandler: { requestTimeout: 30_000 },
  };
}
