import { join } from 'node:path';
import { CfnResource, CustomResource, Duration } from 'aws-cdk-lib';
import {
  fixtureProvider,
  onEventCalls,
  readJournal,
  removeTemporaryDirectories,
  resourceEvents,
  stackStatuses,
  synth,
  temporaryDirectory,
  thing,
} from './helpers';
import { CREATE_FAILED_PHYSICAL_ID_MARKER, deployStack, DeploymentEvent, destroyStack, stackStatus, StackEvent } from '../../src/runner';

afterAll(removeTemporaryDirectories);

function workspace(): { readonly journal: string; readonly stateFile: string } {
  const directory = temporaryDirectory();
  return { journal: join(directory, 'journal.jsonl'), stateFile: join(directory, 'state.json') };
}

function eventsOf(logicalId: string, events: readonly DeploymentEvent[]): StackEvent[] {
  return events.filter((event): event is StackEvent => event.kind === 'event' && event.logicalResourceId === logicalId);
}

test('fails a create when onEvent throws, rolls back what was created, and lets the framework answer the failed resource\'s Delete', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    const a = thing(stack, provider, 'A');
    thing(stack, provider, 'B', { FromA: a.getAttString('Value'), FailOn: 'onEvent:Create' });
  });
  const events: DeploymentEvent[] = [];

  const result = await deployStack({ assembly, stateFile, onEvent: (event) => events.push(event) });

  expect(result).toMatchObject({ status: 'ROLLBACK_COMPLETE', success: false, resources: [] });
  expect(result.failure).toEqual({
    logicalResourceId: 'B',
    resourceType: 'Custom::Thing',
    reason: expect.stringMatching(/^B was asked to fail on Create\n\nLogs: \/aws\/lambda\/RunnerTestStack-OnEventHandler/),
  });
  // B's Delete never reaches the handler: its physical id is the framework's CREATE_FAILED marker.
  expect(onEventCalls(journal)).toEqual(['Create A', 'Create B', 'Delete A']);
  expect(eventsOf('B', events).map((event) => [event.resourceStatus, event.physicalResourceId])).toEqual([
    ['CREATE_IN_PROGRESS', undefined],
    ['CREATE_FAILED', CREATE_FAILED_PHYSICAL_ID_MARKER],
    ['DELETE_IN_PROGRESS', CREATE_FAILED_PHYSICAL_ID_MARKER],
    ['DELETE_COMPLETE', CREATE_FAILED_PHYSICAL_ID_MARKER],
  ]);
  expect(stackStatuses(events)).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
  expect(eventsOf('RunnerTestStack', events)[1].resourceStatusReason)
    .toBe('The following resource(s) failed to create: [B]. Rollback requested by user.');
  // Rollback goes in reverse: A (which B depends on) after B, the provider's functions last.
  const deletes = resourceEvents(events).filter((event) => event.endsWith('DELETE_COMPLETE')).map((event) => event.split(' ')[0]);
  expect(deletes.slice(0, 2)).toEqual(['B', 'A']);
  // Everything else created goes too, except the waiter's log group: DeletionPolicy Retain holds on a rollback.
  const createdIds = resourceEvents(events).filter((event) => event.endsWith('CREATE_COMPLETE')).map((event) => event.split(' ')[0]);
  const retained = resourceEvents(events).filter((event) => event.endsWith('DELETE_SKIPPED')).map((event) => event.split(' ')[0]);
  expect(retained).toEqual([expect.stringMatching(/^ProviderwaiterstatemachineLogGroup/)]);
  expect([...deletes.slice(2), ...retained].sort()).toEqual(createdIds.filter((id) => id !== 'A').sort());
});

test('fails a create when isComplete throws, and the rollback deletes the half-made resource through its handler', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    thing(stack, provider, 'A', { FailOn: 'isComplete:Create' });
  });

  const result = await deployStack({ assembly, stateFile });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure!.reason).toMatch(/^A isComplete was asked to fail on Create\n/);
  const [create, isComplete, del] = readJournal(journal);
  expect([create.fn, isComplete.fn, del.fn, del.RequestType]).toEqual(['onEvent', 'isComplete', 'onEvent', 'Delete']);
  // A throw in isComplete is final: no second poll. The Delete names the id onEvent returned.
  expect(del.PhysicalResourceId).toBe(isComplete.PhysicalResourceId);
  expect(del.PhysicalResourceId).toMatch(/^A-g1-/);
});

