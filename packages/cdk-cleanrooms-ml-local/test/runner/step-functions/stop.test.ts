import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { deferred, FUNCTION_ARN, STATE_MACHINE_ARN, startHarness, stopHarnesses } from './helpers';

afterEach(stopHarnesses);

const LOOP = {
  StartAt: 'Poll',
  States: {
    Poll: { Type: 'Task', Resource: FUNCTION_ARN, Next: 'Pause' },
    // 99,999,999 s: about 1,000 s of real time at the harness's scale, so only a stop ends it in a test.
    Pause: { Type: 'Wait', Seconds: 99999999, Next: 'Poll' },
  },
};

test('StopExecution of an execution in a Wait: ABORTED with the error and cause, no invocation after it, the wait\'s timer gone', async () => {
  const firstCall = deferred();
  const { client, sfn, calls, ended } = await startHarness(LOOP, () => {
    firstCall.resolve(undefined);
    return {};
  });
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'model-2' }));
  await firstCall.promise;

  const stopped = await client.send(new StopExecutionCommand({ executionArn, error: 'ModelDeleted', cause: 'The audience model was deleted' }));
  expect(stopped.stopDate).toBeInstanceOf(Date);
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  expect(described).toMatchObject({ status: 'ABORTED', error: 'ModelDeleted', cause: 'The audience model was deleted' });
  expect(described.stopDate).toEqual(stopped.stopDate);

  const summary = await sfn.ended(executionArn!);
  expect(summary).toMatchObject({ status: 'ABORTED', invocations: 1 });
  expect(calls).toHaveLength(1);
  expect(ended).toEqual([expect.objectContaining({ name: 'model-2', status: 'ABORTED' })]);

  // AWS does not document StopExecution of a closed execution: the runner answers success and changes nothing.
  const again = await client.send(new StopExecutionCommand({ executionArn, error: 'Other', cause: 'other' }));
  expect(again.stopDate).toEqual(stopped.stopDate);
  expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', error: 'ModelDeleted' });
});

test('StopExecution while a function runs: the execution is ABORTED at once, the function\'s result is ignored, nothing runs after it', async () => {
  const running = deferred();
  const release = deferred();
  const { client, sfn, calls } = await startHarness(LOOP, async () => {
    running.resolve(undefined);
    await release.promise;
    return {};
  }, { timeScale: 0 });
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'in-flight' }));
  await running.promise;
  await client.send(new StopExecutionCommand({ executionArn }));
  expect(await sfn.ended(executionArn!)).toMatchObject({ status: 'ABORTED', invocations: 1 });

  release.resolve(undefined);
  await new Promise((resolve) => setImmediate(resolve));
  expect(calls).toHaveLength(1);
  expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
});

test('stopAll aborts every running execution with the cause and resolves when none runs', async () => {
  const polled: string[] = [];
  const bothPolled = deferred();
  const { client, sfn } = await startHarness(LOOP, (payload: { id: string }) => {
    polled.push(payload.id);
    if (polled.length === 2) bothPolled.resolve(undefined);
    return payload;
  });
  for (const id of ['a', 'b']) {
    await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: id, input: JSON.stringify({ id }) }));
  }
  await bothPolled.promise;
  const stopped = await sfn.stopAll('The stack operation ended');
  expect(stopped.map((execution) => `${execution.name} ${execution.status}`)).toEqual(['a ABORTED', 'b ABORTED']);
  expect(sfn.executions()).toEqual([
    expect.objectContaining({ name: 'a', status: 'ABORTED', cause: 'The stack operation ended' }),
    expect.objectContaining({ name: 'b', status: 'ABORTED', cause: 'The stack operation ended' }),
  ]);
});
