/**
 * The isComplete function as the onEvent function's on-failure destination:
 * Lambda's record of a request whose invocations all failed is answered
 * FAILED at once, rather than CloudFormation waiting an hour for an answer.
 */
import { COMPLETION_EVENT_KIND, CREATE_FAILED_PHYSICAL_ID, POLLER_LOGICAL_ID_ENV } from 'cdk-cleanrooms-ml/lib/contracts/provider';
import { cloudFormationRequest, ON_EVENT_ARN, recordingRelayDependencies, RESPONSE_URL } from './relay-fixtures';
import type { CustomResourceEvent } from '../src/framework/events';
import { answerFailedInvocation, FailedInvocationRecord, isFailedInvocationRecord } from '../src/framework/failed-invocation';
import { completionExecutionName } from '../src/framework/relay';
import { handler as isCompleteHandler } from '../src/provider/is-complete.lambda';

/** The AWS calls the isComplete entry point made (CloudFormation and Step Functions, replaced by recording stand-ins). */
const awsCalls: Array<{ action: string; input: Record<string, unknown> }> = [];
const POLLER_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:CleanRoomsMlTrainingPollerStateMachine-abc';

jest.mock('@aws-sdk/client-cloudformation', () => ({
  CloudFormation: class {
    public async describeStackResource(input: Record<string, unknown>) {
      awsCalls.push({ action: 'DescribeStackResource', input });
      return { StackResourceDetail: { LogicalResourceId: input.LogicalResourceId, PhysicalResourceId: POLLER_ARN } };
    }
  },
}));
jest.mock('@aws-sdk/client-sfn', () => ({
  SFN: class {
    public async describeExecution(input: Record<string, unknown>) {
      awsCalls.push({ action: 'DescribeExecution', input });
      return { status: 'RUNNING' };
    }
  },
}));

const request = cloudFormationRequest;

