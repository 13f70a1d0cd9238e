import { randomUUID } from 'node:crypto';
import { CleanRooms } from '@aws-sdk/client-cleanrooms';
import { POLICY_SELF_ARN_PLACEHOLDER } from 'cdk-cleanrooms-ml/lib/contracts/configured-audience-model';
import { CleanRoomsMlClient } from 'cdk-cleanrooms-ml-local';
import type { EmulatorInventory } from 'cdk-cleanrooms-ml-local';
import {
  ACCOUNT_ID,
  captureLogs,
  CustomResourceEvents,
  HandlerTestbed,
  isComplete,
  isCompleteEvent,
  onEvent,
  REGION,
  rejectionOf,
  ROLE_ARN,
  runToCompletion,
  serviceCallsDuring,
} from './harness';
import { CREATION_TOKEN_TAG } from '../src/framework';
import { dispatchOnEvent } from '../src/framework/dispatch';
import type { CustomResourceEvent, OnEventResponse } from '../src/framework/events';
import { Logger } from '../src/framework/logger';
import { clientFromEnvironment } from '../src/framework/runtime';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

const TYPE = 'Custom::CleanRoomsMLConfiguredAudienceModel';
const SUBJECT = `Configured (${TYPE}): `;
const events = new CustomResourceEvents(TYPE, 'Configured');
const CONFIGURED_ARN = new RegExp(`^arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:configured-audience-model/[0-9a-f-]{36}$`);
const UNKNOWN_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:configured-audience-model/00000000-0000-4000-8000-000000000000`;
const OTHER_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/audience-writer`;
const COLLABORATOR = '444455556666';

type ConfiguredModel = EmulatorInventory['configuredAudienceModels'][number];

let testbed: HandlerTestbed;
let logs: ReturnType<typeof captureLogs>;
let audienceModelArn: string;

beforeAll(async () => {
  testbed = await HandlerTestbed.start();
});
afterAll(() => testbed.stop());
beforeEach(async () => {
  testbed.emulator.reset();
  testbed.emulator.setFaults({});
  logs = captureLogs();
  audienceModelArn = await activeAudienceModel(testbed);
});
afterEach(() => logs.restore());

/** An audience model that has finished training. */
async function activeAudienceModel(bed: HandlerTestbed): Promise<string> {
  const { audienceModelArn: arn } = await bed.client.createAudienceModel({
    name: `model-${randomUUID().slice(0, 8)}`,
    trainingDatasetArn: await bed.trainingDataset(),
  });
  for (let poll = 0; poll < 500; poll++) {
    if ((await bed.client.getAudienceModel({ audienceModelArn: arn })).status === 'ACTIVE') {
      return arn;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the audience model did not become ACTIVE');
}

function properties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AudienceModelArn: audienceModelArn,
    OutputS3Uri: 's3://audiences/lookalike/',
    OutputRoleArn: ROLE_ARN,
    SharedAudienceMetrics: 'ALL',
    TimeoutSeconds: 600,
    AttributesRevision: 1,
    ...overrides,
  };
}

/** A resource policy as the construct writes it: the model's own ARN as the placeholder. */
function policy(account = COLLABORATOR, action = 'cleanrooms-ml:StartAudienceGenerationJob'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: action, Resource: POLICY_SELF_ARN_PLACEHOLDER }],
  });
}

/** The policy the service should hold for the model at `arn`. */
function policyOf(arn: string, account = COLLABORATOR, action = 'cleanrooms-ml:StartAudienceGenerationJob'): string {
  return policy(account, action).split(POLICY_SELF_ARN_PLACEHOLDER).join(arn);
}

function configuredModels(): ConfiguredModel[] {
  return testbed.emulator.inventory().configuredAudienceModels;
}

function configuredAt(arn: string): ConfiguredModel | undefined {
  return configuredModels().find((model) => model.configuredAudienceModelArn === arn);
}

async function created(props: Record<string, unknown> = properties()): Promise<string> {
  const { response } = await runToCompletion(events.create(props));
  return response.PhysicalResourceId;
}