test('fails with "Operation timed out" when isComplete never completes within totalTimeout', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal, queryInterval: Duration.seconds(1), totalTimeout: Duration.seconds(5) });
    thing(stack, provider, 'Slow', { NeverComplete: 'Create' });
  });
  const events: DeploymentEvent[] = [];

  const result = await deployStack({ assembly, stateFile, timeScale: 0.01, progressIntervalMs: 0, onEvent: (event) => events.push(event) });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure).toMatchObject({ logicalResourceId: 'Slow', reason: 'Operation timed out' });
  // The waiter calls isComplete at once, then once per interval: 1 + 5 s / 1 s.
  const polls = readJournal(journal).filter((entry) => entry.fn === 'isComplete' && entry.RequestType === 'Create');
  expect(polls).toHaveLength(6);
  expect(events.filter((event) => event.kind === 'progress').length).toBeGreaterThanOrEqual(1);
  // The timed-out resource has the id onEvent gave it, so the rollback deletes it.
  expect(onEventCalls(journal)).toEqual(['Create Slow', 'Delete Slow']);
});

test('fails an update and rolls back: updated resources and the failed one get the old properties back, new ones are deleted', async () => {
  const { journal, stateFile } = workspace();
  const first = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    thing(stack, provider, 'A', { Echo: 'one' });
    thing(stack, provider, 'B', { Echo: 'one' });
  });
  const second = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    const a = thing(stack, provider, 'A', { Echo: 'two' });
    const c = thing(stack, provider, 'C');
    thing(stack, provider, 'B', { Echo: 'two', FailOn: 'onEvent:Update', AfterC: c.ref, AfterA: a.ref });
  });
  await deployStack({ assembly: first, stateFile });
  const events: DeploymentEvent[] = [];

  const result = await deployStack({ assembly: second, stateFile, onEvent: (event) => events.push(event) });

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failure).toMatchObject({ logicalResourceId: 'B', reason: expect.stringMatching(/^B was asked to fail on Update/) });
  expect(onEventCalls(journal)).toEqual([
    'Create A', 'Create B',
    'Update A', 'Create C', 'Update B',
    // the rollback, last step first, then the cleanup
    'Update B', 'Update A', 'Delete C',
  ]);
  const calls = readJournal(journal).filter((entry) => entry.fn === 'onEvent');
  const [rollbackB, rollbackA] = calls.slice(5);
  expect([rollbackB.ResourceProperties.Echo, rollbackB.OldResourceProperties!.Echo]).toEqual(['one', 'two']);
  expect(rollbackB.OldResourceProperties!.FailOn).toBe('onEvent:Update');
  expect([rollbackA.ResourceProperties.Echo, rollbackA.OldResourceProperties!.Echo]).toEqual(['one', 'two']);
  expect(stackStatuses(events)).toEqual([
    'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
  ]);
  expect(result.resources.map((resource) => resource.logicalResourceId)).not.toContain('C');
  // The stack is back on the first template: deploying it again changes nothing.
  expect(await deployStack({ assembly: first, stateFile })).toMatchObject({ noChanges: true, status: 'UPDATE_ROLLBACK_COMPLETE', success: true });
});

test('fails a create whose Fn::GetAtt names a key the custom resource did not return', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    const a = thing(stack, provider, 'A');
    thing(stack, provider, 'B', { Missing: a.getAttString('NoSuchKey') });
  });

  const result = await deployStack({ assembly, stateFile });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure).toMatchObject({
    logicalResourceId: 'B',
    reason: expect.stringMatching(/^CustomResource attribute error: Vendor response doesn't contain NoSuchKey key in object arn:aws:cloudformation:/),
  });
  expect(onEventCalls(journal)).toEqual(['Create A', 'Delete A']);
});