/** A record as Lambda sends it (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). */
function record(payload: CustomResourceEvent, overrides: Partial<FailedInvocationRecord> = {}): FailedInvocationRecord {
  return {
    version: '1.0',
    timestamp: '2026-12-06T10:16:05.568Z',
    requestContext: { requestId: 'e4b46cbf-b738-4a1f-8880-a18cdf61200e', functionArn: `${ON_EVENT_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: e4b46cbf Error: Runtime exited with error: signal: killed' },
    ...overrides,
  };
}

/** What the answer sends and logs; `running` are the completion executions that exist. */
function recorder(running: string[] = []) {
  const asked: string[] = [];
  return {
    ...recordingRelayDependencies(),
    asked,
    executions: {
      exists: async (name: string) => {
        asked.push(name);
        return running.includes(name);
      },
    },
  };
}

describe('answerFailedInvocation (isComplete as onEvent\'s on-failure destination)', () => {
  test('answers a Create whose three attempts died FAILED at its ResponseURL, saying so, under the CREATE_FAILED id', async () => {
    const { deps, executions, sent, asked } = recorder();

    await answerFailedInvocation(record(request()), executions, deps);

    expect(asked).toEqual([completionExecutionName(request())]);
    expect(sent).toEqual([{
      url: RESPONSE_URL,
      response: {
        Status: 'FAILED',
        Reason: 'Model0301700E (Custom::CleanRoomsMLAudienceModel): the provider\'s request function failed 3 times (RetriesExhausted): '
          + 'Runtime.ExitError: RequestId: e4b46cbf Error: Runtime exited with error: signal: killed.',
        PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID,
        StackId: request().StackId,
        RequestId: request().RequestId,
        LogicalResourceId: 'Model0301700E',
      },
    }]);
  });

  test('answers an Update or a Delete under the resource\'s own id, so a rollback deletes what exists; a crash\'s bare message is the cause', async () => {
    for (const requestType of ['Update', 'Delete'] as const) {
      const { deps, executions, sent } = recorder();
      const crashed = record(request({ RequestType: requestType, PhysicalResourceId: 'arn:model' }), {
        responsePayload: { errorMessage: 'RequestId: e4b46cbf Process exited before completing request' },
      });

      await answerFailedInvocation(crashed, executions, deps);

      expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId, response.Reason])).toEqual([[
        'FAILED',
        'arn:model',
        'Model0301700E (Custom::CleanRoomsMLAudienceModel): the provider\'s request function failed 3 times (RetriesExhausted): '
          + 'RequestId: e4b46cbf Process exited before completing request.',
      ]]);
    }
  });

  test('an event that aged out of Lambda\'s queue, without any response, is answered FAILED naming that', async () => {
    const { deps, executions, sent } = recorder();
    const aged = record(request(), { requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 0 }, responsePayload: undefined, responseContext: undefined });

    await answerFailedInvocation(aged, executions, deps);

    expect(sent.map(({ response }) => response.Reason)).toEqual([
      'Model0301700E (Custom::CleanRoomsMLAudienceModel): the provider\'s request function did not run the request before Lambda\'s maximum event age '
        + 'passed (EventAgeExceeded).',
    ]);
  });

  test('leaves a request whose completion execution exists to that execution: an attempt started it before dying, and it answers', async () => {
    const { deps, executions, sent, asked } = recorder([completionExecutionName(request())]);

    await answerFailedInvocation(record(request()), executions, deps);

    expect(asked).toEqual([completionExecutionName(request())]);
    expect(sent).toEqual([]);
  });

  test('answers anyway when it cannot tell whether the execution exists: a FAILED now rather than CloudFormation\'s hour', async () => {
    const { deps, sent } = recorder();

    await answerFailedInvocation(record(request()), { exists: async () => { throw new Error('AccessDenied'); } }, deps);

    expect(sent.map(({ response }) => response.Status)).toEqual(['FAILED']);
  });

  test('answers a Delete of a resource whose Create failed (the library\'s id or the Provider framework\'s) SUCCESS: nothing was created', async () => {
    for (const failedId of [CREATE_FAILED_PHYSICAL_ID, 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED']) {
      const { deps, executions, sent, asked } = recorder();

      await answerFailedInvocation(record(request({ RequestType: 'Delete', PhysicalResourceId: failedId })), executions, deps);

      expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId])).toEqual([['SUCCESS', failedId]]);
      expect(asked).toEqual([]);
    }
  });

  test('scrubs the ResponseURL (a secret) from the reason and the logs, and leaves the stack trace out', async () => {
    const { deps, executions, sent, logs } = recorder();
    const leaky = record(request(), {
      responsePayload: { errorType: 'Error', errorMessage: `PUT ${RESPONSE_URL} failed`, trace: ['Error: at put (index.js:1:1)'] } as FailedInvocationRecord['responsePayload'],
    });

    await answerFailedInvocation(leaky, executions, deps);

    expect(sent[0].response.Reason).toContain('(RetriesExhausted): Error: PUT [redacted] failed');
    expect(sent[0].response.Reason).not.toContain('index.js');
    expect(JSON.stringify(sent[0].response.Reason)).not.toContain('secret-signature');
    expect(logs.join('\n')).not.toContain('secret-signature');
  });
});

describe('a Create whose first attempt made the resource before its environment died', () => {
  const MODEL_ARN = 'arn:aws:cleanrooms-ml:us-east-1:123456789012:audience-model/8d3c5f0e-6a1b-4c2d-9e8f-7a6b5c4d3e2f';
  const DIED = 'Model0301700E (Custom::CleanRoomsMLAudienceModel): the provider\'s request function failed 3 times (RetriesExhausted): '
    + 'Runtime.ExitError: RequestId: e4b46cbf Error: Runtime exited with error: signal: killed; ';

  test('is answered FAILED with the ARN of what it made, so the rollback\'s Delete names it, and the reason says so', async () => {
    const { deps, executions, sent } = recorder();
    const looked: CustomResourceEvent[] = [];

    const findCreatedResource = async (created: CustomResourceEvent) => {
      looked.push(created);
      return MODEL_ARN;
    };

    await answerFailedInvocation(record(request()), executions, { ...deps, findCreatedResource });

    expect(looked).toEqual([request()]);
    expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId, response.Reason])).toEqual([[
      'FAILED', MODEL_ARN, `${DIED}an attempt had created ${MODEL_ARN}, which the rollback deletes.`,
    ]]);
  });

  test('keeps the CREATE_FAILED id when nothing of this request\'s is found (none, or another request\'s), and says so', async () => {
    const { deps, executions, sent } = recorder();

    await answerFailedInvocation(record(request()), executions, { ...deps, findCreatedResource: async () => undefined });

    expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId, response.Reason])).toEqual([[
      'FAILED', CREATE_FAILED_PHYSICAL_ID, `${DIED}nothing this request created was found for the rollback to delete.`,
    ]]);
  });

  test('still answers, under the CREATE_FAILED id, when the lookup fails, naming why', async () => {
    const { deps, executions, sent } = recorder();
    const findCreatedResource = async (): Promise<string> => {
      throw new Error(`AccessDeniedException: not authorized to list audience models (${RESPONSE_URL})`);
    };

    await answerFailedInvocation(record(request()), executions, { ...deps, findCreatedResource });

    expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId, response.Reason])).toEqual([[
      'FAILED',
      CREATE_FAILED_PHYSICAL_ID,
      `${DIED}whether an attempt created the resource could not be checked (AccessDeniedException: not authorized to list audience models `
        + '([redacted])), so the rollback deletes nothing.',
    ]]);
  });

  test('still answers, under the CREATE_FAILED id, when the lookup outlasts the function\'s time', async () => {
    const { deps, executions, sent } = recorder();

    const neverAnswers = () => new Promise<string | undefined>(() => undefined);

    await answerFailedInvocation(record(request()), executions, { ...deps, findCreatedResource: neverAnswers, lookupTimeMs: 0 });

    expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId, response.Reason])).toEqual([[
      'FAILED',
      CREATE_FAILED_PHYSICAL_ID,
      `${DIED}whether an attempt created the resource could not be checked (the lookup ran out of the function's time), so the rollback deletes nothing.`,
    ]]);
  });

  test('an Update or a Delete is answered as before, under the resource\'s own id, without a lookup', async () => {
    for (const requestType of ['Update', 'Delete'] as const) {
      const { deps, executions, sent } = recorder();
      let lookups = 0;

      await answerFailedInvocation(record(request({ RequestType: requestType, PhysicalResourceId: 'arn:model' })), executions, {
        ...deps,
        findCreatedResource: async () => { lookups++; return MODEL_ARN; },
      });

      expect({ requestType, lookups, answers: sent.map(({ response }) => [response.Status, response.PhysicalResourceId, response.Reason]) }).toEqual({
        requestType,
        lookups: 0,
        answers: [['FAILED', 'arn:model', `${DIED.slice(0, -2)}.`]],
      });
    }
  });

  test('a request whose completion execution exists is left to it, without a lookup', async () => {
    const { deps, executions, sent } = recorder([completionExecutionName(request())]);
    let lookups = 0;

    await answerFailedInvocation(record(request()), executions, { ...deps, findCreatedResource: async () => { lookups++; return MODEL_ARN; } });

    expect({ lookups, sent }).toEqual({ lookups: 0, sent: [] });
  });
});