/** onEvent with a client that records every call the handler makes. */
async function onEventRecorded(event: CustomResourceEvent): Promise<{ response: OnEventResponse; calls: Array<{ operation: string; input: any }> }> {
  const calls: Array<{ operation: string; input: any }> = [];
  const real = clientFromEnvironment();
  const client = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') {
        return value;
      }
      return (...args: unknown[]) => {
        calls.push({ operation: property, input: args[0] });
        return value.apply(target, args);
      };
    },
  }) as CleanRoomsMlClient;
  const response = await dispatchOnEvent(event, RESOURCE_HANDLERS, { client, log: new Logger({}, [], () => undefined), now: Date.now });
  return { response, calls };
}

function putPolicyCalls(calls: Array<{ operation: string; input: any }>): any[] {
  return calls.filter((call) => call.operation === 'putConfiguredAudienceModelPolicy').map((call) => call.input);
}

describe('Create', () => {
  test('creates the configured model with every property and returns every attribute', async () => {
    const { response, result } = await runToCompletion(events.create(properties({
      Name: 'lookalike-configured',
      Description: 'Lookalikes of our buyers',
      AudienceSizeType: 'ABSOLUTE',
      AudienceSizeBins: [10_000, 100_000],
      SharedAudienceMetrics: 'NONE',
      MinMatchingSeedSize: 100,
      ChildResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
      Tags: { team: 'growth' },
    })));

    expect(response.PhysicalResourceId).toMatch(CONFIGURED_ARN);
    expect(configuredAt(response.PhysicalResourceId)).toMatchObject({
      name: 'lookalike-configured',
      description: 'Lookalikes of our buyers',
      audienceModelArn,
      outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/lookalike/' } }, roleArn: ROLE_ARN },
      audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 100_000] },
      sharedAudienceMetrics: ['NONE'],
      minMatchingSeedSize: 100,
      childResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
      status: 'ACTIVE',
      tags: { team: 'growth', [CREATION_TOKEN_TAG]: expect.stringMatching(/^[0-9a-f]{32}\.[0-9a-f]{32}$/) },
    });
    expect(configuredAt(response.PhysicalResourceId)!.policy).toBeUndefined();
    expect(result).toEqual({
      IsComplete: true,
      Data: {
        ConfiguredAudienceModelArn: response.PhysicalResourceId,
        Name: 'lookalike-configured',
        Status: 'ACTIVE',
        PolicyHash: '',
      },
    });
  });

  test('generates a name from the stack, the logical id and the request when none is given', async () => {
    const { result } = await runToCompletion(events.create(properties()));

    expect(result.Data!.Name).toMatch(/^LookalikeStack-Configured-[0-9a-f]{10}$/);
  });

  test('sets the resource policy with the model\'s own ARN, on a model that must not have one yet, and returns its hash', async () => {
    const event = events.create(properties({ Policy: policy() }));
    const { response, calls } = await onEventRecorded(event);

    const arn = response.PhysicalResourceId;
    expect(configuredAt(arn)!.policy?.configuredAudienceModelPolicy).toBe(policyOf(arn));
    expect(putPolicyCalls(calls)).toEqual([{
      configuredAudienceModelArn: arn,
      configuredAudienceModelPolicy: policyOf(arn),
      policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
    }]);
  });

  test('returns the policy\'s hash as the PolicyHash attribute', async () => {
    const { response, result } = await runToCompletion(events.create(properties({ Policy: policy() })));

    expect(result.Data!.PolicyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.Data!.PolicyHash).toBe(configuredAt(response.PhysicalResourceId)!.policy!.policyHash);
  });

  test('a retried Create with the same request id makes one configured model, with its policy, and answers the same physical id', async () => {
    const event = events.create(properties({ Policy: policy() }));
    const first = await onEvent(event);
    const second = await onEvent(event);
    const { result } = await runToCompletion(event);

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(configuredModels()).toHaveLength(1);
    expect(configuredAt(first.PhysicalResourceId)!.policy!.configuredAudienceModelPolicy).toBe(policyOf(first.PhysicalResourceId));
    expect(result.Data!.ConfiguredAudienceModelArn).toBe(first.PhysicalResourceId);
  });

  test('fails when the policy cannot be set, and deletes the configured model it created first', async () => {
    const principals = Array.from({ length: 700 }, (_, index) => `arn:aws:iam::${String(100000000000 + index)}:root`);
    const oversized = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'cleanrooms-ml:StartAudienceGenerationJob', Resource: POLICY_SELF_ARN_PLACEHOLDER }],
    });

    const error = await rejectionOf(onEvent(events.create(properties({ Policy: oversized }))));

    expect(error.message).toMatch(new RegExp(`^${escape(`${SUBJECT}PutConfiguredAudienceModelPolicy failed with ValidationException: `)}`));
    expect(testbed.emulator.stats().calls.CreateConfiguredAudienceModel).toBe(1);
    expect(configuredModels()).toEqual([]);
  });

  test('fails with a clear reason when the audience model has not finished training', async () => {
    const slow = await HandlerTestbed.start({ audienceModel: { createPendingMs: 60_000, createInProgressMs: 60_000 } });
    try {
      const { audienceModelArn: training } = await slow.client.createAudienceModel({ name: 'training', trainingDatasetArn: await slow.trainingDataset() });

      const error = await rejectionOf(onEvent(events.create(properties({ AudienceModelArn: training }))));

      expect(error.message).toBe(
        `${SUBJECT}the audience model ${training} is CREATE_PENDING, not ACTIVE: a configured audience model can only use a trained audience model.`,
      );
      expect(slow.emulator.inventory().configuredAudienceModels).toEqual([]);
    } finally {
      // Restores the environment the outer testbed set.
      await slow.stop();
    }
  });

  test('fails with the service\'s reason when it refuses the request for another cause', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ OutputRoleArn: 'arn:aws:iam::999999999999:role/elsewhere' }))));

    expect(error.message).toMatch(new RegExp(`^${escape(`${SUBJECT}CreateConfiguredAudienceModel failed with `)}\\w+Exception: .*roleArn`));
    expect(configuredModels()).toEqual([]);
  });

  test('fails when the name is used by a configured model this stack did not create, and leaves that model alone', async () => {
    const { configuredAudienceModelArn: foreign } = await testbed.client.createConfiguredAudienceModel({
      name: 'taken',
      audienceModelArn,
      outputConfig: { destination: { s3Destination: { s3Uri: 's3://elsewhere/' } }, roleArn: ROLE_ARN },
      sharedAudienceMetrics: ['ALL'],
    });

    const error = await rejectionOf(onEvent(events.create(properties({ Name: 'taken', Policy: policy() }))));

    expect(error.message).toBe(
      `${SUBJECT}the name "taken" is already used by a configured audience model this stack did not create (${foreign}); choose another name.`,
    );
    expect(configuredModels()).toEqual([expect.objectContaining({ configuredAudienceModelArn: foreign })]);
    expect(configuredAt(foreign)!.policy).toBeUndefined();
  });

  test('fails, naming the property, when a size bin is not a whole number', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ AudienceSizeType: 'ABSOLUTE', AudienceSizeBins: ['1000', 'lots'] }))));

    expect(error.message).toBe(`${SUBJECT}property AudienceSizeBins[1] must be a whole number, got "lots".`);
  });
});

