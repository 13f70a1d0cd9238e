import { DescribeExecutionCommand, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { FUNCTION_ARN, STATE_MACHINE_ARN, startHarness, stopHarnesses } from './helpers';
import { MAX_HISTORY_EVENTS } from '../../../src/runner/step-functions';

afterEach(stopHarnesses);

test('a loop that would go on forever fails at 25,000 history events, with the history quota as the cause', async () => {
  const forever = {
    StartAt: 'Poll',
    States: {
      'Poll': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName': FUNCTION_ARN, 'Payload.$': '$' }, OutputPath: '$.Payload', Next: 'Done?' },
      'Done?': { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'Finished' }], Default: 'Pause' },
      'Pause': { Type: 'Wait', Seconds: 0, Next: 'Poll' },
      'Finished': { Type: 'Succeed' },
    },
  };
  const { client, sfn, calls } = await startHarness(forever, () => ({ done: false }), { timeScale: 0 });
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'forever' }));
  const summary = await sfn.ended(executionArn!);

  expect(summary?.historyEvents).toBe(MAX_HISTORY_EVENTS);
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  expect(described.status).toBe('FAILED');
  expect(described.error).toBe('States.Runtime');
  expect(described.cause).toContain('quota of 25000 history events');
  // 9 events a poll (Task 5, Choice 2, Wait 2) after ExecutionStarted: the 2,778th poll's events reach the quota.
  expect(calls).toHaveLength(Math.ceil((MAX_HISTORY_EVENTS - 1) / 9));
});

const UNSUPPORTED: ReadonlyArray<readonly [string, object, RegExp]> = [
  ['a Map state', { ForEach: { Type: 'Map', ItemProcessor: {}, End: true } }, /state 'ForEach' is a Map state/],
  ['a Parallel state', { Both: { Type: 'Parallel', Branches: [], End: true } }, /state 'Both' is a Parallel state/],
  ['an AWS SDK integration', { Get: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:cleanroomsml:getAudienceModel', End: true } },
    /state 'Get' has Resource "arn:aws:states:::aws-sdk:cleanroomsml:getAudienceModel", which the runner does not support/],
  ['an intrinsic function', { Shape: { Type: 'Pass', Parameters: { 'id.$': 'States.Format(\'m-{}\', $.id)' }, End: true } },
    /state 'Shape' has Parameters.id.\$ = .*intrinsic functions are not supported/],
  ['a JSONata state', { Calc: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } }, /state 'Calc' has the field QueryLanguage/],
  ['a Task timeout', { Poll: { Type: 'Task', Resource: FUNCTION_ARN, TimeoutSeconds: 60, End: true } }, /state 'Poll' has the field TimeoutSeconds/],
  ['an unsupported Choice operator', {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.at', TimestampLessThan: '2020-01-01T00:00:00Z', Next: 'Done' }] },
    Done: { Type: 'Succeed' },
  }, /state 'Check' has the Choice operator TimestampLessThan/],
  ['a Next naming no state', { Poll: { Type: 'Task', Resource: FUNCTION_ARN, Next: 'Nowhere' } }, /state 'Poll' has Next "Nowhere", which names no state/],
  ['States.ALL before another Catcher', {
    Poll: { Type: 'Task', Resource: FUNCTION_ARN, End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Poll' }, { ErrorEquals: ['X'], Next: 'Poll' }] },
  }, /state 'Poll' has States.ALL in Catch\[0\].ErrorEquals, which must be alone and in the last Catch entry/],
  ['a Wait with both Seconds and SecondsPath', { Pause: { Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true } },
    /state 'Pause' must have exactly one of Seconds, SecondsPath, Timestamp and TimestampPath/],
  ['a wildcard path', { Pick: { Type: 'Pass', InputPath: '$.items[*]', End: true } }, /state 'Pick' has InputPath "\$.items\[\*\]"/],
];

test.each(UNSUPPORTED)('StartExecution refuses a definition with %s, naming the state (InvalidDefinition), and starts nothing', async (_what, states, message) => {
  const definition = { StartAt: Object.keys(states)[0], States: { ...states, Spare: { Type: 'Pass', End: true } } };
  const { client, sfn, calls } = await startHarness(definition, () => ({}));
  let refused: unknown;
  try {
    await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'refused' }));
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(SFNServiceException);
  expect((refused as Error).name).toBe('InvalidDefinition');
  expect((refused as Error).message).toMatch(/^The runner cannot run state machine TrainingPoller: /);
  expect((refused as Error).message).toMatch(message);
  expect(sfn.executions()).toEqual([]);
  expect(calls).toEqual([]);
});

test('the definition\'s TimeoutSeconds, scaled, ends a running execution as TIMED_OUT with States.Timeout', async () => {
  const definition = { TimeoutSeconds: 1000, StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 99999999, End: true } } };
  const { client, sfn } = await startHarness(definition, () => ({}));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'slow' }));
  await sfn.ended(executionArn!);
  expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
});
