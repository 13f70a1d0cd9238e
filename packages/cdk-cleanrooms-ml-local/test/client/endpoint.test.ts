import * as fs from 'node:fs';
import * as path from 'node:path';
import { CREDENTIALS, FakeService } from './fake-service';
import { CleanRoomsMlClient, dnsSuffixFor, resolveEndpoint, SIGNING_SERVICE } from '../../src/client';

const RULE_SET_FILE = path.join(__dirname, '..', '..', '..', '..', 'spec', 'cleanroomsml-2023-09-06', 'endpoint-rule-set-1.json');

/** Every endpoint URL template of AWS's published endpoint rule set of the service. */
function endpointUrlsOfRuleSet(): string[] {
  const urls: string[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const url = (node as { endpoint?: { url?: unknown } }).endpoint?.url;
    if (typeof url === 'string') urls.push(url);
    Object.values(node).forEach(visit);
  };
  visit(JSON.parse(fs.readFileSync(RULE_SET_FILE, 'utf8')));
  return urls;
}

const ENV_VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLEANROOMSML'] as const;
const savedEnv: Record<string, string | undefined> = {};

beforeEach(() => {
  for (const name of ENV_VARS) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
});

afterEach(() => {
  for (const name of ENV_VARS) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

describe('regional endpoints', () => {
  test.each([
    ['us-east-1', 'https://cleanrooms-ml.us-east-1.amazonaws.com/'],
    ['eu-west-2', 'https://cleanrooms-ml.eu-west-2.amazonaws.com/'],
    ['cn-north-1', 'https://cleanrooms-ml.cn-north-1.amazonaws.com.cn/'],
    ['cn-northwest-1', 'https://cleanrooms-ml.cn-northwest-1.amazonaws.com.cn/'],
    ['us-gov-west-1', 'https://cleanrooms-ml.us-gov-west-1.amazonaws.com/'],
    ['us-iso-east-1', 'https://cleanrooms-ml.us-iso-east-1.c2s.ic.gov/'],
    ['us-isob-east-1', 'https://cleanrooms-ml.us-isob-east-1.sc2s.sgov.gov/'],
    ['us-isof-south-1', 'https://cleanrooms-ml.us-isof-south-1.csp.hci.ic.gov/'],
    ['eu-isoe-west-1', 'https://cleanrooms-ml.eu-isoe-west-1.cloud.adc-e.uk/'],
    // The AWS European Sovereign Cloud: partition aws-eusc, DNS suffix amazonaws.eu.
    ['eusc-de-east-1', 'https://cleanrooms-ml.eusc-de-east-1.amazonaws.eu/'],
  ])('%s resolves to %s', (region, expected) => {
    expect(resolveEndpoint(region).toString()).toBe(expected);
    expect(new CleanRoomsMlClient({ region, credentials: CREDENTIALS }).endpoint).toBe(expected);
  });

  test('the regional endpoint has the form the model\'s endpoint rule set gives without FIPS or dual-stack', () => {
    expect(endpointUrlsOfRuleSet()).toContain('https://cleanrooms-ml.{Region}.{PartitionResult#dnsSuffix}');
    expect(resolveEndpoint('eusc-de-east-1').toString()).toBe(`https://${SIGNING_SERVICE}.eusc-de-east-1.${dnsSuffixFor('eusc-de-east-1')}/`);
  });

  test('us-isob is not mistaken for us-iso', () => {
    expect(dnsSuffixFor('us-isob-east-1')).toBe('sc2s.sgov.gov');
    expect(dnsSuffixFor('us-iso-west-1')).toBe('c2s.ic.gov');
  });
});

describe('endpoint overrides', () => {
  test('AWS_ENDPOINT_URL_CLEANROOMSML wins over AWS_ENDPOINT_URL', () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';
    process.env.AWS_ENDPOINT_URL_CLEANROOMSML = 'http://localhost:9100';

    expect(new CleanRoomsMlClient({ region: 'us-east-1', credentials: CREDENTIALS }).endpoint).toBe('http://localhost:9100/');
  });

  test('AWS_ENDPOINT_URL applies when no service-specific variable is set', () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';

    expect(new CleanRoomsMlClient({ region: 'us-east-1', credentials: CREDENTIALS }).endpoint).toBe('http://localhost:4566/');
  });

  test('the endpoint option wins over the environment', () => {
    process.env.AWS_ENDPOINT_URL_CLEANROOMSML = 'http://localhost:9100';

    expect(new CleanRoomsMlClient({ region: 'us-east-1', endpoint: 'https://vpce-123.cleanrooms-ml.us-east-1.vpce.amazonaws.com', credentials: CREDENTIALS }).endpoint)
      .toBe('https://vpce-123.cleanrooms-ml.us-east-1.vpce.amazonaws.com/');
  });

  test('requests really go to the endpoint named by the environment', async () => {
    const service = await new FakeService().start();
    process.env.AWS_ENDPOINT_URL_CLEANROOMSML = service.endpoint;
    const client = new CleanRoomsMlClient({ region: 'eu-west-1', credentials: CREDENTIALS });
    const port = service.port;
    try {
      await client.listAudienceModels();
    } finally {
      client.destroy();
      await service.close();
    }

    expect(service.requests).toHaveLength(1);
    expect(service.requests[0].headers.host).toBe(`127.0.0.1:${port}`);
  });

  test.each([
    ['ftp://example.com', 'Clean Rooms ML endpoint must be an http(s) URL, got "ftp://example.com"'],
    ['not a url', 'Invalid Clean Rooms ML endpoint URL: "not a url"'],
    ['http://localhost:4566/?x=1', 'Clean Rooms ML endpoint must not carry a query or fragment, got "http://localhost:4566/?x=1"'],
  ])('fails on the endpoint %s', (endpoint, message) => {
    expect(() => new CleanRoomsMlClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS })).toThrow(message);
  });
});

