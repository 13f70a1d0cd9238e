import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { FUNCTION_ARN, functionError, STATE_MACHINE_ARN, startHarness, stopHarnesses } from './helpers';

afterEach(stopHarnesses);

/** One Task on a function ARN (Resource form), with the given Retry / Catch, then Succeed. */
function taskWith(fields: object): object {
  return {
    StartAt: 'Poll',
    States: {
      Poll: { Type: 'Task', Resource: FUNCTION_ARN, ResultPath: '$.result', Next: 'Done', ...fields },
      Done: { Type: 'Succeed' },
      Report: { Type: 'Pass', End: true },
    },
  };
}

test('Retry: a Lambda.ServiceException retried, then success (each attempt counted in the history)', async () => {
  const { client, sfn, calls } = await startHarness(
    taskWith({ Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }] }),
    (_payload, call) => {
      if (call < 3) throw functionError('Lambda.ServiceException', 'Rate exceeded');
      return { status: 'ACTIVE' };
    },
  );
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'retried', input: '{"id":1}' }));
  const summary = await sfn.ended(executionArn!);
  expect(summary).toMatchObject({ status: 'SUCCEEDED', invocations: 3, output: '{"id":1,"result":{"status":"ACTIVE"}}' });
  expect(calls.map((call) => call.payload)).toEqual([{ id: 1 }, { id: 1 }, { id: 1 }]);
  // ExecutionStarted, TaskStateEntered, 3 × (LambdaFunctionScheduled, Started, Failed|Succeeded), TaskStateExited,
  // SucceedStateEntered, SucceedStateExited, ExecutionSucceeded.
  expect(summary!.historyEvents).toBe(1 + 1 + 9 + 1 + 2 + 1);
});

test('Retry exhausted and no Catch: the execution FAILS with the function\'s errorType and its error as the cause', async () => {
  const { client, sfn, calls } = await startHarness(
    taskWith({ Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 2, MaxDelaySeconds: 1, JitterStrategy: 'FULL' }] }),
    () => {
      throw functionError('ResourceNotFoundException', 'Audience model not found');
    },
  );
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'exhausted' }));
  await sfn.ended(executionArn!);
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  expect(described.status).toBe('FAILED');
  expect(described.error).toBe('ResourceNotFoundException');
  expect(JSON.parse(described.cause!)).toEqual({ errorType: 'ResourceNotFoundException', errorMessage: 'Audience model not found' });
  expect(calls).toHaveLength(3); // the first attempt and MaxAttempts 2 retries
});

test('an error no Retrier matches is not retried; an error without a name is Lambda.Unknown', async () => {
  const { client, sfn, calls } = await startHarness(
    taskWith({ Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }] }),
    () => Promise.reject({ message: 'out of memory' }),
  );
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'unknown' }));
  expect(await sfn.ended(executionArn!)).toMatchObject({ status: 'FAILED', error: 'Lambda.Unknown', cause: '{"errorType":"Lambda.Unknown","errorMessage":"out of memory"}' });
  expect(calls).toHaveLength(1);
});

test('Catch: the error output { Error, Cause } goes to the Catcher\'s ResultPath and the execution continues at its Next', async () => {
  const { client, sfn, calls } = await startHarness(
    taskWith({
      Retry: [{ ErrorEquals: ['Throttled'], MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['Other'], Next: 'Done' }, { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Report' }],
    }),
    (_payload, call) => {
      throw functionError(call === 1 ? 'Throttled' : 'TrainingFailed', 'Training failed: bad data');
    },
  );
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'caught', input: '{"id":2}' }));
  const summary = await sfn.ended(executionArn!);
  expect(summary?.status).toBe('SUCCEEDED');
  expect(JSON.parse(summary!.output!)).toEqual({
    id: 2,
    failure: { Error: 'TrainingFailed', Cause: '{"errorType":"TrainingFailed","errorMessage":"Training failed: bad data"}' },
  });
  expect(calls).toHaveLength(2);
});

test('lambda:invoke wraps the result like AWS ({ Payload, StatusCode, ... }) and passes FunctionName and Qualifier on', async () => {
  const definition = {
    StartAt: 'Invoke',
    States: {
      Invoke: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FUNCTION_ARN, Qualifier: 'live', Payload: { 'model.$': '$.model', 'fixed': true } },
        ResultSelector: { 'status.$': '$.StatusCode', 'version.$': '$.ExecutedVersion', 'body.$': '$.Payload' },
        Catch: [{ ErrorEquals: ['Boom'], ResultPath: null, Next: 'Again' }],
        Next: 'Again',
      },
      Again: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName': 'poller', 'Payload.$': '$' }, End: true },
    },
  };
  const { client, sfn, calls } = await startHarness(definition, (payload) => ({ echoed: payload }));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'invoke', input: '{"model":"m"}' }));
  const summary = await sfn.ended(executionArn!);
  expect(calls[0]).toEqual({ functionArn: `${FUNCTION_ARN}:live`, payload: { model: 'm', fixed: true } });
  expect(calls[1]).toEqual({ functionArn: 'poller', payload: { status: 200, version: 'live', body: { echoed: { model: 'm', fixed: true } } } });
  expect(JSON.parse(summary!.output!)).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: { echoed: calls[1].payload } });
});
