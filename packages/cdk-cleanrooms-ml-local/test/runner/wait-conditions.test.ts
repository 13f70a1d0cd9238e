/**
 * AWS::CloudFormation::WaitCondition with a CreationPolicy, signalled through
 * the runner's CloudFormation endpoint with @aws-sdk/client-cloudformation
 * (SignalResource, DescribeStackResource), as the training poller will.
 * The test signals from the stack events: onEvent returns the promise of
 * what it does, which keeps the runner's endpoints up until it settles.
 */
import { join } from 'node:path';
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStackEventsCommand, SignalResourceCommand } from '@aws-sdk/client-cloudformation';
import { CfnOutput, CfnResource, Stack } from 'aws-cdk-lib';
import { CfnWaitCondition, CfnWaitConditionHandle } from 'aws-cdk-lib/aws-cloudformation';
import {
  deployReacting as deploy,
  errorOf,
  fixtureProvider,
  removeTemporaryDirectories,
  resourceEvents,
  STACK_NAME,
  stackStatuses,
  stateFile,
  synth,
  temporaryDirectory,
  thing,
} from './helpers';
import { deployStack, DeploymentEvent, StackEvent } from '../../src/runner';

afterAll(removeTemporaryDirectories);

interface WaitStackOptions {
  readonly count?: number;
  readonly timeout?: string;
  /** The DisplayName of the topic that depends on the wait condition. */
  readonly displayName?: string;
  /** A second wait condition `Later` (Count 1) after `Wait`, before `After`: it holds the operation while a test signals. */
  readonly later?: boolean;
}

/** A stack of a wait condition `Wait` and a topic `After` that depends on it. */
function waitStack(options: WaitStackOptions = {}, extra?: (stack: Stack, wait: CfnWaitCondition) => void): string {
  return synth((stack) => {
    const wait = new CfnWaitCondition(stack, 'Wait');
    wait.overrideLogicalId('Wait');
    // PT1H unless given: at the default timeScale 36 s, which a test that signals never reaches.
    wait.cfnOptions.creationPolicy = { resourceSignal: { count: options.count, timeout: options.timeout ?? 'PT1H' } };
    const after = new CfnResource(stack, 'After', { type: 'AWS::SNS::Topic', properties: { DisplayName: options.displayName ?? 'after' } });
    after.overrideLogicalId('After');
    after.addDependency(wait);
    if (options.later) {
      const later = new CfnWaitCondition(stack, 'Later');
      later.overrideLogicalId('Later');
      later.cfnOptions.creationPolicy = { resourceSignal: { count: 1, timeout: 'PT1H' } };
      later.addDependency(wait);
      after.addDependency(later);
    }
    extra?.(stack, wait);
  });
}

const signal = (cloudFormation: CloudFormationClient, uniqueId: string, status: 'SUCCESS' | 'FAILURE' = 'SUCCESS', stackName = STACK_NAME, logicalId = 'Wait') =>
  cloudFormation.send(new SignalResourceCommand({ StackName: stackName, LogicalResourceId: logicalId, UniqueId: uniqueId, Status: status }));

const describe_ = (cloudFormation: CloudFormationClient, logicalId: string, stackName = STACK_NAME) =>
  cloudFormation.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }));

const reasons = (events: readonly DeploymentEvent[], logicalId: string) => events
  .filter((event): event is StackEvent => event.kind === 'event' && event.logicalResourceId === logicalId)
  .map((event) => `${event.resourceStatus}${event.resourceStatusReason ? ` | ${event.resourceStatusReason}` : ''}`);

