/**
 * Custom resources whose ServiceToken is a Lambda function of the stack (as
 * the library's are): the runner invokes the function as CloudFormation
 * does, asynchronously, with a ResponseURL it serves, and takes the answer
 * PUT there until the resource's ServiceTimeout.
 */
import { readFileSync } from 'node:fs';
import { CfnOutput, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { NODE_RUNTIME, removeTemporaryDirectories, stateFile, synth, temporaryDirectory } from './helpers';
import { deployStack, destroyStack } from '../../src/runner';

afterAll(removeTemporaryDirectories);

/** PUTs `body` to a ResponseURL (the runner serves it over http). */
const PUT = `
const http = require('http');
const fs = require('fs');
const put = (url, body) => new Promise((resolve, reject) => {
  const text = JSON.stringify(body);
  const request = http.request(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(text) } }, (answer) => {
    answer.resume();
    answer.on('end', resolve);
  });
  request.on('error', reject);
  request.end(text);
});
`;

/**
 * Answers as its `Mode` property says: `answer` (SUCCESS with attributes),
 * `fail` (FAILED on Create; its rollback's Delete succeeds), `silent` (no answer), `error-first` (throws on its first
 * attempt, answers on the next). Every invocation is appended to JOURNAL.
 */
const HANDLER = `${PUT}
exports.handler = async (event) => {
  fs.appendFileSync(process.env.JOURNAL, JSON.stringify({ type: event.RequestType, requestId: event.RequestId }) + '\\n');
  const mode = event.ResourceProperties.Mode;
  if (mode === 'silent') return;
  if (mode === 'error-first') {
    const attempts = fs.readFileSync(process.env.JOURNAL, 'utf8').split('\\n').filter((line) => line.includes(event.RequestId)).length;
    if (attempts === 1) throw new Error('first attempt fails');
  }
  const failing = mode === 'fail' && event.RequestType === 'Create';
  await put(event.ResponseURL, {
    Status: failing ? 'FAILED' : 'SUCCESS',
    Reason: failing ? 'asked to fail' : undefined,
    PhysicalResourceId: event.PhysicalResourceId || 'thing-' + event.LogicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { Answer: '42', RequestType: event.RequestType },
  });
};
`;

/** A function of `stack` running inline `code`, which appends each invocation to `journal`. */
function journalingFunction(stack: Stack, id: string, code: string, journal: string, options: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: NODE_RUNTIME,
    handler: 'index.handler',
    code: lambda.Code.fromInline(code),
    environment: { JOURNAL: journal },
    ...options,
  });
}

function stackWith(journal: string, mode: string, serviceTimeoutSeconds?: number) {
  return synth((stack: Stack) => {
    const fn = journalingFunction(stack, 'Answerer', HANDLER, journal);
    const thing = new CfnResource(stack, 'Thing', {
      type: 'Custom::Thing',
      properties: { ServiceToken: fn.functionArn, Mode: mode, ...(serviceTimeoutSeconds ? { ServiceTimeout: serviceTimeoutSeconds } : {}) },
    });
    new CfnOutput(stack, 'Answer', { value: thing.getAtt('Answer').toString() });
  });
}

