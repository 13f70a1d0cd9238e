import {
  DescribeExecutionCommand, ListExecutionsCommand, SFNServiceException, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { deferred, FUNCTION_ARN, STATE_MACHINE_ARN, startHarness, stopHarnesses } from './helpers';
import type { ExecutionSummary } from '../../../src/runner/step-functions';

afterEach(stopHarnesses);

const WAIT_THEN_POLL = {
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 99999999, Next: 'Poll' },
    Poll: { Type: 'Task', Resource: FUNCTION_ARN, End: true },
  },
};

/** The error the SDK client throws for `promise`, as { name, message }. */
async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SFNServiceException);
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail');
}

test('StartExecution is idempotent for the same name and input while the execution runs; otherwise ExecutionAlreadyExists', async () => {
  const { client } = await startHarness(WAIT_THEN_POLL, () => ({}));
  const start = (input?: string): Promise<any> =>
    client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'model-3', input }));

  const first = await start('{"a":1}');
  const again = await start('{"a":1}');
  expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });

  expect(await errorOf(start('{"a":2}'))).toEqual({
    name: 'ExecutionAlreadyExists',
    message: `Execution Already Exists: '${first.executionArn}'`,
  });

  await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  // Closed: the name is taken whatever the input.
  expect((await errorOf(start('{"a":1}'))).name).toBe('ExecutionAlreadyExists');
});

test('the closed executions of earlier operations keep their names taken, and are described, for 90 days after they closed', async () => {
  const day = 24 * 3600 * 1000;
  const closed = (name: string, closedDaysAgo: number): ExecutionSummary => ({
    executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`,
    stateMachineArn: STATE_MACHINE_ARN,
    name,
    status: 'SUCCEEDED',
    startDate: new Date(Date.now() - closedDaysAgo * day - 1000),
    stopDate: new Date(Date.now() - closedDaysAgo * day),
    input: '{"a":1}',
    output: '"done"',
    historyEvents: 7,
    invocations: 1,
  });
  const [yesterday, longAgo] = [closed('model-1', 1), closed('model-0', 91)];
  const { client, sfn } = await startHarness(WAIT_THEN_POLL, () => ({}), { closedExecutions: [yesterday, longAgo] });
  const start = (name: string): Promise<any> => client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name, input: '{"a":1}' }));
  const [recent, old] = [yesterday.executionArn, longAgo.executionArn];

  // Closed: taken whatever the input, the same one included.
  expect(await errorOf(start('model-1'))).toEqual({ name: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${recent}'` });
  expect(await client.send(new DescribeExecutionCommand({ executionArn: recent }))).toMatchObject({
    name: 'model-1', status: 'SUCCEEDED', input: '{"a":1}', output: '"done"', stopDate: yesterday.stopDate,
  });
  // StopExecution of a closed execution changes nothing.
  await client.send(new StopExecutionCommand({ executionArn: recent, cause: 'late' }));
  expect(await client.send(new DescribeExecutionCommand({ executionArn: recent }))).toMatchObject({ status: 'SUCCEEDED' });
  expect(await sfn.ended(recent)).toMatchObject({ status: 'SUCCEEDED' });
  // "Names can be reused after 90 days".
  expect((await start('model-0')).executionArn).toBe(old);
  expect(sfn.executions().map((execution) => `${execution.name} ${execution.status}`)).toEqual(['model-1 SUCCEEDED', 'model-0 RUNNING']);
});

test('StartExecution without input runs with {}; without a name, with a generated one', async () => {
  const polled = deferred<unknown>();
  const { client, sfn } = await startHarness({ StartAt: 'Poll', States: { Poll: { Type: 'Task', Resource: FUNCTION_ARN, End: true } } }, (payload) => {
    polled.resolve(payload);
    return 'done';
  });
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN }));
  expect(executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:TrainingPoller:[0-9a-f-]{36}$/);
  expect(await polled.promise).toEqual({});
  expect(await sfn.ended(executionArn!)).toMatchObject({ status: 'SUCCEEDED', input: '{}', output: '"done"' });
});

test('StartExecution refuses an unknown state machine, a bad ARN, a bad name and input that is not JSON', async () => {
  const { client } = await startHarness(WAIT_THEN_POLL, () => ({}));
  const other = STATE_MACHINE_ARN.replace('TrainingPoller', 'Other');
  expect(await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: other })))).toEqual({
    name: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${other}'`,
  });
  expect((await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: 'TrainingPoller' })))).name).toBe('InvalidArn');
  for (const name of ['a'.repeat(81), 'has space', 'a:b']) {
    expect((await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name })))).name).toBe('InvalidName');
  }
  const invalid = await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'x', input: '{not json' })));
  expect(invalid.name).toBe('InvalidExecutionInput');
  expect(invalid.message).toMatch(/^Invalid State Machine Execution Input: /);
});

test('StopExecution and DescribeExecution of an unknown execution: ExecutionDoesNotExist', async () => {
  const { client } = await startHarness(WAIT_THEN_POLL, () => ({}));
  const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:never`;
  expect(await errorOf(client.send(new DescribeExecutionCommand({ executionArn })))).toEqual({
    name: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${executionArn}'`,
  });
  expect((await errorOf(client.send(new StopExecutionCommand({ executionArn })))).name).toBe('ExecutionDoesNotExist');
});

test('an operation the runner does not serve is refused by name', async () => {
  const { client } = await startHarness(WAIT_THEN_POLL, () => ({}));
  const refused = await errorOf(client.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN })));
  expect(refused.name).toBe('UnknownOperationException');
  expect(refused.message).toContain('does not support ListExecutions');
});