test('completes after Count SUCCESS signals with different UniqueIds, publishing each, before its dependant starts', async () => {
  const assembly = waitStack({ count: 3, timeout: 'PT1H', later: true });
  const seenWhileWaiting: Record<string, unknown> = {};
  let stackId = '';

  const { result, events } = await deploy(assembly, stateFile(), {
    [`${STACK_NAME} CREATE_IN_PROGRESS`]: async (_cloudFormation, event) => {
      stackId = event.physicalResourceId!;
    },
    'Wait CREATE_IN_PROGRESS': async (cloudFormation) => {
      seenWhileWaiting.wait = (await describe_(cloudFormation, 'Wait')).StackResourceDetail;
      seenWhileWaiting.notStarted = await errorOf(describe_(cloudFormation, 'After'));
      seenWhileWaiting.notInTemplate = await errorOf(describe_(cloudFormation, 'Nothing'));
      seenWhileWaiting.unknownStack = await errorOf(describe_(cloudFormation, 'Wait', 'OtherStack'));
      seenWhileWaiting.unknownStackSignal = await errorOf(signal(cloudFormation, 'x', 'SUCCESS', 'OtherStack'));
      await signal(cloudFormation, 'first');
      // The same UniqueId again counts once.
      await signal(cloudFormation, 'first');
      // By stack id as well as by name.
      await signal(cloudFormation, 'second', 'SUCCESS', stackId);
      seenWhileWaiting.afterTwo = (await describe_(cloudFormation, 'Wait')).StackResourceDetail?.ResourceStatus;
      await signal(cloudFormation, 'third');
    },
    'Later CREATE_IN_PROGRESS': async (cloudFormation) => {
      seenWhileWaiting.waitWhenLaterStarts = (await describe_(cloudFormation, 'Wait')).StackResourceDetail?.ResourceStatus;
      seenWhileWaiting.lateSignal = await errorOf(signal(cloudFormation, 'fourth'));
      seenWhileWaiting.notStartedSignal = await errorOf(signal(cloudFormation, 'x', 'SUCCESS', STACK_NAME, 'After'));
      await signal(cloudFormation, 'later', 'SUCCESS', STACK_NAME, 'Later');
    },
  });

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(seenWhileWaiting.wait).toEqual({
    StackName: STACK_NAME,
    StackId: stackId,
    LogicalResourceId: 'Wait',
    PhysicalResourceId: `${stackId}/Wait`,
    ResourceType: 'AWS::CloudFormation::WaitCondition',
    ResourceStatus: 'CREATE_IN_PROGRESS',
    LastUpdatedTimestamp: expect.any(Date),
  });
  expect(seenWhileWaiting.notStarted).toBe(`ValidationError: Resource After does not exist for stack ${STACK_NAME}`);
  expect(seenWhileWaiting.notInTemplate).toBe(`ValidationError: Resource Nothing does not exist for stack ${STACK_NAME}`);
  expect(seenWhileWaiting.unknownStack).toBe('ValidationError: Stack with id OtherStack does not exist');
  expect(seenWhileWaiting.unknownStackSignal).toBe('ValidationError: Stack with id OtherStack does not exist');
  expect(seenWhileWaiting.afterTwo).toBe('CREATE_IN_PROGRESS');
  expect(seenWhileWaiting.waitWhenLaterStarts).toBe('CREATE_COMPLETE');
  expect(seenWhileWaiting.lateSignal).toBe('ValidationError: Resource Wait is in CREATE_COMPLETE state and cannot be signaled');
  expect(seenWhileWaiting.notStartedSignal).toBe(`ValidationError: Resource After does not exist for stack ${STACK_NAME}`);
  expect(reasons(events, 'Wait')).toEqual([
    'CREATE_IN_PROGRESS',
    'CREATE_IN_PROGRESS | Received SUCCESS signal with UniqueId first',
    'CREATE_IN_PROGRESS | Received SUCCESS signal with UniqueId second',
    'CREATE_IN_PROGRESS | Received SUCCESS signal with UniqueId third',
    'CREATE_COMPLETE',
  ]);
  expect(resourceEvents(events)).toEqual([
    ...Array(4).fill('Wait CREATE_IN_PROGRESS'), 'Wait CREATE_COMPLETE',
    'Later CREATE_IN_PROGRESS', 'Later CREATE_IN_PROGRESS', 'Later CREATE_COMPLETE',
    'After CREATE_IN_PROGRESS', 'After CREATE_COMPLETE',
  ]);
  expect(result.resources.find((resource) => resource.logicalResourceId === 'Wait')?.physicalResourceId).toBe(`${stackId}/Wait`);
});

test('a signal after the operation is refused with the stack\'s final status', async () => {
  let refusal = '';
  let stackId = '';
  const { result } = await deploy(waitStack(), stateFile(), {
    'Wait CREATE_IN_PROGRESS': (cloudFormation) => signal(cloudFormation, 'only').then(() => undefined),
    [`${STACK_NAME} CREATE_COMPLETE`]: async (cloudFormation, event) => {
      stackId = event.physicalResourceId!;
      refusal = await errorOf(signal(cloudFormation, 'late'));
    },
  });

  expect(result.status).toBe('CREATE_COMPLETE');
  // The wording CloudFormation answers with (https://github.com/aws-cloudformation/aws-cloudformation-templates/issues/34).
  expect(refusal).toBe(`ValidationError: Stack ${stackId} is in CREATE_COMPLETE state and cannot be signaled`);
});

test('a FAILURE signal fails the wait condition with its UniqueId and rolls the stack back', async () => {
  const { result, events } = await deploy(waitStack({ count: 3 }), stateFile(), {
    'Wait CREATE_IN_PROGRESS': async (cloudFormation) => {
      await signal(cloudFormation, 'one');
      await signal(cloudFormation, 'model-FAILED', 'FAILURE');
    },
  });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure).toEqual({ logicalResourceId: 'Wait', resourceType: 'AWS::CloudFormation::WaitCondition', reason: 'Received FAILURE signal with UniqueId model-FAILED' });
  expect(reasons(events, 'Wait')).toEqual([
    'CREATE_IN_PROGRESS',
    'CREATE_IN_PROGRESS | Received SUCCESS signal with UniqueId one',
    'CREATE_FAILED | Received FAILURE signal with UniqueId model-FAILED',
    'DELETE_IN_PROGRESS',
    'DELETE_COMPLETE',
  ]);
  expect(resourceEvents(events).filter((event) => event.startsWith('After'))).toEqual([]);
  expect(stackStatuses(events)).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
});

