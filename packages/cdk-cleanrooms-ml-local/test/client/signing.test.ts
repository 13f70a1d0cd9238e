import { clientFor, CREDENTIALS, FakeService, hasValidSignature, REGION } from './fake-service';
import { CleanRoomsMlClient } from '../../src/client';

const MODEL_ARN = 'arn:aws:cleanrooms-ml:eu-west-1:123456789012:audience-model/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

let service: FakeService;
let client: CleanRoomsMlClient | undefined;
const savedEnv: Record<string, string | undefined> = {};

beforeEach(async () => {
  service = await new FakeService().start();
  for (const name of CREDENTIAL_ENV) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
});

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await service.close();
  for (const name of CREDENTIAL_ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

const CALLS: Array<[string, (c: CleanRoomsMlClient) => Promise<unknown>]> = [
  ['a GET with an ARN in the path', (c) => c.getAudienceModel({ audienceModelArn: MODEL_ARN })],
  ['a GET with a query string', (c) => c.listAudienceGenerationJobs({ maxResults: 10, nextToken: 'a/b+c=', collaborationId: 'x' })],
  ['a DELETE with a repeated query key', (c) => c.untagResource({ resourceArn: MODEL_ARN, tagKeys: ['b', 'a', 'a b'] })],
  ['a POST with a JSON body', (c) => c.tagResource({ resourceArn: MODEL_ARN, tags: { team: 'ads', ünïcode: 'välue' } })],
  ['a PATCH with a JSON body', (c) => c.updateConfiguredAudienceModel({ configuredAudienceModelArn: MODEL_ARN, description: 'new' })],
];

test.each(CALLS)('%s carries a SigV4 signature the service can verify', async (_, send) => {
  client = clientFor(service);

  await send(client);

  const [request] = service.requests;
  expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  const signingDay = String(request.headers['x-amz-date']).slice(0, 8);
  expect(request.headers.authorization).toMatch(
    new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${signingDay}/${REGION}/cleanrooms-ml/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`),
  );
  await expect(hasValidSignature(request, CREDENTIALS)).resolves.toBe(true);
});

test('fails signature verification with another secret key or region (the check is real)', async () => {
  client = clientFor(service);

  await client.tagResource({ resourceArn: MODEL_ARN, tags: { team: 'ads' } });

  const [request] = service.requests;
  await expect(hasValidSignature(request, { ...CREDENTIALS, secretAccessKey: 'another-secret' })).resolves.toBe(false);
  await expect(hasValidSignature(request, CREDENTIALS, 'us-east-1')).resolves.toBe(false);
  await expect(hasValidSignature({ ...request, body: request.body.replace('ads', 'adz') }, CREDENTIALS)).resolves.toBe(false);
});

test('the credential scope names the client region', async () => {
  client = clientFor(service, { region: 'cn-north-1' });

  await client.listAudienceModels();

  expect(service.requests[0].headers.authorization).toContain('/cn-north-1/cleanrooms-ml/aws4_request');
  await expect(hasValidSignature(service.requests[0], CREDENTIALS, 'cn-north-1')).resolves.toBe(true);
});

test('a session token is sent and signed as x-amz-security-token', async () => {
  const credentials = { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
  client = clientFor(service, { credentials });

  await client.listAudienceModels();

  const [request] = service.requests;
  expect(request.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLETOKEN');
  expect(request.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  await expect(hasValidSignature(request, credentials)).resolves.toBe(true);
});

test('no x-amz-security-token is sent without a session token', async () => {
  client = clientFor(service);

  await client.listAudienceModels();

  expect(service.requests[0].headers['x-amz-security-token']).toBeUndefined();
});

test('credentials come from the environment and are read again at every request', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFIRST';
  process.env.AWS_SECRET_ACCESS_KEY = 'first-secret';
  process.env.AWS_SESSION_TOKEN = 'first-token';
  client = clientFor(service, { credentials: undefined });

  await client.listAudienceModels();
  // Lambda rotates the role's credentials in a warm execution environment.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDSECOND';
  process.env.AWS_SECRET_ACCESS_KEY = 'second-secret';
  process.env.AWS_SESSION_TOKEN = 'second-token';
  await client.listAudienceModels();

  const [first, second] = service.requests;
  expect(first.headers.authorization).toContain('Credential=AKIDFIRST/');
  expect(first.headers['x-amz-security-token']).toBe('first-token');
  await expect(hasValidSignature(first, { accessKeyId: 'AKIDFIRST', secretAccessKey: 'first-secret', sessionToken: 'first-token' })).resolves.toBe(true);
  expect(second.headers.authorization).toContain('Credential=AKIDSECOND/');
  expect(second.headers['x-amz-security-token']).toBe('second-token');
  await expect(hasValidSignature(second, { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret', sessionToken: 'second-token' })).resolves.toBe(true);
});

test('a credentials provider is asked before every attempt', async () => {
  let calls = 0;
  const provider = async () => ({ accessKeyId: `AKID${++calls}`, secretAccessKey: 'secret' });
  client = clientFor(service, { credentials: provider });
  service.reply({ status: 503, body: { message: 'busy' } });

  await client.listAudienceModels();

  expect(service.requests.map((r) => /Credential=(\w+)\//.exec(String(r.headers.authorization))?.[1])).toEqual(['AKID1', 'AKID2']);
});

test('fails with a message saying how to provide credentials when there are none, without sending anything', async () => {
  client = clientFor(service, { credentials: undefined });

  await expect(client.listAudienceModels()).rejects.toThrow(
    'No AWS credentials for the Clean Rooms ML client: pass `credentials` or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
  );
  expect(service.requests).toHaveLength(0);
});
