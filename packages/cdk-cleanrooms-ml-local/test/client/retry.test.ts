import { clientFor, errorReply, FakeService, type Reply } from './fake-service';
import {
  CleanRoomsMlClient,
  CleanRoomsMlNetworkError,
  CleanRoomsMlServiceError,
  type CleanRoomsMlClientOptions,
} from '../../src/client';

const MODEL_ARN = 'arn:aws:cleanrooms-ml:eu-west-1:123456789012:audience-model/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const MODEL = {
  audienceModelArn: MODEL_ARN,
  name: 'lookalike',
  trainingDatasetArn: 'arn:aws:cleanrooms-ml:eu-west-1:123456789012:training-dataset/x',
  status: 'ACTIVE',
  createTime: '2024-07-01T00:00:00Z',
  updateTime: '2024-07-01T00:00:00Z',
};

let service: FakeService;
let client: CleanRoomsMlClient | undefined;
let delays: number[];

beforeEach(async () => {
  service = await new FakeService().start();
  delays = [];
});

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await service.close();
});

/** A client that records the waits it would make instead of making them. */
function recordingClient(options: CleanRoomsMlClientOptions = {}): CleanRoomsMlClient {
  client = clientFor(service, {
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return client;
}

function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => {
    throw new Error('expected the call to fail');
  }, (error: unknown) => error);
}

const TRANSIENT_REPLIES: Array<[string, Reply]> = [
  ['ThrottlingException (429)', errorReply(429, 'ThrottlingException', 'Rate exceeded')],
  ['a 429 without an error type', { status: 429, body: '' }],
  ['InternalServerException (500)', errorReply(500, 'InternalServerException', 'oops')],
  ['a 502 HTML page from a proxy', { status: 502, body: '<html>Bad Gateway</html>' }],
  ['ServiceUnavailable (503)', errorReply(503, 'ServiceUnavailableException', 'busy')],
  ['a connection reset without a reply', 'reset'],
];

test.each(TRANSIENT_REPLIES)('retries after %s, then returns the successful reply', async (_, transient) => {
  service.reply(transient, transient, { body: MODEL });

  const model = await recordingClient().getAudienceModel({ audienceModelArn: MODEL_ARN });

  expect(model.name).toBe('lookalike');
  expect(service.requests).toHaveLength(3);
  expect(delays).toHaveLength(2);
});

test('retries a request that gets no reply within requestTimeoutMs, then succeeds', async () => {
  service.reply('hang', { body: MODEL });

  const model = await recordingClient({ requestTimeoutMs: 100 }).getAudienceModel({ audienceModelArn: MODEL_ARN });

  expect(model.status).toBe('ACTIVE');
  expect(service.requests).toHaveLength(2);
});

test('a retried POST sends the same body again', async () => {
  service.reply(errorReply(500, 'InternalServerException', 'oops'), { body: { audienceModelArn: MODEL_ARN } });

  await recordingClient().createAudienceModel({ name: 'm', trainingDatasetArn: 'arn:t', description: 'd' });

  expect(service.requests.map((r) => r.body)).toEqual([service.requests[0].body, service.requests[0].body]);
  expect(JSON.parse(service.requests[1].body)).toEqual({ name: 'm', trainingDatasetArn: 'arn:t', description: 'd' });
});

const CLIENT_ERRORS: Array<[string, number]> = [
  ['ValidationException', 400],
  ['ServiceQuotaExceededException', 402],
  ['AccessDeniedException', 403],
  ['ResourceNotFoundException', 404],
  ['ConflictException', 409],
];

test.each(CLIENT_ERRORS)('fails at once, without retrying, on %s (HTTP %d)', async (type, status) => {
  service.replyAlways(errorReply(status, type, 'no'));

  const error = await failure(recordingClient().getAudienceModel({ audienceModelArn: MODEL_ARN }));

  expect(error).toMatchObject({ name: type, statusCode: status, retryable: false });
  expect(service.requests).toHaveLength(1);
  expect(delays).toEqual([]);
});

test('fails with the last service error after maxAttempts attempts', async () => {
  service.replyAlways(errorReply(503, 'ServiceUnavailableException', 'still busy'));

  const error = await failure(recordingClient({ maxAttempts: 3 }).listAudienceModels());

  expect(error).toBeInstanceOf(CleanRoomsMlServiceError);
  expect(error).toMatchObject({ name: 'ServiceUnavailableException', statusCode: 503, message: 'still busy', retryable: true });
  expect(service.requests).toHaveLength(3);
  expect(delays).toHaveLength(2);
});

