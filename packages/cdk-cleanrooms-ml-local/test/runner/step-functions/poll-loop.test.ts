import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { FUNCTION_ARN, STATE_MACHINE_ARN, startHarness, stopHarnesses } from './helpers';

afterEach(stopHarnesses);

/** The training poller's shape: Task(Lambda) → Choice → Wait(SecondsPath) → Task … → Succeed. */
const POLL_LOOP = {
  Comment: 'Polls until the function says done',
  StartAt: 'Poll',
  States: {
    'Poll': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { 'FunctionName': FUNCTION_ARN, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Retry: [{ ErrorEquals: ['Lambda.ServiceException', 'Lambda.SdkClientException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }],
      Next: 'Done?',
    },
    'Done?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.done', BooleanEquals: true, Next: 'Finished' },
        { And: [{ Variable: '$.polls', NumericGreaterThanEquals: 100 }, { Not: { Variable: '$.status', StringEquals: 'ACTIVE' } }], Next: 'GiveUp' },
      ],
      Default: 'Pause',
    },
    'Pause': { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Poll' },
    'Finished': { Type: 'Succeed' },
    'GiveUp': { Type: 'Fail', Error: 'PollingGaveUp', Cause: 'too many polls' },
  },
};

test('a poll loop (Task → Choice → Wait(SecondsPath) → Task …) ends in Succeed after N polls, its output the last state\'s', async () => {
  const { client, calls, ended, sfn } = await startHarness(POLL_LOOP, (payload: { polls?: number }) => {
    const polls = (payload.polls ?? 0) + 1;
    // 1000 s between polls: 10 ms at the harness's timeScale.
    return { polls, done: polls === 3, status: polls === 3 ? 'ACTIVE' : 'CREATE_IN_PROGRESS', waitSeconds: 1000 };
  });

  const started = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'model-1', input: '{"modelArn":"arn:model"}' }));
  expect(started.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:TrainingPoller:model-1');
  expect(started.startDate).toBeInstanceOf(Date);
  await sfn.ended(started.executionArn!);

  const described = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
  expect(described).toMatchObject({
    executionArn: started.executionArn,
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'model-1',
    status: 'SUCCEEDED',
    input: '{"modelArn":"arn:model"}',
  });
  expect(JSON.parse(described.output!)).toEqual({ polls: 3, done: true, status: 'ACTIVE', waitSeconds: 1000 });
  expect(described.stopDate!.getTime()).toBeGreaterThanOrEqual(described.startDate!.getTime());
  expect(described.error).toBeUndefined();
  // Each poll gets the previous poll's Payload (OutputPath), the first the execution's input.
  expect(calls.map((call) => call.payload)).toEqual([
    { modelArn: 'arn:model' },
    { polls: 1, done: false, status: 'CREATE_IN_PROGRESS', waitSeconds: 1000 },
    { polls: 2, done: false, status: 'CREATE_IN_PROGRESS', waitSeconds: 1000 },
  ]);
  expect(calls.every((call) => call.functionArn === FUNCTION_ARN)).toBe(true);
  // 1 ExecutionStarted + 3 polls × 5 + 2 × (Choice 2 + Wait 2) + last Choice 2 + Succeed 2 + ExecutionSucceeded 1.
  expect(ended).toEqual([expect.objectContaining({ name: 'model-1', status: 'SUCCEEDED', historyEvents: 1 + 15 + 8 + 2 + 2 + 1, invocations: 3 })]);
});

test('a Fail state fails the execution with its Error and Cause', async () => {
  const { client, sfn } = await startHarness(POLL_LOOP, () => ({ polls: 100, done: false, status: 'FAILED', waitSeconds: 0 }));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'gives-up' }));
  await sfn.ended(executionArn!);
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  expect(described).toMatchObject({ status: 'FAILED', error: 'PollingGaveUp', cause: 'too many polls', input: '{}' });
  expect(described.output).toBeUndefined();
});

