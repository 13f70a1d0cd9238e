/**
 * Custom resources whose ServiceToken is a Lambda function of the stack (as
 * the library's are): the runner invokes the function as CloudFormation
 * does, asynchronously, with a ResponseURL it serves, and takes the answer
 * PUT there until the resource's ServiceTimeout.
 */
import { readFileSync } from 'node:fs';
import { CfnOutput, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NODE_RUNTIME, removeTemporaryDirectories, stateFile, synth, temporaryDirectory } from './helpers';
import { deployStack, destroyStack } from '../../src/runner';

afterAll(removeTemporaryDirectories);

/**
 * Answers as its `Mode` property says: `answer` (SUCCESS with attributes),
 * `fail` (FAILED on Create; its rollback's Delete succeeds), `silent` (no answer), `error-first` (throws on its first
 * attempt, answers on the next). Every invocation is appended to JOURNAL.
 */
const HANDLER = `
const http = require('http');
const fs = require('fs');
exports.handler = async (event) => {
  fs.appendFileSync(process.env.JOURNAL, JSON.stringify({ type: event.RequestType, requestId: event.RequestId }) + '\\n');
  const mode = event.ResourceProperties.Mode;
  if (mode === 'silent') return;
  if (mode === 'error-first') {
    const attempts = fs.readFileSync(process.env.JOURNAL, 'utf8').split('\\n').filter((line) => line.includes(event.RequestId)).length;
    if (attempts === 1) throw new Error('first attempt fails');
  }
  const failing = mode === 'fail' && event.RequestType === 'Create';
  const body = JSON.stringify({
    Status: failing ? 'FAILED' : 'SUCCESS',
    Reason: failing ? 'asked to fail' : undefined,
    PhysicalResourceId: event.PhysicalResourceId || 'thing-' + event.LogicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { Answer: '42', RequestType: event.RequestType },
  });
  await new Promise((resolve, reject) => {
    const request = http.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (answer) => {
      answer.resume();
      answer.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
};
`;

function stackWith(journal: string, mode: string, serviceTimeoutSeconds?: number) {
  return synth((stack: Stack) => {
    const fn = new lambda.Function(stack, 'Answerer', {
      runtime: NODE_RUNTIME,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      environment: { JOURNAL: journal },
    });
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