test('fails a destroy when a Delete fails, keeping what the failed resource depends on', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    const a = thing(stack, provider, 'A');
    thing(stack, provider, 'B', { FromA: a.ref, FailOn: 'onEvent:Delete' });
    thing(stack, provider, 'Independent');
  });
  await deployStack({ assembly, stateFile });

  const result = await destroyStack({ stateFile });

  expect(result.status).toBe('DELETE_FAILED');
  expect(result.failure).toMatchObject({ logicalResourceId: 'B', reason: expect.stringMatching(/^B was asked to fail on Delete/) });
  expect(onEventCalls(journal).slice(3)).toEqual(['Delete Independent', 'Delete B']);
  const [report] = stackStatus({ stateFile });
  expect(report.status).toBe('DELETE_FAILED');
  expect(report.statusReason).toBe('The following resource(s) failed to delete: [B].');
  expect(report.resources.map((resource) => `${resource.logicalResourceId} ${resource.resourceStatus}`)).toEqual(expect.arrayContaining([
    'A CREATE_COMPLETE', 'B DELETE_FAILED',
  ]));
  await expect(deployStack({ assembly, stateFile })).rejects.toThrow(/is in DELETE_FAILED state and can not be updated/);
});

test('fails a create whose response is over 4,096 bytes', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    thing(stack, provider, 'Big', { BigData: 4000 });
  });

  const result = await deployStack({ assembly, stateFile });

  expect(result.failure).toMatchObject({ logicalResourceId: 'Big', reason: 'Response object is too long.' });
});

test('fails a create whose response would come after the resource\'s ServiceTimeout', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal, queryInterval: Duration.seconds(5), totalTimeout: Duration.minutes(10) });
    const late = new CustomResource(stack, 'Late', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::Thing',
      serviceTimeout: Duration.seconds(20),
      properties: { NeverComplete: 'Create' },
    });
    (late.node.defaultChild as CfnResource).overrideLogicalId('Late');
  });

  const result = await deployStack({ assembly, stateFile, timeScale: 0.001 });

  expect(result.failure).toMatchObject({
    logicalResourceId: 'Late',
    reason: expect.stringMatching(/^CloudFormation did not receive a response from your Custom Resource\. Please check your logs for requestId \[[0-9a-f-]+\]/),
  });
  // isComplete at 0, 5, 10 and 15 s (plus the functions' own run time): CloudFormation has given up before the fifth.
  expect(readJournal(journal).filter((entry) => entry.fn === 'isComplete')).toHaveLength(4);
});

test('fails a Delete whose handler returns another physical id', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    thing(stack, provider, 'A', { ChangeIdOnDelete: 'true' });
  });
  await deployStack({ assembly, stateFile });

  const result = await destroyStack({ stateFile });

  expect(result.status).toBe('DELETE_FAILED');
  expect(result.failure!.reason).toMatch(/^DELETE: cannot change the physical resource ID from "A-g1-[0-9a-f]+" to "something-else" during deletion$/);
});

describe('Lambda runtimes past their block date', () => {
  test.each([
    // AWS Lambda blocked creating nodejs20.x functions on 2026-06-01: what
    // aws-cdk-lib before 2.197 gives the Provider framework's functions.
    ['nodejs20.x'],
    ['nodejs16.x'],
  ])('fails to create a function on %s, as Lambda refuses it, and rolls back', async (runtime) => {
    const { stateFile } = workspace();
    const assembly = synth((stack) => {
      new CfnResource(stack, 'Fn', {
        type: 'AWS::Lambda::Function',
        properties: { Runtime: runtime, Handler: 'index.handler', Role: 'arn:aws:iam::111122223333:role/r', Code: { ZipFile: 'exports.handler=()=>{}' } },
      });
    });

    const result = await deployStack({ assembly, stateFile });

    expect(result).toMatchObject({ status: 'ROLLBACK_COMPLETE', success: false, resources: [] });
    expect(result.failure).toEqual({
      logicalResourceId: 'Fn',
      resourceType: 'AWS::Lambda::Function',
      reason: expect.stringContaining(`The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions.`),
    });
  });

  test('creates a function on nodejs24.x', async () => {
    const { stateFile } = workspace();
    const assembly = synth((stack) => {
      new CfnResource(stack, 'Fn', {
        type: 'AWS::Lambda::Function',
        properties: { Runtime: 'nodejs24.x', Handler: 'index.handler', Role: 'arn:aws:iam::111122223333:role/r', Code: { ZipFile: 'exports.handler=()=>{}' } },
      });
    });

    await expect(deployStack({ assembly, stateFile })).resolves.toMatchObject({ status: 'CREATE_COMPLETE', success: true });
  });
});