test('too few signals within the Timeout (scaled by timeScale) fail the wait condition', async () => {
  // PT10M at 0.0001: 60 ms, with no signal.
  const { result, events } = await deploy(waitStack({ count: 2, timeout: 'PT10M' }), stateFile(), {}, { timeScale: 0.0001 });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure?.reason).toBe('Failed to receive 2 resource signal(s) within the specified duration');
  expect(reasons(events, 'Wait')).toEqual([
    'CREATE_IN_PROGRESS',
    'CREATE_FAILED | Failed to receive 2 resource signal(s) within the specified duration',
    'DELETE_IN_PROGRESS',
    'DELETE_COMPLETE',
  ]);
});

test('refuses a Timeout over PT12H, naming the resource and the limit', async () => {
  const { result } = await deploy(waitStack({ timeout: 'PT12H1S' }), stateFile(), {});

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure?.logicalResourceId).toBe('Wait');
  expect(result.failure?.reason).toMatch(/^WaitCondition Wait: CreationPolicy\.ResourceSignal\.Timeout PT12H1S is longer than 12 hours \(PT12H\)/);
});

test('refuses a handle-style wait condition (no CreationPolicy)', async () => {
  const assembly = synth((stack) => {
    const handle = new CfnWaitConditionHandle(stack, 'Handle');
    const wait = new CfnWaitCondition(stack, 'Wait', { handle: handle.ref, timeout: '300' });
    wait.overrideLogicalId('Wait');
  });

  const { result } = await deploy(assembly, stateFile(), {});

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure?.logicalResourceId).toBe('Wait');
  expect(result.failure?.reason).toMatch(/^WaitCondition Wait: the local runner supports only wait conditions with a CreationPolicy .* this one sets Handle, Timeout/);
});

test('an update leaves a created wait condition alone, even when its CreationPolicy changes', async () => {
  const state = stateFile();
  const created = await deploy(waitStack({ count: 1 }), state, {
    'Wait CREATE_IN_PROGRESS': (cloudFormation) => signal(cloudFormation, 'created').then(() => undefined),
  });
  expect(created.result.status).toBe('CREATE_COMPLETE');

  // The update also adds a wait condition, created (and signalled) during the update, which holds it while the test signals.
  let refusal = '';
  const updated = await deploy(waitStack({ count: 5, displayName: 'changed', later: true }), state, {
    'Later CREATE_IN_PROGRESS': async (cloudFormation) => {
      refusal = await errorOf(signal(cloudFormation, 'again'));
      await signal(cloudFormation, 'later', 'SUCCESS', STACK_NAME, 'Later');
    },
  });

  expect(updated.result.status).toBe('UPDATE_COMPLETE');
  expect(resourceEvents(updated.events)).toEqual([
    'Later CREATE_IN_PROGRESS', 'Later CREATE_IN_PROGRESS', 'Later CREATE_COMPLETE',
    'After UPDATE_IN_PROGRESS', 'After UPDATE_COMPLETE',
  ]);
  expect(refusal).toBe('ValidationError: Resource Wait is in CREATE_COMPLETE state and cannot be signaled');
});

test('the functions the runner runs see its CloudFormation endpoint as AWS_ENDPOINT_URL_CLOUDFORMATION', async () => {
  const journal = join(temporaryDirectory(), 'journal.jsonl');
  const assembly = synth((stack) => {
    const reader = thing(stack, fixtureProvider(stack, { journal, isComplete: false }), 'Reader', { EchoEnv: 'AWS_ENDPOINT_URL_CLOUDFORMATION' });
    new CfnOutput(stack, 'CloudFormationEndpoint', { value: reader.getAttString('Env') });
  });
  let endpoint = '';

  const result = await deployStack({ assembly, stateFile: stateFile(), onCloudFormationEndpoint: (url) => endpoint = url });

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(result.outputs.CloudFormationEndpoint).toBe(endpoint);
});

test('the endpoint refuses the actions it does not serve, naming them', async () => {
  let refusal = '';
  await deploy(waitStack(), stateFile(), {
    'Wait CREATE_IN_PROGRESS': async (cloudFormation) => {
      refusal = await errorOf(cloudFormation.send(new DescribeStackEventsCommand({ StackName: STACK_NAME })));
      await signal(cloudFormation, 'done');
    },
  });

  expect(refusal).toMatch(/^ValidationError: The local runner's CloudFormation endpoint does not support the action DescribeStackEvents/);
});
