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
  physicalId,
  readJournal,
  removeTemporaryDirectories,
  resourceEvents,
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

test('a function the runner runs reads the stack\'s status as it changes; a resource the rollback deleted no longer exists', async () => {
  const journal = join(temporaryDirectory(), 'journal.jsonl');
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    const observer = thing(stack, provider, 'Observer', { Observe: 'Observer,Failing' });
    const failing = thing(stack, provider, 'Failing', { FailOn: 'onEvent:Create' });
    failing.node.addDependency(observer);
  });

  const result = await deployStack({ assembly, stateFile: stateFile() });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  const observer = result.events.find((event) => event.logicalResourceId === 'Observer' && event.resourceStatus === 'CREATE_COMPLETE')?.physicalResourceId;
  const notFailing = `ValidationError: Resource Failing does not exist for stack ${STACK_NAME}`;
  expect(observations(journal)).toEqual([
    `Create Observer: CREATE_IN_PROGRESS | User Initiated\n  Observer: CREATE_IN_PROGRESS -\n  Failing: ${notFailing}`,
    'Delete Observer: ROLLBACK_IN_PROGRESS | The following resource(s) failed to create: [Failing]. Rollback requested by user.\n'
      + `  Observer: DELETE_IN_PROGRESS ${observer}\n  Failing: ${notFailing}`,
  ]);
  // Failing failed, then its rollback Delete completed before Observer's.
  expect(resourceEvents(result.events).filter((event) => event.startsWith('Failing'))).toEqual(['Failing CREATE_IN_PROGRESS', 'Failing CREATE_FAILED',
    'Failing DELETE_IN_PROGRESS', 'Failing DELETE_COMPLETE']);
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

test('an update\'s cleanup: a removed resource no longer exists; a replaced one is described as its new physical resource', async () => {
  const journal = join(temporaryDirectory(), 'journal.jsonl');
  const state = stateFile();
  const template = (generation: string, removed: boolean) => synth((stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    // The cleanup's Delete of the old physical resource carries its old properties, Observe included.
    const replaced = thing(stack, provider, 'Replaced', { Generation: generation, Observe: 'Replaced,Removed' });
    if (removed) thing(stack, provider, 'Removed').node.addDependency(replaced);
  });
  const created = await deployStack({ assembly: template('1', true), stateFile: state });
  expect(created.status).toBe('CREATE_COMPLETE');

  const updated = await deployStack({ assembly: template('2', false), stateFile: state });

  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect(observations(journal).filter((seen) => seen.startsWith('Delete'))).toEqual([
    `Delete Replaced: UPDATE_COMPLETE_CLEANUP_IN_PROGRESS
  Replaced: UPDATE_COMPLETE ${physicalId(updated, 'Replaced')}
  Removed: ValidationError: Resource Removed does not exist for stack ${STACK_NAME}`,
  ]);
  expect(physicalId(updated, 'Replaced')).not.toBe(physicalId(created, 'Replaced'));
});

test('an update\'s rollback: what it created and deleted again no longer exists; a replaced resource is its old physical resource again', async () => {
  const journal = join(temporaryDirectory(), 'journal.jsonl');
  const state = stateFile();
  const template = (version: number) => synth((stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    thing(stack, provider, 'Replaced', { Generation: String(version), Observe: 'Replaced,New' });
    thing(stack, provider, 'Changed', { Echo: `v${version}`, Observe: 'Changed' });
    if (version === 2) {
      thing(stack, provider, 'New', { Observe: 'New' });
      const failing = thing(stack, provider, 'Failing', { FailOn: 'onEvent:Create' });
      ['Replaced', 'Changed', 'New'].forEach((id) => failing.node.addDependency(stack.node.findChild(id)));
    }
  });
  const created = await deployStack({ assembly: template(1), stateFile: state });
  expect(created.status).toBe('CREATE_COMPLETE');
  const before = observations(journal).length;

  const updated = await deployStack({ assembly: template(2), stateFile: state });

  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const replacement = updated.events.find((event) => event.logicalResourceId === 'Replaced' && event.resourceStatus === 'UPDATE_COMPLETE')!.physicalResourceId;
  const created_ = updated.events.find((event) => event.logicalResourceId === 'New' && event.resourceStatus === 'CREATE_COMPLETE')!.physicalResourceId;
  const [replaced, changed] = [physicalId(created, 'Replaced'), physicalId(created, 'Changed')];
  const notNew = `ValidationError: Resource New does not exist for stack ${STACK_NAME}`;
  expect(observations(journal).slice(before)).toEqual([
    `Update Replaced: UPDATE_IN_PROGRESS | User Initiated\n  Replaced: UPDATE_IN_PROGRESS ${replaced}\n  New: ${notNew}`,
    `Update Changed: UPDATE_IN_PROGRESS | User Initiated\n  Changed: UPDATE_IN_PROGRESS ${changed}`,
    'Create New: UPDATE_IN_PROGRESS | User Initiated\n  New: CREATE_IN_PROGRESS -',
    `Update Changed: UPDATE_ROLLBACK_IN_PROGRESS | The following resource(s) failed to create: [Failing].\n  Changed: UPDATE_IN_PROGRESS ${changed}`,
    `Delete New: UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS\n  New: DELETE_IN_PROGRESS ${created_}`,
    // The replacement's Delete (its own properties): the stack's Replaced is the old physical resource again.
    `Delete Replaced: UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS\n  Replaced: UPDATE_COMPLETE ${replaced}\n  New: ${notNew}`,
  ]);
  expect(replacement).not.toBe(replaced);
});