describe('Update in place', () => {
  const IN_PLACE: Array<[string, () => Record<string, unknown>, (model: ConfiguredModel) => unknown, unknown]> = [
    ['OutputS3Uri', () => ({ OutputS3Uri: 's3://audiences/v2/' }), (model) => model.outputConfig.destination.s3Destination.s3Uri, 's3://audiences/v2/'],
    ['OutputRoleArn', () => ({ OutputRoleArn: OTHER_ROLE_ARN }), (model) => model.outputConfig.roleArn, OTHER_ROLE_ARN],
    [
      'AudienceSizeBins',
      () => ({ AudienceSizeType: 'PERCENTAGE', AudienceSizeBins: [5, 10] }),
      (model) => model.audienceSizeConfig,
      { audienceSizeType: 'PERCENTAGE', audienceSizeBins: [5, 10] },
    ],
    ['SharedAudienceMetrics', () => ({ SharedAudienceMetrics: 'NONE' }), (model) => model.sharedAudienceMetrics, ['NONE']],
    ['MinMatchingSeedSize', () => ({ MinMatchingSeedSize: 1000 }), (model) => model.minMatchingSeedSize, 1000],
    ['Description', () => ({ Description: 'second' }), (model) => model.description, 'second'],
  ];

  test.each(IN_PLACE)('changes %s in place: same physical id, the service shows the new value', async (_property, change, read, expected) => {
    const before = properties({ Description: 'first', AudienceSizeType: 'ABSOLUTE', AudienceSizeBins: [1000], MinMatchingSeedSize: 50 });
    const arn = await created(before);

    const { response, result } = await runToCompletion(events.update(arn, before, { ...before, ...change() }));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(result.Data!.ConfiguredAudienceModelArn).toBe(arn);
    expect(read(configuredAt(arn)!)).toEqual(expected);
    expect(configuredModels()).toHaveLength(1);
  });

  test('changes the audience model in place to another ACTIVE one', async () => {
    const before = properties();
    const arn = await created(before);
    const next = await activeAudienceModel(testbed);

    const { response } = await runToCompletion(events.update(arn, before, properties({ AudienceModelArn: next })));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(configuredAt(arn)!.audienceModelArn).toBe(next);
  });

  test('sends one UpdateConfiguredAudienceModel with only the changed fields', async () => {
    const before = properties({ Description: 'first' });
    const arn = await created(before);

    const { calls } = await onEventRecorded(events.update(arn, before, properties({ Description: 'second', OutputRoleArn: OTHER_ROLE_ARN })));

    expect(calls.filter((call) => call.operation === 'updateConfiguredAudienceModel').map((call) => call.input)).toEqual([{
      configuredAudienceModelArn: arn,
      outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/lookalike/' } }, roleArn: OTHER_ROLE_ARN },
      description: 'second',
    }]);
  });

  test('removing the description or the minimum seed size sets the service\'s defaults in place', async () => {
    const before = properties({ Description: 'first', MinMatchingSeedSize: 50 });
    const arn = await created(before);

    const { response } = await runToCompletion(events.update(arn, before, properties()));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(configuredAt(arn)).toMatchObject({ description: '', minMatchingSeedSize: 500 });
  });

  test('changes tags in place: same physical id, tags changed in the service, the creation token kept', async () => {
    const before = properties({ Tags: { team: 'growth', stage: 'beta' } });
    const arn = await created(before);

    const { response } = await runToCompletion(events.update(arn, before, properties({ Tags: { team: 'ads', owner: 'data' } })));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(configuredAt(arn)!.tags).toEqual({ team: 'ads', owner: 'data', [CREATION_TOKEN_TAG]: expect.any(String) });
  });

  test('an update that changes nothing of the model (a new attributes revision) makes no change and returns every attribute', async () => {
    const before = properties({ Policy: policy() });
    const arn = await created(before);

    const { response, result } = await runToCompletion(events.update(arn, before, { ...before, AttributesRevision: 2, TimeoutSeconds: 900 }));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(Object.keys(result.Data!).sort()).toEqual(['ConfiguredAudienceModelArn', 'Name', 'PolicyHash', 'Status']);
    expect(result.Data!.PolicyHash).toBe(configuredAt(arn)!.policy!.policyHash);
    expect(testbed.emulator.stats().calls.UpdateConfiguredAudienceModel).toBeUndefined();
  });
});