test('a Wait is scaled: 1000 s at timeScale 1e-5 ends while a 3,000,000 s wait has not', async () => {
  const definition = { StartAt: 'Pause', States: { Pause: { Type: 'Wait', SecondsPath: '$.seconds', End: true } } };
  const { client, sfn } = await startHarness(definition, () => undefined);
  const long = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'long', input: '{"seconds":3000000}' }));
  const short = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'short', input: '{"seconds":1000}' }));

  const shortEnd = await sfn.ended(short.executionArn!);
  expect(shortEnd).toMatchObject({ status: 'SUCCEEDED', output: '{"seconds":1000}' });
  const longNow = await client.send(new DescribeExecutionCommand({ executionArn: long.executionArn }));
  expect(longNow.status).toBe('RUNNING');
  expect(longNow.stopDate).toBeUndefined();
  // afterEach's stop() interrupts the long wait: jest exits with no timer left.
});

test('Pass (Result, Parameters with .$ and the context object, ResultPath) and Wait (Timestamp in the past) shape the output', async () => {
  const definition = {
    StartAt: 'Seed',
    States: {
      Seed: { Type: 'Pass', Result: { interval: 60 }, ResultPath: '$.config', Next: 'Shape' },
      Shape: {
        Type: 'Pass',
        Parameters: { 'model.$': '$.model', 'interval.$': '$.config.interval', 'execution.$': '$$.Execution.Name', 'fixed': [1, { 'first.$': '$.list[0]' }] },
        ResultPath: '$.shaped',
        OutputPath: '$.shaped',
        Next: 'Past',
      },
      Past: { Type: 'Wait', Timestamp: '2020-01-01T00:00:00Z', Next: 'Select' },
      Select: { Type: 'Pass', Parameters: { 'first.$': '$.fixed[1].first', 'execution.$': '$.execution', 'interval.$': '$[\'interval\']' }, End: true },
    },
  };
  const { client, sfn } = await startHarness(definition, () => undefined);
  const { executionArn } = await client.send(new StartExecutionCommand({
    stateMachineArn: STATE_MACHINE_ARN, name: 'shape', input: JSON.stringify({ model: 'm-1', list: ['a', 'b'] }),
  }));
  const summary = await sfn.ended(executionArn!);
  expect(summary?.status).toBe('SUCCEEDED');
  expect(JSON.parse(summary!.output!)).toEqual({ first: 'a', execution: 'shape', interval: 60 });
});

test('a path that selects nothing fails the execution with States.Runtime, which no Catch matches', async () => {
  const definition = {
    StartAt: 'Poll',
    States: {
      Poll: {
        Type: 'Task', Resource: FUNCTION_ARN, InputPath: '$.missing', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true,
      },
      Caught: { Type: 'Succeed' },
    },
  };
  const { client, sfn, calls } = await startHarness(definition, () => ({}));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'bad-path' }));
  const summary = await sfn.ended(executionArn!);
  expect(summary).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  expect(summary!.cause).toContain('$.missing');
  expect(calls).toHaveLength(0);
});

test('ResultPath creates the objects on its way; through a value that is not an object it fails with States.ResultPathMatchFailure', async () => {
  const definition = {
    StartAt: 'Deep',
    States: {
      Deep: { Type: 'Pass', Result: 1, ResultPath: '$.a.b.c', Next: 'Through' },
      Through: { Type: 'Pass', Result: 2, ResultPath: '$.status.code', End: true },
    },
  };
  const { client, sfn } = await startHarness(definition, () => undefined);
  const run = async (name: string, input: object): Promise<unknown> => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name, input: JSON.stringify(input) }));
    return sfn.ended(executionArn!);
  };
  expect(await run('objects', {})).toMatchObject({ status: 'SUCCEEDED', output: '{"a":{"b":{"c":1}},"status":{"code":2}}' });
  expect(await run('string', { status: 'ACTIVE' })).toMatchObject({ status: 'FAILED', error: 'States.ResultPathMatchFailure' });
});