describe('the isComplete function', () => {
  test('recognises the on-failure record of a CloudFormation request only', () => {
    expect(isFailedInvocationRecord(record(request()))).toBe(true);
    expect(isFailedInvocationRecord(record(request(), { requestContext: { condition: 'EventAgeExceeded' } }))).toBe(true);
    // A success record (an on-success destination), a record of some other event, and the poller's own states are not.
    expect(isFailedInvocationRecord({ ...record(request()), requestContext: { condition: 'Success' } })).toBe(false);
    expect(isFailedInvocationRecord(record({ ORDER_IDS: ['9e07af03'] } as unknown as CustomResourceEvent))).toBe(false);
    expect(isFailedInvocationRecord({ Kind: COMPLETION_EVENT_KIND, Request: request(), DeadlineMs: 1 })).toBe(false);
    expect(isFailedInvocationRecord(null)).toBe(false);
  });

  test('finds the poller by the logical id in its environment and the request\'s stack, and asks for the request\'s execution', async () => {
    const saved = process.env[POLLER_LOGICAL_ID_ENV];
    process.env[POLLER_LOGICAL_ID_ENV] = 'CleanRoomsMlTrainingPollerStateMachineBBBE157E';
    awsCalls.length = 0;
    try {
      // The execution exists (the stand-in describes every one): nothing is PUT.
      await expect(isCompleteHandler(record(request()))).resolves.toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env[POLLER_LOGICAL_ID_ENV];
      else process.env[POLLER_LOGICAL_ID_ENV] = saved;
    }

    expect(awsCalls).toEqual([
      { action: 'DescribeStackResource', input: { StackName: request().StackId, LogicalResourceId: 'CleanRoomsMlTrainingPollerStateMachineBBBE157E' } },
      {
        action: 'DescribeExecution',
        input: { executionArn: `arn:aws:states:us-east-1:123456789012:execution:CleanRoomsMlTrainingPollerStateMachine-abc:${completionExecutionName(request())}` },
      },
    ]);
  });

  test('still rejects an event of no known shape, answering nothing', async () => {
    const unknown = { ...record(request()), requestContext: { condition: 'Success' } } as unknown as FailedInvocationRecord;

    await expect(isCompleteHandler(unknown)).rejects.toThrow('isComplete: unknown event kind undefined');
  });
});