describe('region', () => {
  test('AWS_REGION wins over AWS_DEFAULT_REGION', () => {
    process.env.AWS_REGION = 'eu-central-1';
    process.env.AWS_DEFAULT_REGION = 'us-west-2';

    expect(new CleanRoomsMlClient({ credentials: CREDENTIALS }).region).toBe('eu-central-1');
  });

  test('AWS_DEFAULT_REGION applies when AWS_REGION is unset', () => {
    process.env.AWS_DEFAULT_REGION = 'us-west-2';

    const client = new CleanRoomsMlClient({ credentials: CREDENTIALS });

    expect(client.region).toBe('us-west-2');
    expect(client.endpoint).toBe('https://cleanrooms-ml.us-west-2.amazonaws.com/');
  });

  test('the region option wins over the environment', () => {
    process.env.AWS_REGION = 'eu-central-1';

    expect(new CleanRoomsMlClient({ region: 'ap-northeast-1', credentials: CREDENTIALS }).region).toBe('ap-northeast-1');
  });

  test('fails without a region, saying where one is read from', () => {
    expect(() => new CleanRoomsMlClient({ credentials: CREDENTIALS }))
      .toThrow('No AWS region for the Clean Rooms ML client: pass `region` or set AWS_REGION or AWS_DEFAULT_REGION');
  });

  test('fails on a region that would change the endpoint host name', () => {
    expect(() => new CleanRoomsMlClient({ region: 'us-east-1.attacker.example', credentials: CREDENTIALS }))
      .toThrow('Invalid AWS region for the Clean Rooms ML client: "us-east-1.attacker.example"');
  });
});

describe('options', () => {
  test.each([
    [{ maxAttempts: 0 }, 'maxAttempts must be a positive integer, got 0'],
    [{ maxAttempts: 2.5 }, 'maxAttempts must be a positive integer, got 2.5'],
    [{ retryBaseDelayMs: -1 }, 'retryBaseDelayMs must be a non-negative number, got -1'],
    [{ requestTimeoutMs: 0 }, 'requestTimeoutMs must be a positive integer, got 0'],
  ])('fails on %p', (options, message) => {
    expect(() => new CleanRoomsMlClient({ region: 'us-east-1', credentials: CREDENTIALS, ...options })).toThrow(message);
  });
});