test('fails after 5 attempts by default', async () => {
  service.replyAlways(errorReply(429, 'ThrottlingException', 'Rate exceeded'));

  await expect(recordingClient().listTrainingDatasets()).rejects.toThrow('Rate exceeded');

  expect(service.requests).toHaveLength(5);
});

test('fails with an error naming the operation and the cause when the endpoint refuses connections', async () => {
  const closedPort = service.endpoint;
  await service.close();

  const error = await failure(recordingClient({ endpoint: closedPort, maxAttempts: 3 }).getAudienceModel({ audienceModelArn: MODEL_ARN }));

  expect(error).toBeInstanceOf(CleanRoomsMlNetworkError);
  expect(error).toMatchObject({ operation: 'GetAudienceModel', code: 'ECONNREFUSED', attempts: 3, retryable: true });
  expect((error as Error).message).toMatch(/^GetAudienceModel failed after 3 attempts: .*ECONNREFUSED/);
  expect(delays).toHaveLength(2);
});

test('fails with an error naming the operation when every attempt times out', async () => {
  service.replyAlways('hang');

  const error = await failure(recordingClient({ requestTimeoutMs: 50, maxAttempts: 2 }).getAudienceModel({ audienceModelArn: MODEL_ARN }));

  expect(error).toBeInstanceOf(CleanRoomsMlNetworkError);
  expect((error as Error).message).toBe('GetAudienceModel failed after 2 attempts: ETIMEDOUT no reply within 50 ms');
  expect(service.requests).toHaveLength(2);
});

