/**
 * The Secrets Manager reader (the AWS SDK's client) against a local
 * Secrets Manager speaking awsJson1.1 (SecretsManagerEmulator): the endpoint and
 * region it takes from the environment, its retries, and its errors, which
 * name the secret and never hold its value.
 */
import { SecretsManagerEmulator } from 'cdk-cleanrooms-ml-local';
import { LOCAL_TIME_SCALE_ENV } from 'cdk-cleanrooms-ml-local/lib/runner/handler-environment';
import { SecretsManagerReader, secretReaderFromEnvironment } from '../src/secrets/secrets-manager';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:seed-params-AbCdEf';
/** A unique secret value: it must appear in no error and no log line. */
const CANARY = 'Canary-secret-value-8e41d2b7c9';
const ENV = [
  'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL', 'AWS_MAX_ATTEMPTS',
  LOCAL_TIME_SCALE_ENV,
];

let secrets: SecretsManagerEmulator;
const savedEnv: Record<string, string | undefined> = {};
let consoleCalls: unknown[][];
let spies: jest.SpyInstance[];

beforeAll(async () => {
  secrets = await SecretsManagerEmulator.start();
});
afterAll(async () => {
  await secrets.stop();
});
beforeEach(() => {
  for (const name of ENV) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
  // What a Lambda function has, and no shared config or credentials file of the machine's.
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: '/nonexistent/aws/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws/credentials',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  });
  secrets.reset();
  consoleCalls = [];
  spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const)
    .map((method) => jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push(args)));
});
afterEach(() => {
  spies.forEach((spy) => spy.mockRestore());
  for (const name of ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

/** Sleeps that take no time, counted. */
function instantSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

async function failureOf(read: Promise<unknown>): Promise<Error> {
  try {
    await read;
  } catch (err) {
    return err as Error;
  }
  throw new Error('the read succeeded');
}

test('reads the SecretString with one signed awsJson1.1 GetSecretValue, in the region of AWS_REGION; logs nothing', async () => {
  secrets.put(SECRET, CANARY);

  await expect(new SecretsManagerReader().getSecretString(SECRET)).resolves.toBe(CANARY);

  expect(secrets.requests).toEqual([{
    target: 'secretsmanager.GetSecretValue',
    authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, /),
    secretId: SECRET,
  }]);
  expect(consoleCalls).toEqual([]);
});

test('calls AWS_ENDPOINT_URL when no AWS_ENDPOINT_URL_SECRETS_MANAGER is set, and the more specific one when both are', async () => {
  const other = await SecretsManagerEmulator.start();
  try {
    secrets.put(SECRET, 'from the service-specific endpoint');
    other.put(SECRET, 'from the general endpoint');
    process.env.AWS_ENDPOINT_URL = other.endpoint;

    await expect(new SecretsManagerReader().getSecretString(SECRET)).resolves.toBe('from the service-specific endpoint');
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    await expect(new SecretsManagerReader().getSecretString(SECRET)).resolves.toBe('from the general endpoint');

    expect(secrets.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(1);
  } finally {
    await other.stop();
  }
});

test('ResourceNotFoundException: the error names the secret and the service\'s error; no retry', async () => {
  const error = await failureOf(new SecretsManagerReader({ sleep: instantSleep().sleep }).getSecretString(SECRET));

  expect(error.message).toBe(
    `GetSecretValue of the secret ${SECRET} failed with ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
  );
  expect(secrets.requests).toHaveLength(1);
  expect(consoleCalls).toEqual([]);
});

test('a secret without a SecretString (a binary secret) fails, naming the secret and not quoting its value', async () => {
  secrets.put(SECRET, Buffer.from(CANARY));

  const error = await failureOf(new SecretsManagerReader().getSecretString(SECRET));

  expect(error.message).toBe(`the secret ${SECRET} has no SecretString (a binary secret?): only a secret string can be read`);
  expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain(CANARY);
  expect(`${error.message}\n${error.stack}`).not.toContain(Buffer.from(CANARY).toString('base64'));
});

test('the secret value appears in no error, whatever the reply that carries it', async () => {
  // Short enough for JSON.parse's messages to quote it whole.
  const value = 's3cr3t!';
  const reader = new SecretsManagerReader({ maxAttempts: 1 });
  const replies: Array<[number, string, string]> = [
    [200, value, ': its reply (HTTP 200) is not the JSON Secrets Manager answers with'],
    [200, `{"SecretString": "${value}"`, ': its reply (HTTP 200) is not the JSON Secrets Manager answers with'],
    [400, `<b>${value}</b>`, ': its reply (HTTP 400) is not the JSON Secrets Manager answers with'],
    [500, JSON.stringify({ __type: 'InternalServiceError', Message: 'failed', SecretString: value }), ' with InternalServiceError: failed'],
  ];
  for (const [statusCode, body, failure] of replies) {
    secrets.replyNext(statusCode, body);

    const error = await failureOf(reader.getSecretString(SECRET));

    expect(error.message).toBe(`GetSecretValue of the secret ${SECRET} failed${failure}`);
    expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain(value);
  }
  expect(consoleCalls).toEqual([]);
});

test('retries throttling and 5xx with the SDK\'s classification, waiting with the given sleep, up to maxAttempts', async () => {
  secrets.put(SECRET, CANARY);
  secrets.throttleNext(1);
  secrets.replyNext(503, JSON.stringify({ __type: 'InternalServiceError', Message: 'unavailable' }));
  const { sleep, waits } = instantSleep();

  await expect(new SecretsManagerReader({ maxAttempts: 3, sleep }).getSecretString(SECRET)).resolves.toBe(CANARY);
  expect(secrets.requests).toHaveLength(3);
  expect(waits).toHaveLength(2);

  secrets.reset();
  secrets.throttleNext(5);
  const error = await failureOf(new SecretsManagerReader({ maxAttempts: 2, sleep }).getSecretString(SECRET));
  expect(error.message).toBe(`GetSecretValue of the secret ${SECRET} failed with ThrottlingException: Rate exceeded`);
  expect(secrets.requests).toHaveLength(2);
});

test('a client error (AccessDeniedException) is not retried', async () => {
  secrets.replyNext(400, JSON.stringify({ __type: 'AccessDeniedException', Message: 'not authorized to perform secretsmanager:GetSecretValue' }));
  const { sleep, waits } = instantSleep();

  const error = await failureOf(new SecretsManagerReader({ sleep }).getSecretString(SECRET));

  expect(error.message).toBe(
    `GetSecretValue of the secret ${SECRET} failed with AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue`,
  );
  expect(secrets.requests).toHaveLength(1);
  expect(waits).toEqual([]);
});

test('without a sleep, the SDK\'s own retry strategy retries (standard mode)', async () => {
  secrets.put(SECRET, CANARY);
  secrets.replyNext(500, JSON.stringify({ __type: 'InternalServiceError', Message: 'failed' }));

  await expect(new SecretsManagerReader({ maxAttempts: 2 }).getSecretString(SECRET)).resolves.toBe(CANARY);
  expect(secrets.requests).toHaveLength(2);
});

test('an endpoint that does not answer: the error names the secret after the attempts are spent', async () => {
  const gone = await SecretsManagerEmulator.start();
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = gone.endpoint;
  await gone.stop();
  const { sleep, waits } = instantSleep();

  const error = await failureOf(new SecretsManagerReader({ maxAttempts: 2, sleep }).getSecretString(SECRET));

  expect(error.message).toMatch(new RegExp(`^GetSecretValue of the secret ${SECRET} failed.*ECONNREFUSED`));
  expect(waits).toHaveLength(1);
});

describe('secretReaderFromEnvironment', () => {
  test('AWS_MAX_ATTEMPTS bounds the attempts', async () => {
    process.env.AWS_MAX_ATTEMPTS = '2';
    process.env[LOCAL_TIME_SCALE_ENV] = '0.001';
    secrets.throttleNext(5);

    await failureOf(secretReaderFromEnvironment().getSecretString(SECRET));

    expect(secrets.requests).toHaveLength(2);
  });

  test('under the local deploy runner, the waits between attempts are its scaled time', async () => {
    process.env[LOCAL_TIME_SCALE_ENV] = '0.001';
    secrets.put(SECRET, CANARY);
    secrets.throttleNext(4);
    const started = Date.now();

    await expect(secretReaderFromEnvironment().getSecretString(SECRET)).resolves.toBe(CANARY);

    // Four waits of up to 0.1, 0.2, 0.4 and 0.8 s of the runner's time, at a thousandth of it.
    expect(secrets.requests).toHaveLength(5);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

test('when the SDK cannot be loaded, says so, naming the secret', async () => {
  await jest.isolateModulesAsync(async () => {
    jest.doMock('@aws-sdk/client-secrets-manager', () => {
      throw Object.assign(new Error('Cannot find module \'@aws-sdk/client-secrets-manager\''), { code: 'MODULE_NOT_FOUND' });
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const isolated = require('../src/secrets/secrets-manager') as typeof import('../src/secrets/secrets-manager');

    const error = await failureOf(new isolated.SecretsManagerReader().getSecretString(SECRET));

    expect(error.message).toBe(
      `cannot read the secret ${SECRET}: @aws-sdk/client-secrets-manager cannot be loaded `
      + '(the Lambda Node.js runtime provides it; elsewhere it must be installed)',
    );
  });
  expect(secrets.requests).toEqual([]);
});
