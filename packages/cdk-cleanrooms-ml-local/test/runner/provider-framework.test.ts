import type { InvokeResult, LambdaFunctionSpec } from '../../src/runner/lambda';
import {
  CloudFormationRequest,
  CREATE_FAILED_PHYSICAL_ID_MARKER,
  FrameworkOutcome,
  ProviderFunctions,
  runProviderFramework,
} from '../../src/runner/provider-framework';

const spec = (name: string): LambdaFunctionSpec => ({
  functionName: name,
  functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  handler: 'index.handler',
  runtime: 'nodejs24.x',
  environment: {},
});

const request = (overrides: Partial<CloudFormationRequest> = {}): CloudFormationRequest => ({
  RequestType: 'Create',
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1',
  RequestId: 'request-1',
  LogicalResourceId: 'Thing',
  ResourceType: 'Custom::Thing',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework' },
  ...overrides,
});

/** Runs the framework with functions answering from a script (one answer per call, last one repeated). */
async function run(
  answers: { readonly onEvent: unknown; readonly isComplete?: readonly unknown[] },
  cfnRequest: CloudFormationRequest = request(),
  extra: Partial<ProviderFunctions> & { readonly serviceTimeoutSeconds?: number } = {},
): Promise<{ readonly outcome: FrameworkOutcome; readonly calls: string[] }> {
  const calls: string[] = [];
  let isCompleteCalls = 0;
  const answer = (value: unknown): InvokeResult => (value instanceof Error
    ? { payload: JSON.stringify({ errorType: 'Error', errorMessage: value.message }), functionError: 'Unhandled' }
    : { payload: JSON.stringify(value ?? null) });
  const functions: ProviderFunctions = {
    onEvent: spec('user-on-event'),
    isComplete: answers.isComplete ? spec('user-is-complete') : undefined,
    queryIntervalSeconds: 5,
    maxAttempts: 3,
    ...extra,
  };
  const outcome = await runProviderFramework(functions, cfnRequest, {
    timeScale: 0.001,
    serviceTimeoutSeconds: extra.serviceTimeoutSeconds,
    invoke: async (target) => {
      calls.push(target.functionName);
      if (target.functionName === 'user-on-event') return answer(answers.onEvent);
      const scripted = answers.isComplete!;
      return answer(scripted[Math.min(isCompleteCalls++, scripted.length - 1)]);
    },
  });
  return { outcome, calls };
}

function response(outcome: FrameworkOutcome): Record<string, unknown> {
  if (!('response' in outcome)) throw new Error('no response');
  return outcome.response as unknown as Record<string, unknown>;
}

test('answers a Create with the RequestId as physical id when onEvent names none', async () => {
  const { outcome } = await run({ onEvent: { Data: { A: '1' } } });

  expect(response(outcome)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'request-1', Data: { A: '1' } });
});

test('merges isComplete\'s result over onEvent\'s, Data key by key', async () => {
  const { outcome, calls } = await run({
    onEvent: { PhysicalResourceId: 'thing-1', Data: { A: '1', B: '1' } },
    isComplete: [{ IsComplete: false }, { IsComplete: true, Data: { B: '2' } }],
  });

  expect(response(outcome)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'thing-1', Data: { A: '1', B: '2' } });
  expect(calls).toEqual(['user-on-event', 'user-is-complete', 'user-is-complete']);
});

test('answers the Delete of a failed Create itself, without calling the handler', async () => {
  const { outcome, calls } = await run({ onEvent: new Error('never called') }, request({ RequestType: 'Delete', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER }));

  expect(response(outcome)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
  expect(calls).toEqual([]);
});

test('fails a Create whose onEvent throws with the CREATE_FAILED marker and the framework\'s message', async () => {
  const { outcome } = await run({ onEvent: new Error('boom') });

  expect(response(outcome)).toMatchObject({
    Status: 'FAILED',
    PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER,
    Reason: 'boom\n\nLogs: /aws/lambda/user-on-event\n',
  });
});

test('fails when isComplete returns Data without completing', async () => {
  const { outcome, calls } = await run({ onEvent: { PhysicalResourceId: 'thing-1' }, isComplete: [{ IsComplete: false, Data: { A: '1' } }] });

  expect(response(outcome)).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'thing-1', Reason: '"Data" is not allowed if "IsComplete" is "False"' });
  expect(calls).toHaveLength(2);
});

test('fails when isComplete returns something that is not an object', async () => {
  const { outcome } = await run({ onEvent: { PhysicalResourceId: 'thing-1' }, isComplete: [null] });

  expect(response(outcome)).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/Cannot read properties of null/) });
});

test('fails with "Operation timed out" after the first isComplete and MaxAttempts retries', async () => {
  const { outcome, calls } = await run({ onEvent: { PhysicalResourceId: 'thing-1' }, isComplete: [{ IsComplete: false }] });

  expect(response(outcome)).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'thing-1', Reason: 'Operation timed out' });
  expect(calls.filter((name) => name === 'user-is-complete')).toHaveLength(4);
});

test('fails a Delete whose onEvent returns another physical id', async () => {
  const { outcome } = await run({ onEvent: { PhysicalResourceId: 'other' } }, request({ RequestType: 'Delete', PhysicalResourceId: 'thing-1' }));

  expect(response(outcome)).toMatchObject({
    Status: 'FAILED',
    PhysicalResourceId: 'thing-1',
    Reason: 'DELETE: cannot change the physical resource ID from "thing-1" to "other" during deletion',
  });
});

test('fails without a response when CloudFormation\'s ServiceTimeout passes before the waiter is done', async () => {
  const { outcome, calls } = await run(
    { onEvent: { PhysicalResourceId: 'thing-1' }, isComplete: [{ IsComplete: false }] },
    request(),
    { maxAttempts: 100, serviceTimeoutSeconds: 12 },
  );

  expect(outcome).toEqual({ noResponse: true });
  // 5 s between calls: the call after 15 s of waiting is never made.
  expect(calls.filter((name) => name === 'user-is-complete')).toHaveLength(3);
});