describe('Update of the resource policy', () => {
  test('adds a policy in place, on a model that must not have one yet', async () => {
    const before = properties();
    const arn = await created(before);

    const { response, calls } = await onEventRecorded(events.update(arn, before, properties({ Policy: policy() })));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(configuredAt(arn)!.policy!.configuredAudienceModelPolicy).toBe(policyOf(arn));
    expect(putPolicyCalls(calls)).toEqual([{
      configuredAudienceModelArn: arn,
      configuredAudienceModelPolicy: policyOf(arn),
      policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
    }]);
  });

  test('changes the policy in place, naming the hash of the policy it replaces', async () => {
    const before = properties({ Policy: policy() });
    const arn = await created(before);
    const previousHash = configuredAt(arn)!.policy!.policyHash;

    const event = events.update(arn, before, properties({ Policy: policy('777788889999') }));
    const { response, calls } = await onEventRecorded(event);
    const result = await isComplete(isCompleteEvent(event, response));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(putPolicyCalls(calls)).toEqual([{
      configuredAudienceModelArn: arn,
      configuredAudienceModelPolicy: policyOf(arn, '777788889999'),
      previousPolicyHash: previousHash,
    }]);
    expect(configuredAt(arn)!.policy!.configuredAudienceModelPolicy).toBe(policyOf(arn, '777788889999'));
    expect(result.Data!.PolicyHash).toBe(configuredAt(arn)!.policy!.policyHash);
    expect(result.Data!.PolicyHash).not.toBe(previousHash);
  });

  test('replaces a policy changed outside the stack, naming the hash it read', async () => {
    const before = properties({ Policy: policy() });
    const arn = await created(before);
    const { policyHash: outsideHash } = await testbed.client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn: arn,
      configuredAudienceModelPolicy: policyOf(arn, '121212121212'),
    });

    const { calls } = await onEventRecorded(events.update(arn, before, properties({ Policy: policy('777788889999') })));

    expect(putPolicyCalls(calls)).toEqual([expect.objectContaining({ previousPolicyHash: outsideHash })]);
    expect(configuredAt(arn)!.policy!.configuredAudienceModelPolicy).toBe(policyOf(arn, '777788889999'));
  });

  test('removes the policy in place', async () => {
    const before = properties({ Policy: policy() });
    const arn = await created(before);

    const { response, result } = await runToCompletion(events.update(arn, before, properties()));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(configuredAt(arn)!.policy).toBeUndefined();
    expect(result.Data!.PolicyHash).toBe('');
  });

  test('fails when the new policy is refused, and the rollback update (old and new swapped) restores the model and its policy', async () => {
    const before = properties({ Description: 'first', Policy: policy() });
    const arn = await created(before);
    const after = properties({ Description: 'second', Policy: '{"Version":"2012-10-17","Statement":' });

    const error = await rejectionOf(onEvent(events.update(arn, before, after)));
    const { response } = await runToCompletion(events.update(arn, after, before));

    expect(error.message).toMatch(new RegExp(`^${escape(`${SUBJECT}PutConfiguredAudienceModelPolicy failed with ValidationException: `)}`));
    expect(response.PhysicalResourceId).toBe(arn);
    expect(configuredAt(arn)).toMatchObject({ description: 'first', policy: { configuredAudienceModelPolicy: policyOf(arn) } });
    expect(configuredModels()).toHaveLength(1);
  });

  test('removing a policy that is already gone succeeds', async () => {
    const before = properties({ Policy: policy() });
    const arn = await created(before);
    await testbed.client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn: arn });

    const { response } = await runToCompletion(events.update(arn, before, properties()));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(configuredAt(arn)).toBeDefined();
  });
});

