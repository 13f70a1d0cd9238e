/**
 * The runner's CloudFormation endpoint as a handler sees it: DescribeStacks
 * and DescribeStackResource through @aws-sdk/client-cloudformation, from the
 * test (reacting to stack events) and from the fixture functions the runner
 * runs (their `Observe` property), which see the stack exactly as the
 * operation has it when it calls them.
 */
import { join } from 'node:path';
import { DescribeStackResourceCommand, DescribeStacksCommand, SignalResourceCommand } from '@aws-sdk/client-cloudformation';
import { CfnResource } from 'aws-cdk-lib';
import { CfnWaitCondition } from 'aws-cdk-lib/aws-cloudformation';
import {
  deployReacting,
  destroyReacting,
  errorOf,
  fixtureProvider,
  readJournal,
  removeTemporaryDirectories,
  STACK_NAME,
  stateFile,
  synth,
  temporaryDirectory,
  thing,
} from './helpers';
import { deployStack } from '../../src/runner';

afterAll(removeTemporaryDirectories);

/** What the fixture functions observed, as `<request> <logical id>: <stack status>` plus each resource observed. */
function observations(journal: string): string[] {
  return readJournal(journal)
    .filter((entry) => entry.fn === 'onEvent' && entry.observed)
    .map((entry) => [
      `${entry.RequestType} ${entry.LogicalResourceId}: ${entry.observed!.stack}`,
      ...Object.entries(entry.observed!.resources).map(([logicalId, seen]) => `  ${logicalId}: ${seen}`),
    ].join('\n'));
}

test('DescribeStacks answers the stack by name or by stack id, with the status the operation has put it in', async () => {
  const assembly = synth((stack) => {
    const wait = new CfnWaitCondition(stack, 'Wait');
    wait.overrideLogicalId('Wait');
    wait.cfnOptions.creationPolicy = { resourceSignal: { count: 1, timeout: 'PT1H' } };
  });
  const seen: Record<string, unknown> = {};

  const { result } = await deployReacting(assembly, stateFile(), {
    // The wait condition holds the operation until the test signals it.
    'Wait CREATE_IN_PROGRESS': async (cloudFormation) => {
      seen.byName = (await cloudFormation.send(new DescribeStacksCommand({ StackName: STACK_NAME }))).Stacks;
      const stackId = (seen.byName as Array<{ StackId: string }>)[0].StackId;
      seen.byId = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks;
      seen.all = (await cloudFormation.send(new DescribeStacksCommand({}))).Stacks?.map((stack) => stack.StackName);
      seen.unknown = await errorOf(cloudFormation.send(new DescribeStacksCommand({ StackName: 'OtherStack' })));
      await cloudFormation.send(new SignalResourceCommand({ StackName: stackId, LogicalResourceId: 'Wait', UniqueId: 'go', Status: 'SUCCESS' }));
    },
    [`${STACK_NAME} CREATE_COMPLETE`]: async (cloudFormation) => {
      seen.completed = (await cloudFormation.send(new DescribeStacksCommand({ StackName: STACK_NAME }))).Stacks?.[0].StackStatus;
    },
  });

  expect(result.status).toBe('CREATE_COMPLETE');
  const expected = {
    StackId: result.stackId,
    StackName: STACK_NAME,
    CreationTime: expect.any(Date),
    StackStatus: 'CREATE_IN_PROGRESS',
    StackStatusReason: 'User Initiated',
  };
  expect(seen.byName).toEqual([expected]);
  expect(seen.byId).toEqual([expected]);
  expect(seen.all).toEqual([STACK_NAME]);
  // The message CloudFormation answers with (https://github.com/boto/boto3/issues/2807).
  expect(seen.unknown).toBe('ValidationError: Stack with id OtherStack does not exist');
  expect(seen.completed).toBe('CREATE_COMPLETE');
});

test('a function the runner runs reads the stack\'s status as it changes: in progress, then rolling back', async () => {
  const journal = join(temporaryDirectory(), 'journal.jsonl');
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    const observer = thing(stack, provider, 'Observer', { Observe: 'Observer' });
    const failing = thing(stack, provider, 'Failing', { FailOn: 'onEvent:Create' });
    failing.node.addDependency(observer);
  });

  const result = await deployStack({ assembly, stateFile: stateFile() });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(observations(journal)).toEqual([
    `Create Observer: CREATE_IN_PROGRESS | User Initiated
  Observer: CREATE_IN_PROGRESS -`,
    `Delete Observer: ROLLBACK_IN_PROGRESS | The following resource(s) failed to create: [Failing]. Rollback requested by user.
  Observer: DELETE_IN_PROGRESS ${result.events.find((event) => event.logicalResourceId === 'Observer' && event.resourceStatus === 'CREATE_COMPLETE')?.physicalResourceId}`,
  ]);
});

test('a deleted stack is described by its stack id only, as DELETE_COMPLETE', async () => {
  const state = stateFile();
  const created = await deployStack({ assembly: synth((stack) => new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic' })), stateFile: state });
  expect(created.status).toBe('CREATE_COMPLETE');
  const seen: Record<string, unknown> = {};

  const { result } = await destroyReacting(state, {
    [`${STACK_NAME} DELETE_COMPLETE`]: async (cloudFormation) => {
      seen.byId = (await cloudFormation.send(new DescribeStacksCommand({ StackName: created.stackId }))).Stacks?.map((stack) => stack.StackStatus);
      seen.byName = await errorOf(cloudFormation.send(new DescribeStacksCommand({ StackName: STACK_NAME })));
      seen.all = (await cloudFormation.send(new DescribeStacksCommand({}))).Stacks;
      seen.resourceById = (await cloudFormation.send(new DescribeStackResourceCommand({ StackName: created.stackId, LogicalResourceId: 'Topic' })))
        .StackResourceDetail?.ResourceStatus;
      seen.resourceByName = await errorOf(cloudFormation.send(new DescribeStackResourceCommand({ StackName: STACK_NAME, LogicalResourceId: 'Topic' })));
    },
  });

  expect(result.status).toBe('DELETE_COMPLETE');
  expect(seen).toEqual({
    byId: ['DELETE_COMPLETE'],
    byName: `ValidationError: Stack with id ${STACK_NAME} does not exist`,
    all: [],
    resourceById: 'DELETE_COMPLETE',
    resourceByName: `ValidationError: Stack with id ${STACK_NAME} does not exist`,
  });
});
