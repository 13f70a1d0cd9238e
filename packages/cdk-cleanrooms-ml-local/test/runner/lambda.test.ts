/**
 * LocalLambda runs functions in this process, each with its own environment
 * set in process.env while it runs: invocations that come concurrently (a
 * Step Functions execution invoking its poller while the deployment loop
 * invokes a custom resource's handler) run one after the other.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTemporaryDirectories, temporaryDirectory } from './helpers';
import { LambdaFunctionSpec, LocalLambda, outsideFunctions } from '../../src/runner/lambda';

afterAll(removeTemporaryDirectories);

/** A function that reads WHO before and after yielding to the event loop (where another invocation could run). */
function spec(functionName: string, codeDirectory: string): LambdaFunctionSpec {
  return {
    functionName,
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    handler: 'index.handler',
    runtime: 'nodejs20.x',
    environment: { WHO: functionName },
    codeDirectory,
  };
}

test('concurrent invocations of functions with different environments each see their own', async () => {
  const codeDirectory = join(temporaryDirectory(), 'code');
  mkdirSync(codeDirectory);
  writeFileSync(join(codeDirectory, 'index.js'), `
    exports.handler = async () => {
      const before = process.env.WHO;
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      return { before, after: process.env.WHO, endpoint: process.env.AWS_ENDPOINT_URL_CLOUDFORMATION };
    };
  `);
  const lambda = new LocalLambda({ baseEnvironment: { AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:1' }, onLog: () => undefined });

  const results = await Promise.all(['poller', 'handler', 'poller-again'].map((name) => lambda.invoke(spec(name, codeDirectory), {})));

  expect(results.map((result) => JSON.parse(result.payload))).toEqual([
    { before: 'poller', after: 'poller', endpoint: 'http://127.0.0.1:1' },
    { before: 'handler', after: 'handler', endpoint: 'http://127.0.0.1:1' },
    { before: 'poller-again', after: 'poller-again', endpoint: 'http://127.0.0.1:1' },
  ]);
  expect(process.env.WHO).toBeUndefined();
});

test('while a function waits, what the runner prints for its caller (outsideFunctions) goes to the console, not the function\'s log', async () => {
  const codeDirectory = join(temporaryDirectory(), 'code');
  mkdirSync(codeDirectory);
  // The function logs, then waits for the test (as the poller waits for the runner's SignalResource), then logs again.
  writeFileSync(join(codeDirectory, 'index.js'), `
    exports.handler = async () => {
      console.log('before the signal');
      await new Promise((resolve) => { globalThis.__signal = resolve; });
      console.log('after the signal');
      return {};
    };
  `);
  const logged: string[] = [];
  const lambda = new LocalLambda({ baseEnvironment: {}, onLog: (entry) => logged.push(entry.message) });
  const printed: string[] = [];
  const hostLog = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(' '));
  try {
    const invocation = lambda.invoke(spec('poller', codeDirectory), {});
    while (!(globalThis as any).__signal) await new Promise((resolve) => setImmediate(resolve));

    outsideFunctions(() => console.log('stack event: Received SUCCESS signal'));
    (globalThis as any).__signal();
    await invocation;
  } finally {
    console.log = hostLog;
    delete (globalThis as any).__signal;
  }

  expect(printed).toEqual(['stack event: Received SUCCESS signal']);
  expect(logged).toEqual(['before the signal', 'after the signal']);
});