describe('Update by replacement', () => {
  test('replaces the configured model when its name changes; the old one, with its policy, stays until its Delete', async () => {
    const before = properties({ Name: 'configured-v1', Policy: policy() });
    const oldArn = await created(before);

    const { response, result } = await runToCompletion(events.update(oldArn, before, properties({ Name: 'configured-v2', Policy: policy() })));

    const newArn = response.PhysicalResourceId;
    expect(newArn).toMatch(CONFIGURED_ARN);
    expect(newArn).not.toBe(oldArn);
    expect(result.Data!.Name).toBe('configured-v2');
    expect(configuredAt(newArn)!.policy!.configuredAudienceModelPolicy).toBe(policyOf(newArn));
    expect(configuredAt(oldArn)).toMatchObject({ name: 'configured-v1' });

    await runToCompletion(events.delete(oldArn, before));
    expect(configuredAt(oldArn)).toBeUndefined();
    expect(configuredAt(newArn)).toBeDefined();
  });

  test('replaces a configured model with a generated name when childResourceTagOnCreatePolicy changes', async () => {
    const before = properties({ ChildResourceTagOnCreatePolicy: 'NONE' });
    const oldArn = await created(before);

    const { response } = await runToCompletion(events.update(oldArn, before, properties({ ChildResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE' })));

    expect(response.PhysicalResourceId).not.toBe(oldArn);
    expect(configuredAt(response.PhysicalResourceId)!.childResourceTagOnCreatePolicy).toBe('FROM_PARENT_RESOURCE');
  });

  test('replaces the configured model when its audience sizes are removed (the service cannot clear them)', async () => {
    const before = properties({ AudienceSizeType: 'ABSOLUTE', AudienceSizeBins: [1000] });
    const oldArn = await created(before);

    const { response } = await runToCompletion(events.update(oldArn, before, properties()));

    expect(response.PhysicalResourceId).not.toBe(oldArn);
    expect(configuredAt(response.PhysicalResourceId)!.audienceSizeConfig).toBeUndefined();
  });

  test('fails to replace a configured model that keeps its user-given name, and changes nothing', async () => {
    const before = properties({ Name: 'configured', ChildResourceTagOnCreatePolicy: 'NONE', Description: 'first' });
    const arn = await created(before);

    const error = await rejectionOf(onEvent(events.update(arn, before, {
      ...before,
      ChildResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
      Description: 'second',
    })));

    expect(error.message).toBe(
      `${SUBJECT}cannot replace the configured audience model "configured" to change ChildResourceTagOnCreatePolicy: the replacement would need ` +
      'the name the current configured audience model still holds; change configuredAudienceModelName as well, or remove it to have a name generated.',
    );
    expect(configuredModels()).toEqual([expect.objectContaining({ configuredAudienceModelArn: arn, description: 'first' })]);
  });
});

// CloudFormation rolls a failed Update back with another Update: the old properties as ResourceProperties, the
// failed update's as OldResourceProperties, and the physical id the resource had before (see ResourceHandler).
describe('Rollback of a failed update', () => {
  test('the rollback of a refused change of a named configured model keeps it: same physical id, nothing created or deleted', async () => {
    const before = properties({ Name: 'configured', ChildResourceTagOnCreatePolicy: 'NONE', Description: 'first', Policy: policy() });
    const arn = await created(before);
    const attempted = { ...before, ChildResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE', Description: 'second' };
    const refusal = await rejectionOf(onEvent(events.update(arn, before, attempted)));
    expect(refusal.message).toMatch(/cannot replace the configured audience model "configured" to change ChildResourceTagOnCreatePolicy/);

    const { result: rollback, createsAndDeletes } = await serviceCallsDuring(testbed.emulator, () =>
      runToCompletion(events.update(arn, attempted, before)));

    expect(rollback.response.PhysicalResourceId).toBe(arn);
    expect(rollback.result.Data).toMatchObject({ ConfiguredAudienceModelArn: arn, Name: 'configured', Status: 'ACTIVE' });
    expect(createsAndDeletes).toEqual({});
    expect(configuredModels()).toEqual([expect.objectContaining({
      configuredAudienceModelArn: arn,
      childResourceTagOnCreatePolicy: 'NONE',
      description: 'first',
      policy: expect.objectContaining({ configuredAudienceModelPolicy: policyOf(arn) }),
    })]);
  });

  test('the rollback of a refused removal of the audience sizes keeps the configured model and its sizes', async () => {
    const before = properties({ Name: 'configured', AudienceSizeType: 'ABSOLUTE', AudienceSizeBins: [1000, 5000] });
    const arn = await created(before);
    const attempted = properties({ Name: 'configured' });
    await rejectionOf(onEvent(events.update(arn, before, attempted)));

    const { result: rollback, createsAndDeletes } = await serviceCallsDuring(testbed.emulator, () =>
      runToCompletion(events.update(arn, attempted, before)));

    expect(rollback.response.PhysicalResourceId).toBe(arn);
    expect(createsAndDeletes).toEqual({});
    expect(configuredAt(arn)!.audienceSizeConfig).toEqual({ audienceSizeType: 'ABSOLUTE', audienceSizeBins: [1000, 5000] });
  });
});

describe('Delete', () => {
  test('deletes the configured model and its policy', async () => {
    const props = properties({ Policy: policy() });
    const arn = await created(props);

    const { response, result } = await runToCompletion(events.delete(arn, props));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(result).toEqual({ IsComplete: true });
    expect(configuredModels()).toEqual([]);
    await expect(testbed.client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn: arn })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  test('succeeds when the configured model is already gone', async () => {
    const { result } = await runToCompletion(events.delete(UNKNOWN_ARN, properties()));

    expect(result).toEqual({ IsComplete: true });
  });

  test('succeeds twice for the same Delete', async () => {
    const props = properties();
    const arn = await created(props);
    const event = events.delete(arn, props);

    await runToCompletion(event);
    const { result } = await runToCompletion(event);

    expect(result).toEqual({ IsComplete: true });
  });

  test('succeeds without a service call when the physical id is not a configured audience model ARN', async () => {
    testbed.emulator.reset();

    const { result } = await runToCompletion(events.delete('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', properties()));

    expect(result).toEqual({ IsComplete: true });
    expect(testbed.emulator.stats().totalCalls).toBe(0);
  });

  test('fails with a clear reason while an audience generation job uses the configured model', async () => {
    const props = properties({ Policy: policy() });
    const arn = await created(props);
    await testbed.client.startAudienceGenerationJob({
      name: 'lookalikes',
      configuredAudienceModelArn: arn,
      seedAudience: { dataSource: { s3Uri: 's3://seeds/customers.csv' }, roleArn: ROLE_ARN },
    });

    const error = await rejectionOf(onEvent(events.delete(arn, props)));

    expect(error.message).toMatch(new RegExp(
      `^${escape(`${SUBJECT}cannot delete the configured audience model ${arn} while an audience generation job uses it; delete the job first (`)}`,
    ));
    expect(configuredAt(arn)!.policy).toBeDefined();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the statements AWS Clean Rooms manages in the policy', () => {
  /** An association with manageResourcePolicies: Clean Rooms writes its statement on the model. */
  async function associate(configuredAudienceModelArn: string): Promise<string> {
    const cleanRooms = new CleanRooms({
      endpoint: testbed.emulator.cleanRoomsEndpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const { collaboration } = await cleanRooms.createCollaboration({
        name: 'Lookalike',
        description: 'owner and partner',
        creatorDisplayName: 'Owner',
        creatorMemberAbilities: [],
        members: [{ accountId: COLLABORATOR, displayName: 'Partner', memberAbilities: ['CAN_QUERY'] }],
        queryLogStatus: 'DISABLED',
      });
      const { membership } = await cleanRooms.createMembership({ collaborationIdentifier: collaboration!.id, queryLogStatus: 'DISABLED' });
      const { configuredAudienceModelAssociation } = await cleanRooms.createConfiguredAudienceModelAssociation({
        membershipIdentifier: membership!.id, configuredAudienceModelArn, configuredAudienceModelAssociationName: 'Shared', manageResourcePolicies: true,
      });
      return `Clean-Rooms-${configuredAudienceModelAssociation!.id}`;
    } finally {
      cleanRooms.destroy();
    }
  }

  const sidsOf = (arn: string) =>
    (JSON.parse(configuredAt(arn)!.policy!.configuredAudienceModelPolicy).Statement as Array<{ Sid?: string }>).map((statement) => statement.Sid);

  test('a changed Policy keeps them', async () => {
    const before = properties({ Policy: policy() });
    const arn = await created(before);
    const sid = await associate(arn);

    await runToCompletion(events.update(arn, before, properties({ Policy: policy('777788889999') })));

    const statements = JSON.parse(configuredAt(arn)!.policy!.configuredAudienceModelPolicy).Statement;
    expect(statements).toEqual([
      expect.objectContaining({ Principal: { AWS: 'arn:aws:iam::777788889999:root' } }),
      expect.objectContaining({ Sid: sid, Principal: { AWS: [COLLABORATOR] } }),
    ]);
  });

  test('a removed Policy leaves a policy of just them', async () => {
    const before = properties({ Policy: policy() });
    const arn = await created(before);
    const sid = await associate(arn);

    await runToCompletion(events.update(arn, before, properties()));

    expect(sidsOf(arn)).toEqual([sid]);
  });
});