function journalOf(journal: string): Array<{ type: string; requestId: string }> {
  return readFileSync(journal, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

test('a function that answers at its ResponseURL creates and deletes the resource, with the attributes it sent', async () => {
  const journal = `${temporaryDirectory()}/journal.jsonl`;
  const state = stateFile();

  const deployed = await deployStack({ assembly: stackWith(journal, 'answer'), stateFile: state, timeScale: 0.001 });

  expect(deployed.status).toBe('CREATE_COMPLETE');
  expect(deployed.outputs.Answer).toBe('42');
  expect(deployed.resources.find((resource) => resource.logicalResourceId === 'Thing')?.physicalResourceId).toBe('thing-Thing');
  await expect(destroyStack({ stateFile: state, timeScale: 0.001 })).resolves.toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(journalOf(journal).map((entry) => entry.type)).toEqual(['Create', 'Delete']);
});

test('a FAILED answer fails the create with its reason, and the rollback sends the function a Delete of the id it answered', async () => {
  const journal = `${temporaryDirectory()}/journal.jsonl`;

  const deployed = await deployStack({ assembly: stackWith(journal, 'fail'), stateFile: stateFile(), timeScale: 0.001 });

  expect(deployed.status).toBe('ROLLBACK_COMPLETE');
  expect(deployed.failure).toMatchObject({ logicalResourceId: 'Thing', reason: 'asked to fail' });
  expect(journalOf(journal).map((entry) => entry.type)).toEqual(['Create', 'Delete']);
});

test('an attempt that fails is invoked again, as Lambda retries an asynchronous invocation, with the same request', async () => {
  const journal = `${temporaryDirectory()}/journal.jsonl`;

  const deployed = await deployStack({ assembly: stackWith(journal, 'error-first'), stateFile: stateFile(), timeScale: 0.001 });

  expect(deployed.status).toBe('CREATE_COMPLETE');
  const attempts = journalOf(journal);
  expect(attempts).toHaveLength(2);
  expect(attempts[1].requestId).toBe(attempts[0].requestId);
});

test('no answer before the ServiceTimeout fails the create as CloudFormation reports it', async () => {
  const journal = `${temporaryDirectory()}/journal.jsonl`;

  const deployed = await deployStack({ assembly: stackWith(journal, 'silent', Duration.minutes(5).toSeconds()), stateFile: stateFile(), timeScale: 0.001 });

  expect(deployed.status).toBe('ROLLBACK_COMPLETE');
  expect(deployed.failure?.reason).toMatch(/^CloudFormation did not receive a response from your Custom Resource\. Please check your logs for requestId \[[0-9a-f-]+\]/);
});


/**
 * The ServiceToken: a Create's every attempt fails, as its `Mode` says:
 * `crash` (the environment dies: it makes a resource on Clean Rooms ML,
 * where the runner's crashAfterCreate fault ends it) or `throw`. Anything
 * else is answered SUCCESS. Every invocation is appended to JOURNAL.
 */
const FAILING_HANDLER = `${PUT}
exports.handler = async (event) => {
  fs.appendFileSync(process.env.JOURNAL, JSON.stringify({ type: event.RequestType, requestId: event.RequestId }) + '\\n');
  if (event.RequestType === 'Create' && event.ResourceProperties.Mode === 'crash') {
    await fetch(process.env.AWS_ENDPOINT_URL_CLEANROOMSML + '/audience-model', { method: 'POST', body: '{}' }).catch(() => undefined);
    return;
  }
  if (event.RequestType === 'Create') throw new TypeError('no create today');
  await put(event.ResponseURL, {
    Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
  });
};
`;

/** The on-failure destination: answers the record's request FAILED, saying what the record says. */
const RESCUER = `${PUT}
exports.handler = async (record) => {
  const request = record.requestPayload;
  const { condition, approximateInvokeCount } = record.requestContext;
  const error = record.responsePayload || {};
  fs.appendFileSync(process.env.JOURNAL, JSON.stringify({ type: 'record', requestId: request.RequestId, functionArn: record.requestContext.functionArn }) + '\\n');
  await put(request.ResponseURL, {
    Status: 'FAILED',
    Reason: condition + ' after ' + approximateInvokeCount + ' attempts: ' + error.errorType + ': ' + error.errorMessage,
    PhysicalResourceId: request.PhysicalResourceId || 'failed-create',
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  });
};
`;

function stackWithDestination(journal: string, mode: 'crash' | 'throw', retryAttempts?: number) {
  return synth((stack: Stack) => {
    const rescuer = journalingFunction(stack, 'Rescuer', RESCUER, journal);
    const fn = journalingFunction(stack, 'Failing', FAILING_HANDLER, journal, { onFailure: new destinations.LambdaDestination(rescuer), retryAttempts });
    new CfnResource(stack, 'Thing', { type: 'Custom::Thing', properties: { ServiceToken: fn.functionArn, Mode: mode } });
  });
}

describe('a ServiceToken function whose every attempt fails, with an on-failure destination', () => {
  test('whose environment dies each time: the destination gets the record after Lambda\'s two retries, and its FAILED answer fails the create at once', async () => {
    const journal = `${temporaryDirectory()}/journal.jsonl`;

    // CloudFormation's default ServiceTimeout is an hour; Lambda's retries take three minutes of it.
    const deployed = await deployStack({
      assembly: stackWithDestination(journal, 'crash'), stateFile: stateFile(), timeScale: 0.001, faults: { crashAfterCreate: { Thing: 3 } },
    });

    expect(deployed.status).toBe('ROLLBACK_COMPLETE');
    // The destination's answer, not CloudFormation's "did not receive a response" after the hour.
    expect(deployed.failure).toMatchObject({
      logicalResourceId: 'Thing',
      reason: expect.stringMatching(/^RetriesExhausted after 3 attempts: Runtime\.ExitError: RequestId: [0-9a-f-]+ Error: Runtime exited with error: signal: killed$/),
    });
    const [first, second, third, recorded, rollback] = journalOf(journal);
    expect([first, second, third].map((entry) => entry.type)).toEqual(['Create', 'Create', 'Create']);
    expect(new Set([first, second, third, recorded].map((entry) => entry.requestId))).toEqual(new Set([first.requestId]));
    expect(recorded).toMatchObject({ type: 'record', functionArn: expect.stringMatching(/:function:.*Failing.*:\$LATEST$/) });
    // The rollback sends the Delete of the id the destination answered, which succeeds: nothing is left.
    expect(rollback).toMatchObject({ type: 'Delete' });
    expect(deployed.resources).toEqual([]);
    expect(deployed.events.filter((event) => event.logicalResourceId === 'Thing').map((event) => event.resourceStatus))
      .toEqual(['CREATE_IN_PROGRESS', 'CREATE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  });

  test('that throws, with MaximumRetryAttempts 0: one attempt, then the record with the function\'s error', async () => {
    const journal = `${temporaryDirectory()}/journal.jsonl`;

    const deployed = await deployStack({ assembly: stackWithDestination(journal, 'throw', 0), stateFile: stateFile(), timeScale: 0.001 });

    expect(deployed.status).toBe('ROLLBACK_COMPLETE');
    expect(deployed.failure).toMatchObject({ logicalResourceId: 'Thing', reason: 'RetriesExhausted after 1 attempts: TypeError: no create today' });
    expect(journalOf(journal).map((entry) => entry.type)).toEqual(['Create', 'record', 'Delete']);
    expect(deployed.resources).toEqual([]);
  });
});