describe('full-jitter backoff', () => {
  test('waits random() × min(cap, base × 2^retry) before each retry', async () => {
    const randoms = [0.999, 0.5, 0.25, 0.75, 0.1, 0.9];
    service.replyAlways(errorReply(429, 'ThrottlingException', 'Rate exceeded'));

    const jittered = recordingClient({ maxAttempts: 7, retryBaseDelayMs: 100, retryMaxDelayMs: 1000, random: () => randoms[delays.length] });

    await failure(jittered.listAudienceModels());

    const bounds = [100, 200, 400, 800, 1000, 1000];
    expect(delays).toHaveLength(bounds.length);
    delays.forEach((delay, retry) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(bounds[retry]);
      expect(delay).toBeCloseTo(randoms[retry] * bounds[retry], 9);
    });
  });

  test('defaults to a 100 ms base and a 5 s cap', async () => {
    service.replyAlways(errorReply(500, 'InternalServerException', 'oops'));

    await failure(recordingClient({ maxAttempts: 9, random: () => 1 }).listAudienceModels());

    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  test('the waits are spread out, not in step, with the default random source', async () => {
    service.replyAlways(errorReply(429, 'ThrottlingException', 'Rate exceeded'));

    await failure(recordingClient({ maxAttempts: 21, retryBaseDelayMs: 1000, retryMaxDelayMs: 1000 }).listAudienceModels());

    expect(delays.every((delay) => delay >= 0 && delay <= 1000)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  test('really waits between attempts when no sleep is injected', async () => {
    service.reply(errorReply(429, 'ThrottlingException', 'Rate exceeded'), { body: MODEL });
    client = clientFor(service, { sleep: undefined, retryBaseDelayMs: 60, random: () => 1 });

    const started = Date.now();
    await client.getAudienceModel({ audienceModelArn: MODEL_ARN });

    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});

test('never writes to the console, even when a call carrying seed SQL fails', async () => {
  const canary = 'SECRET-CANARY-7f1d';
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation(() => {}));
  service.replyAlways('reset');
  try {
    const error = await failure(recordingClient({ maxAttempts: 2 }).startAudienceGenerationJob({
      name: 'job',
      configuredAudienceModelArn: MODEL_ARN,
      seedAudience: { roleArn: 'arn:aws:iam::123456789012:role/seed', sqlParameters: { queryString: `SELECT '${canary}'`, parameters: { p: canary } } },
    }));

    expect(String((error as Error).stack)).not.toContain(canary);
    expect(JSON.stringify(error)).not.toContain(canary);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
});

describe('retries by time (retryingUntil)', () => {
  /** A client on a clock that the recorded waits move forward, as real sleeps would. */
  function clockedClient(options: CleanRoomsMlClientOptions = {}): { client: CleanRoomsMlClient; clock: { now: number } } {
    const clock = { now: 1_000_000 };
    const base = clientFor(service, {
      sleep: async (ms) => {
        delays.push(ms);
        clock.now += ms;
      },
      now: () => clock.now,
      random: () => 0.5,
      ...options,
    });
    client = base;
    return { client: base, clock };
  }

  test('outlasts more throttling in a row than maxAttempts allows while the deadline is ahead', async () => {
    // Eight throttles in a row: a count of five attempts gives up, a minute of retries does not.
    service.reply(...Array.from({ length: 8 }, () => errorReply(429, 'ThrottlingException', 'Rate exceeded')), { status: 200, body: JSON.stringify(MODEL) });
    const { client: counted, clock } = clockedClient();

    await expect(counted.retryingUntil(clock.now + 60_000).getAudienceModel({ audienceModelArn: MODEL_ARN }))
      .resolves.toMatchObject({ audienceModelArn: MODEL_ARN });

    expect(service.requests).toHaveLength(9);
    expect(clock.now).toBeLessThan(1_000_000 + 60_000);
  });

  test('fails with the last error once the next wait would end past the deadline, however few attempts were made', async () => {
    service.replyAlways(errorReply(503, 'ServiceUnavailableException', 'still busy'));
    const { client: timed, clock } = clockedClient({ maxAttempts: 100 });
    const deadline = clock.now + 2_000;

    const error = await failure(timed.retryingUntil(deadline).listAudienceModels());

    expect(error).toMatchObject({ name: 'ServiceUnavailableException', statusCode: 503, message: 'still busy' });
    expect(clock.now).toBeLessThanOrEqual(deadline);
    // The waits grow (full jitter at 0.5: 50, 100, 200, 400, 800 ms), and the one that would pass 2 s is not made.
    expect(delays).toEqual([50, 100, 200, 400, 800]);
    expect(service.requests).toHaveLength(6);
  });

  test('never retries a client error, deadline or not', async () => {
    service.replyAlways(errorReply(400, 'ValidationException', 'bad name'));
    const { client: timed, clock } = clockedClient();

    await expect(timed.retryingUntil(clock.now + 60_000).listAudienceModels()).rejects.toMatchObject({ name: 'ValidationException' });

    expect(service.requests).toHaveLength(1);
  });

  test('leaves the client it came from retrying by count', async () => {
    service.replyAlways(errorReply(429, 'ThrottlingException', 'Rate exceeded'));
    const { client: counted, clock } = clockedClient();
    counted.retryingUntil(clock.now + 60_000);

    await expect(counted.listTrainingDatasets()).rejects.toThrow('Rate exceeded');

    expect(service.requests).toHaveLength(5);
  });
});

describe('retries within a budget of waits (retryingWithin)', () => {
  test('retries until the next wait would pass what is left of the budget, counting waits, not the clock', async () => {
    service.replyAlways(errorReply(503, 'ServiceUnavailableException', 'still busy'));
    // A clock that runs far ahead on every request, as the local runner's scaled clock does: the budget ignores it.
    let clock = 0;
    const timed = recordingClient({ maxAttempts: 100, random: () => 0.5, now: () => (clock += 1_000_000) });

    await expect(timed.retryingWithin(1_600).listAudienceModels()).rejects.toMatchObject({ name: 'ServiceUnavailableException' });

    // 50 + 100 + 200 + 400 + 800 = 1,550 ms waited; the next wait (1,600 ms) would pass the budget.
    expect(delays).toEqual([50, 100, 200, 400, 800]);
    expect(service.requests).toHaveLength(6);
  });

  test('shares the budget between the calls of one view', async () => {
    service.reply(...Array.from({ length: 4 }, () => errorReply(429, 'ThrottlingException', 'Rate exceeded')), { status: 200, body: JSON.stringify(MODEL) });
    service.replyAlways(errorReply(429, 'ThrottlingException', 'Rate exceeded'));
    const view = recordingClient({ random: () => 0.5 }).retryingWithin(1_000);

    await expect(view.getAudienceModel({ audienceModelArn: MODEL_ARN })).resolves.toMatchObject({ audienceModelArn: MODEL_ARN });
    // 50 + 100 + 200 + 400 = 750 ms spent: the second call may wait 50 + 100 ms, not 200 more.
    await expect(view.listAudienceModels()).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(delays).toEqual([50, 100, 200, 400, 50, 100]);
  });
});
