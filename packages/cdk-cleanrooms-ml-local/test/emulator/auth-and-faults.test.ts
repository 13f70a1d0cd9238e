import { caught, emulatorClient, rawRequest, trainingDatasetRequest } from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import { ServiceError } from '../fixtures/model-client';

describe('SigV4', () => {
  let emulator: CleanRoomsMlEmulator;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start();
  });
  afterAll(() => emulator.stop());

  test('fails: an unsigned request is a 403 MissingAuthenticationTokenException', async () => {
    const response = await rawRequest(emulator.endpoint, 'GET', '/training-dataset', { sign: false });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(response.body).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  test('fails: a request signed with the wrong secret key is a 403 InvalidSignatureException', async () => {
    const client = emulatorClient(emulator, { credentials: { accessKeyId: 'test', secretAccessKey: 'not-the-secret' } });

    const refused = await caught(client.send('CreateTrainingDataset', trainingDatasetRequest('data')));

    expect(refused).toMatchObject({ code: 'InvalidSignatureException', statusCode: 403 });
    expect(refused.message).toContain('does not match the signature you provided');
    expect(emulator.inventory().trainingDatasets).toEqual([]);
  });

  test('fails: an access key the emulator does not know is a 403 UnrecognizedClientException', async () => {
    const client = emulatorClient(emulator, { credentials: { accessKeyId: 'AKIAEXAMPLEOTHER', secretAccessKey: 'test' } });

    expect(await caught(client.send('ListTrainingDatasets'))).toMatchObject({ code: 'UnrecognizedClientException', statusCode: 403 });
  });

  test('fails: a request signed for another region is a 403 InvalidSignatureException', async () => {
    const client = emulatorClient(emulator, { region: 'eu-west-1' });

    const refused = await caught(client.send('ListTrainingDatasets'));

    expect(refused).toMatchObject({ code: 'InvalidSignatureException', statusCode: 403 });
    expect(refused.message).toContain("'eu-west-1'");
  });

  test('fails: a body changed after signing is a 403 InvalidSignatureException', async () => {
    const signedBody = JSON.stringify(trainingDatasetRequest('what-was-signed'));
    const sentBody = JSON.stringify(trainingDatasetRequest('what-was-sent'));

    const response = await rawRequest(emulator.endpoint, 'POST', '/training-dataset', { body: sentBody, signBody: signedBody });

    expect(response.status).toBe(403);
    expect(response.body.__type).toBe('InvalidSignatureException');
  });

  test('fails: an Authorization header that is not SigV4 is a 400 IncompleteSignatureException', async () => {
    const response = await fetch(`${emulator.endpoint}/training-dataset`, { headers: { Authorization: 'Bearer abc' } });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  test('a signed raw request with a query string and the SDK with list query parameters are both accepted', async () => {
    const client = emulatorClient(emulator);
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('signed', { tags: { a: '1', b: '2', c: '3' } }));

    const raw = await rawRequest(emulator.endpoint, 'GET', '/training-dataset?maxResults=1');
    await client.send('UntagResource', { resourceArn: trainingDatasetArn, tagKeys: ['a', 'c'] });

    expect(raw.status).toBe(200);
    expect((await client.send('ListTagsForResource', { resourceArn: trainingDatasetArn })).tags).toEqual({ b: '2' });
  });

  test('with verifySignature false, any well-formed signature passes but an unsigned request still does not', async () => {
    const lenient = await CleanRoomsMlEmulator.start({ verifySignature: false });
    try {
      const client = emulatorClient(lenient, { credentials: { accessKeyId: 'whatever', secretAccessKey: 'anything' }, region: 'eu-west-1' });
      const { trainingDatasets } = await client.send('ListTrainingDatasets');
      const unsigned = await rawRequest(lenient.endpoint, 'GET', '/training-dataset', { sign: false });

      expect(trainingDatasets).toEqual([]);
      expect(unsigned.status).toBe(403);
    } finally {
      await lenient.stop();
    }
  });

  test('the emulator can be given its own credentials', async () => {
    const custom = await CleanRoomsMlEmulator.start({ credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' } });
    try {
      const good = emulatorClient(custom, { credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' } });
      const defaults = emulatorClient(custom);

      expect((await good.send('ListTrainingDatasets')).trainingDatasets).toEqual([]);
      expect((await caught(defaults.send('ListTrainingDatasets'))).code).toBe('UnrecognizedClientException');
    } finally {
      await custom.stop();
    }
  });
});

describe('injected faults', () => {
  /** Runs the same 40 list calls and reports which were throttled. */
  async function throttlePattern(seed: number): Promise<boolean[]> {
    const emulator = await CleanRoomsMlEmulator.start({ faults: { throttleRate: 0.3, seed } });
    try {
      const client = emulatorClient(emulator);
      const pattern: boolean[] = [];
      for (let call = 0; call < 40; call++) {
        const outcome = await client.send('ListTrainingDatasets').then(() => undefined, (error: { code: string }) => error.code);
        expect([undefined, 'ThrottlingException']).toContain(outcome);
        pattern.push(outcome === 'ThrottlingException');
      }
      expect(emulator.stats().totalThrottled).toBe(pattern.filter(Boolean).length);
      return pattern;
    } finally {
      await emulator.stop();
    }
  }

  test('fails: with throttleRate 0.3 about 30% of calls are throttled, in the same places for the same seed', async () => {
    const first = await throttlePattern(7);
    const second = await throttlePattern(7);
    const otherSeed = await throttlePattern(8);

    const throttled = first.filter(Boolean).length;
    expect(throttled).toBeGreaterThanOrEqual(6);
    expect(throttled).toBeLessThanOrEqual(18);
    expect(second).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  /**
   * Creates each dataset, retrying by hand until it succeeds, with `pollsBefore(index)` list calls before each;
   * returns, per create, the outcome of every attempt.
   */
  async function createAttempts(seed: number, names: string[], pollsBefore: (index: number) => number): Promise<string[][]> {
    const emulator = await CleanRoomsMlEmulator.start({ faults: { throttleRate: 0.3, serverErrorRate: 0.2, seed } });
    try {
      const client = emulatorClient(emulator);
      const outcomes: string[][] = [];
      for (const [index, name] of names.entries()) {
        for (let poll = 0; poll < pollsBefore(index); poll++) {
          await client.send('ListTrainingDatasets').catch(() => undefined);
        }
        const attempts: string[] = [];
        while (attempts[attempts.length - 1] !== 'created') {
          expect(attempts.length).toBeLessThan(50);
          attempts.push(await client.send('CreateTrainingDataset', trainingDatasetRequest(name)).then(() => 'created', (error: { code: string }) => error.code));
        }
        outcomes.push(attempts);
      }
      return outcomes;
    } finally {
      await emulator.stop();
    }
  }

  test('the same seed faults the same logical calls whatever the calls in between and whatever names they carry', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `dataset-${index}`);
    // As on a slow and on a fast machine: a different number of status polls between the creates, and other generated names.
    const fewPolls = await createAttempts(11, names, () => 0);
    const manyPolls = await createAttempts(11, names.map((name) => `${name}-other-request-id`), (index) => 1 + (index * 7) % 5);
    const otherSeed = await createAttempts(12, names, () => 0);

    const faulted = fewPolls.flat().filter((outcome) => outcome !== 'created');
    expect(faulted).toContain('ThrottlingException');
    expect(faulted).toContain('InternalServiceException');
    expect(manyPolls).toEqual(fewPolls);
    expect(otherSeed).not.toEqual(fewPolls);
  });

  /** Retries a call on throttling and server errors, as an SDK does, up to 30 attempts. */
  async function withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const retryable = error instanceof ServiceError && (error.statusCode === 429 || error.statusCode >= 500);
        if (!retryable || attempt === 30) {
          throw error;
        }
        await new Promise((resolveWait) => setTimeout(resolveWait, attempt));
      }
    }
  }

  test('a client that retries creates exactly one resource per name through throttling and server errors', async () => {
    const emulator = await CleanRoomsMlEmulator.start({ faults: { throttleRate: 0.4, serverErrorRate: 0.2, seed: 3 } });
    try {
      const client = emulatorClient(emulator);
      const names = Array.from({ length: 8 }, (_, index) => `dataset-${index}`);

      await Promise.all(names.map((name) => withRetries(() => client.send('CreateTrainingDataset', trainingDatasetRequest(name)))));

      const stats = emulator.stats();
      expect(stats.totalThrottled).toBeGreaterThan(0);
      expect(stats.totalServerErrors).toBeGreaterThan(0);
      expect(stats.calls.CreateTrainingDataset).toBe(8 + stats.totalThrottled + stats.totalServerErrors);
      expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.name).sort()).toEqual(names);
    } finally {
      await emulator.stop();
    }
  });

  test('only operations whose model declares ThrottlingException are throttled: never the tag operations, even at throttleRate 1', async () => {
    const emulator = await CleanRoomsMlEmulator.start();
    try {
      const client = emulatorClient(emulator);
      const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
      emulator.setFaults({ throttleRate: 1 });

      await client.send('TagResource', { resourceArn: trainingDatasetArn, tags: { a: '1' } });
      await client.send('UntagResource', { resourceArn: trainingDatasetArn, tagKeys: ['a'] });
      await client.send('ListTagsForResource', { resourceArn: trainingDatasetArn });
      const read = await caught(client.send('GetTrainingDataset', { trainingDatasetArn }));

      expect(read).toMatchObject({ code: 'ThrottlingException', statusCode: 429 });
      expect(emulator.stats().throttled).toEqual({ GetTrainingDataset: 1 });
    } finally {
      await emulator.stop();
    }
  });

  test('fails: with serverErrorRate 1 every call is a 500 InternalServiceException and nothing is created', async () => {
    const emulator = await CleanRoomsMlEmulator.start({ faults: { serverErrorRate: 1 } });
    try {
      const refused = await caught(emulatorClient(emulator).send('CreateTrainingDataset', trainingDatasetRequest('data')));

      expect(refused).toMatchObject({ code: 'InternalServiceException', statusCode: 500 });
      expect(emulator.inventory().trainingDatasets).toEqual([]);
      expect(emulator.stats().serverErrors).toEqual({ CreateTrainingDataset: 1 });
    } finally {
      await emulator.stop();
    }
  });

  test('latencyMs delays every call, and /_emulator control calls are neither delayed nor faulted', async () => {
    const LATENCY_MS = 2000;
    const emulator = await CleanRoomsMlEmulator.start({ faults: { latencyMs: LATENCY_MS, throttleRate: 1 } });
    try {
      const started = Date.now();
      let serviceSettled = false;
      const service = caught(emulatorClient(emulator).send('ListTrainingDatasets')).finally(() => { serviceSettled = true; });
      // The emulator counts a call on arrival, before its delay: from then on, the service call is waiting.
      while (emulator.stats().totalCalls === 0) await new Promise((resolveWait) => setTimeout(resolveWait, 1));

      const inventory = await fetch(`${emulator.endpoint}/_emulator/inventory`);
      const controlAnsweredFirst = !serviceSettled;
      const refused = await service;
      const serviceMillis = Date.now() - started;

      expect(inventory.status).toBe(200);
      expect(controlAnsweredFirst).toBe(true);
      expect(refused).toMatchObject({ code: 'ThrottlingException' });
      // Timers never fire early; the few milliseconds allowed are the clock's rounding.
      expect(serviceMillis).toBeGreaterThanOrEqual(LATENCY_MS - 5);
    } finally {
      await emulator.stop();
    }
  });

  test('fails: fault rates outside 0-1 are refused', async () => {
    await expect(CleanRoomsMlEmulator.start({ faults: { throttleRate: 1.5 } })).rejects.toThrow('faults.throttleRate must be between 0 and 1, got 1.5');
  });
});
