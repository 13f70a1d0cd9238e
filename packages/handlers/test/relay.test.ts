import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  COMPLETION_DEADLINE_SECONDS,
  COMPLETION_EVENT_KIND,
  COMPLETION_INTERVAL_SECONDS,
  CompletionState,
  CREATE_FAILED_PHYSICAL_ID,
} from 'cdk-cleanrooms-ml/lib/contracts/provider';
import { cloudFormationRequest, recordingRelayDependencies, RESPONSE_URL } from './relay-fixtures';
import { CloudFormationResponse, ResponseRefused, sendResponse } from '../src/framework/cloudformation-response';
import { errorForCloudFormation, ResourceFailure } from '../src/framework/errors';
import type { IsCompleteEvent, IsCompleteResponse, OnEventResponse } from '../src/framework/events';
import { checkCompletion, completionExecutionName, relayRequest } from '../src/framework/relay';

const request = cloudFormationRequest;

/** The relay's dependencies, recording what it sends, logs and starts. */
function recorder(now = 1_000_000) {
  const started: Array<{ name: string; input: CompletionState }> = [];
  return {
    ...recordingRelayDependencies(now),
    started,
    executions: {
      start: async (name: string, input: CompletionState) => {
        started.push({ name, input });
      },
      exists: async (name: string) => started.some((execution) => execution.name === name),
    },
  };
}

describe('relayRequest (the onEvent function)', () => {
  test('hands a started operation, with onEvent\'s answer, to a completion execution named after the request, and answers nothing yet', async () => {
    const { deps, executions, sent, started } = recorder();
    const answer: OnEventResponse = { PhysicalResourceId: 'arn:model', Operation: { StartedAt: '1' } };

    await relayRequest(request(), async () => answer, executions, deps);

    expect(sent).toEqual([]);
    expect(started).toEqual([{
      name: 'Model0301700E-0b6a2f7e-8f0c-4d35-9a2b-1c3d4e5f6a7b',
      input: {
        Kind: COMPLETION_EVENT_KIND,
        Request: { ...request(), ...answer },
        DeadlineMs: 1_000_000 + COMPLETION_DEADLINE_SECONDS * 1000,
      },
    }]);
  });

  test('answers a failed Create FAILED with the reason, under the CREATE_FAILED id, so its rollback Delete deletes nothing', async () => {
    const { deps, executions, sent, started } = recorder();
    const reason = 'Model0301700E (Custom::CleanRoomsMLAudienceModel): the name is taken.';

    await relayRequest(request(), async () => {
      throw errorForCloudFormation(reason);
    }, executions, deps);

    expect(started).toEqual([]);
    expect(sent).toEqual([{
      url: RESPONSE_URL,
      response: {
        Status: 'FAILED',
        Reason: reason,
        PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID,
        StackId: request().StackId,
        RequestId: request().RequestId,
        LogicalResourceId: 'Model0301700E',
      },
    }]);

    // The rollback's Delete of that id: SUCCESS without running the handler.
    const rollback = recorder();
    const onEvent = jest.fn();
    await relayRequest(request({ RequestType: 'Delete', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID }), onEvent, rollback.executions, rollback.deps);
    expect(onEvent).not.toHaveBeenCalled();
    expect(rollback.sent.map(({ response }) => [response.Status, response.PhysicalResourceId])).toEqual([['SUCCESS', CREATE_FAILED_PHYSICAL_ID]]);
  });

  test('answers a failed Update or Delete with the resource\'s own id (CloudFormation keeps it)', async () => {
    const { deps, executions, sent } = recorder();

    await relayRequest(request({ RequestType: 'Delete', PhysicalResourceId: 'arn:model' }), async () => {
      throw errorForCloudFormation('Model0301700E (Custom::CleanRoomsMLAudienceModel): a configured model uses it.');
    }, executions, deps);

    expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId])).toEqual([['FAILED', 'arn:model']]);
  });

  test('when the completion execution cannot start, answers FAILED with the new resource\'s id, so the rollback deletes it', async () => {
    const { deps, sent, logs } = recorder();
    const executions = {
      start: async () => Promise.reject(Object.assign(new Error(`User is not authorized to call ${RESPONSE_URL}`), { name: 'AccessDeniedException' })),
      exists: async () => false,
    };

    await relayRequest(request(), async () => ({ PhysicalResourceId: 'arn:model' }), executions, deps);

    expect(sent).toHaveLength(1);
    expect(sent[0].response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'arn:model' });
    // The reason reaches the stack events: the response URL (a secret) is scrubbed from it, as from the logs.
    expect(sent[0].response.Reason).toMatch(/^Model0301700E \(Custom::CleanRoomsMLAudienceModel\): the operation started, but checking it could not \(AccessDeniedException: User is not authorized to call /);
    expect(sent[0].response.Reason).not.toContain('secret-signature');
    expect(logs.join('\n')).not.toContain('secret-signature');
  });

  test('a request Lambda delivers again while its execution runs is left to that execution: onEvent does not run twice', async () => {
    const { deps, executions, sent, started } = recorder();
    const onEvent = jest.fn(async (): Promise<OnEventResponse> => ({ PhysicalResourceId: 'arn:model' }));

    await relayRequest(request(), onEvent, executions, deps);
    await relayRequest(request(), onEvent, executions, deps);

    expect(onEvent).toHaveBeenCalledTimes(1);
    expect(started).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  test('a Delete of the id aws-cdk-lib\'s Provider framework gave a failed Create (stacks of earlier releases) deletes nothing', async () => {
    const { deps, executions, sent } = recorder();
    const onEvent = jest.fn();
    const frameworkId = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

    await relayRequest(request({ RequestType: 'Delete', PhysicalResourceId: frameworkId }), onEvent, executions, deps);

    expect(onEvent).not.toHaveBeenCalled();
    expect(sent.map(({ response }) => [response.Status, response.PhysicalResourceId])).toEqual([['SUCCESS', frameworkId]]);
  });
});

describe('checkCompletion (the isComplete function, in the completion execution)', () => {
  const state = (overrides: Partial<CompletionState> = {}): CompletionState => ({
    Kind: COMPLETION_EVENT_KIND,
    Request: { ...request(), PhysicalResourceId: 'arn:model', Data: { Arn: 'arn:model', Status: 'CREATE_PENDING' } },
    DeadlineMs: 2_000_000,
    ...overrides,
  });

  test('asks to be called again after the interval while the operation goes on, and answers nothing', async () => {
    const { deps, sent } = recorder();
    const isComplete = jest.fn(async (_event: IsCompleteEvent): Promise<IsCompleteResponse> => ({ IsComplete: false }));

    const next = await checkCompletion(state(), isComplete, deps);

    expect(isComplete).toHaveBeenCalledWith(state().Request);
    expect(next).toEqual({ ...state(), Done: false, WaitSeconds: COMPLETION_INTERVAL_SECONDS });
    expect(sent).toEqual([]);
  });

  test('answers SUCCESS once complete, with onEvent\'s attributes under isComplete\'s, and ends without carrying the request on', async () => {
    const { deps, sent } = recorder();

    const next = await checkCompletion(state(), async () => ({ IsComplete: true, Data: { Status: 'ACTIVE' } }), deps);

    expect(sent).toEqual([{
      url: RESPONSE_URL,
      response: {
        Status: 'SUCCESS',
        PhysicalResourceId: 'arn:model',
        StackId: request().StackId,
        RequestId: request().RequestId,
        LogicalResourceId: 'Model0301700E',
        Data: { Arn: 'arn:model', Status: 'ACTIVE' },
      },
    }]);
    expect(next).toEqual({ Kind: COMPLETION_EVENT_KIND, Request: {}, DeadlineMs: 2_000_000, Done: true });
  });

  test('answers FAILED with isComplete\'s reason and the resource\'s id (the rollback deletes what exists)', async () => {
    const { deps, sent } = recorder();
    const reason = 'Model0301700E (Custom::CleanRoomsMLAudienceModel): training failed (CREATE_FAILED): not enough data.';

    const next = await checkCompletion(state(), async () => {
      throw errorForCloudFormation(reason);
    }, deps);

    expect(sent.map(({ response }) => [response.Status, response.Reason, response.PhysicalResourceId])).toEqual([['FAILED', reason, 'arn:model']]);
    expect(next.Done).toBe(true);
  });

  test('past the provider\'s deadline, answers FAILED "did not complete" without checking again', async () => {
    const { deps, sent } = recorder(2_000_001);
    const isComplete = jest.fn();

    await checkCompletion(state(), isComplete, deps);

    expect(isComplete).not.toHaveBeenCalled();
    expect(sent.map(({ response }) => [response.Status, response.Reason])).toEqual([
      ['FAILED', `Model0301700E (Custom::CleanRoomsMLAudienceModel): the operation did not complete within ${COMPLETION_DEADLINE_SECONDS / 60} minutes.`],
    ]);
  });

  test('an answer over CloudFormation\'s 4,096 bytes is sent as a FAILED answer that says so', async () => {
    const { deps, sent } = recorder();

    await checkCompletion(state(), async () => ({ IsComplete: true, Data: { Huge: 'x'.repeat(5000) } }), deps);

    expect(sent.map(({ response }) => [response.Status, response.Data])).toEqual([['FAILED', undefined]]);
    expect(sent[0].response.Reason).toMatch(/^Model0301700E \(Custom::CleanRoomsMLAudienceModel\): the answer would be \d+ bytes, over CloudFormation's 4096\.$/);
  });

  test('an answer the response URL refuses (4xx) ends the check: no retry can change it', async () => {
    const { deps, logs } = recorder();
    const refusing = { ...deps, respond: async () => Promise.reject(new ResponseRefused(403)) };

    await expect(checkCompletion(state(), async () => ({ IsComplete: true }), refusing)).resolves.toMatchObject({ Done: true });
    expect(logs.join('\n')).toContain('"statusCode":403');
  });

  test('a response that cannot be sent is an error, so the state machine retries the check', async () => {
    const { deps } = recorder();
    const failing = { ...deps, respond: async () => Promise.reject(new ResourceFailure('the response URL answered HTTP 503')) };

    await expect(checkCompletion(state(), async () => ({ IsComplete: true }), failing)).rejects.toThrow('HTTP 503');
  });
});

test('completion execution names stay within Step Functions\' 80 characters of letters, digits, - and _', () => {
  const name = completionExecutionName({ LogicalResourceId: `Pipeline${'X'.repeat(80)}Model`, RequestId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d/x' });
  expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
});

describe('sendResponse', () => {
  let server: Server;
  let answers: number[];
  let bodies: Array<{ method?: string; contentType?: string; length?: string; body: string }>;

  beforeEach(async () => {
    answers = [];
    bodies = [];
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push({ method: req.method, contentType: req.headers['content-type'], length: req.headers['content-length'], body: Buffer.concat(chunks).toString() });
        res.writeHead(answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/key?X-Amz-Signature=secret-signature`;
  const response: CloudFormationResponse = { Status: 'SUCCESS', PhysicalResourceId: 'arn:model', StackId: 's', RequestId: 'r', LogicalResourceId: 'l' };

  test('PUTs the JSON body with an empty content type and its length, as a pre-signed S3 URL takes it', async () => {
    await sendResponse(url(), response);

    const body = JSON.stringify(response);
    expect(bodies).toEqual([{ method: 'PUT', contentType: '', length: String(Buffer.byteLength(body)), body }]);
  });

  test('retries a 5xx answer, and reports a 4xx one by its status, never by the URL', async () => {
    answers = [503];
    await sendResponse(url(), response);
    expect(bodies).toHaveLength(2);

    answers = [403];
    const error = await sendResponse(url(), response).then(() => undefined, (err: Error) => err);
    expect(error).toBeInstanceOf(ResponseRefused);
    expect(error?.message).toBe('the response URL answered HTTP 403');
    expect(bodies).toHaveLength(3);
  });
});
