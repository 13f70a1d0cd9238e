import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { fixtureProvider, removeTemporaryDirectories, synth, synthApp, temporaryDirectory, thing } from './helpers';
import { main } from '../../src/cli';
import { CleanRoomsMlEmulator } from '../../src/emulator';

afterAll(removeTemporaryDirectories);

/** Runs the CLI in-process and collects what it writes. */
async function cli(...args: string[]): Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void): Writable => new Writable({
    write(chunk: Buffer, _encoding, callback) {
      append(chunk.toString());
      callback();
    },
  });
  const code = await main(args, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
  });
  return { code, stdout, stderr };
}

test('deploy, status and destroy a cdk.out directory from the command line', async () => {
  const directory = temporaryDirectory();
  const stateFile = join(directory, 'state.json');
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal: join(directory, 'journal.jsonl') });
    const model = thing(stack, provider, 'Model', { PollsUntilComplete: 2 });
    new CfnOutput(stack, 'ModelId', { value: model.ref });
  });

  const deployed = await cli('deploy', assembly, '--state-file', stateFile);
  const status = await cli('status', '--state-file', stateFile);
  const statusJson = await cli('status', '--state-file', stateFile, '--json');
  const destroyed = await cli('destroy', '--state-file', stateFile);
  const after = await cli('status', '--state-file', stateFile);

  expect(deployed).toMatchObject({ code: 0, stderr: '' });
  expect(deployed.stdout).toMatch(/^\d\d:\d\d:\d\d \| \d+\.\ds \| CREATE_IN_PROGRESS \| AWS::CloudFormation::Stack \| RunnerTestStack \| User Initiated$/m);
  expect(deployed.stdout).toMatch(/^\d\d:\d\d:\d\d \| \d+\.\ds \| CREATE_COMPLETE \| Custom::Thing \| Model$/m);
  expect(deployed.stdout).toMatch(/^RunnerTestStack: CREATE_COMPLETE in \d+\.\ds$/m);
  expect(deployed.stdout).toMatch(/^RunnerTestStack\.ModelId = Model-g1-[0-9a-f]+$/m);
  expect(deployed.stdout).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/RunnerTestStack\/[0-9a-f-]+$/m);

  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^RunnerTestStack {2}CREATE_COMPLETE$/m);
  expect(status.stdout).toMatch(/^ {4}Model +Custom::Thing +CREATE_COMPLETE +Model-g1-/m);
  const [report] = statusJson.stdout.trim().split('\n').map((line) => JSON.parse(line));
  expect(report).toMatchObject({ stackName: 'RunnerTestStack', status: 'CREATE_COMPLETE', outputs: { ModelId: expect.stringMatching(/^Model-g1-/) } });

  expect(destroyed.code).toBe(0);
  expect(destroyed.stdout).toMatch(/^\d\d:\d\d:\d\d \| \d+\.\ds \| DELETE_COMPLETE \| Custom::Thing \| Model$/m);
  expect(destroyed.stdout).toMatch(/^RunnerTestStack: DELETE_COMPLETE in \d+\.\ds$/m);
  expect(after.stdout).toBe('No stack deployed.\n');
});

test('fails a deploy with exit status 1, and --json writes one object per event, then the result', async () => {
  const directory = temporaryDirectory();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal: join(directory, 'journal.jsonl') });
    thing(stack, provider, 'Broken', { FailOn: 'onEvent:Create' });
  });

  const { code, stdout } = await cli('deploy', assembly, '--state-file', join(directory, 'state.json'), '--json');

  expect(code).toBe(1);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
  expect(lines.slice(0, -1).every((line) => line.kind === 'event' || line.kind === 'progress')).toBe(true);
  expect(lines).toContainEqual(expect.objectContaining({
    kind: 'event',
    logicalResourceId: 'Broken',
    resourceType: 'Custom::Thing',
    resourceStatus: 'CREATE_FAILED',
    resourceStatusReason: expect.stringMatching(/^Broken was asked to fail on Create/),
  }));
  expect(lines[lines.length - 1]).toMatchObject({
    kind: 'result',
    status: 'ROLLBACK_COMPLETE',
    success: false,
    failure: { logicalResourceId: 'Broken', resourceType: 'Custom::Thing' },
  });
});

test('fails a destroy of a stack whose export another stack imports with exit status 1, naming the export and the importer', async () => {
  const stateFile = join(temporaryDirectory(), 'state.json');
  const assembly = synthApp((app) => {
    const queue = new sqs.Queue(new Stack(app, 'Producer'), 'Queue');
    new ssm.StringParameter(new Stack(app, 'Consumer'), 'QueueArn', { stringValue: queue.queueArn });
  }, { '@aws-cdk/core:defaultCrossStackReferences': 'strong' });
  expect((await cli('deploy', assembly, '--stack', 'Producer', '--state-file', stateFile)).code).toBe(0);
  expect((await cli('deploy', assembly, '--stack', 'Consumer', '--state-file', stateFile)).code).toBe(0);

  const refused = await cli('destroy', '--stack', 'Producer', '--state-file', stateFile);
  const status = await cli('status', '--state-file', stateFile);

  expect(refused.code).toBe(1);
  expect(refused.stdout).toMatch(/^Producer: CREATE_COMPLETE in \d+\.\ds$/m);
  expect(refused.stdout).toMatch(
    /^ {2}Producer \(AWS::CloudFormation::Stack\) failed: Export Producer:ExportsOutput\w+ cannot be deleted as it is in use by Consumer$/m);
  expect(status.stdout).toMatch(/^Producer {2}CREATE_COMPLETE {2}\(Export Producer:ExportsOutput\w+ cannot be deleted as it is in use by Consumer\)$/m);
});

test('deploy --secrets-manager-endpoint hands the URL to the functions as AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
  const directory = temporaryDirectory();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal: join(directory, 'journal.jsonl') });
    const job = thing(stack, provider, 'Job', { EchoEnv: 'AWS_ENDPOINT_URL_SECRETS_MANAGER' });
    new CfnOutput(stack, 'SecretsManagerEndpoint', { value: job.getAttString('Env') });
  });

  const deployed = await cli('deploy', assembly, '--state-file', join(directory, 'state.json'), '--secrets-manager-endpoint', 'http://127.0.0.1:4584');
  const help = await cli('deploy', '--help');

  expect(deployed).toMatchObject({ code: 0, stderr: '' });
  expect(deployed.stdout).toMatch(/^RunnerTestStack\.SecretsManagerEndpoint = http:\/\/127\.0\.0\.1:4584$/m);
  expect(help.stdout).toMatch(/^ {2}--secrets-manager-endpoint URL\n +the Secrets Manager endpoint the functions use \(AWS_ENDPOINT_URL_SECRETS_MANAGER\)/m);
});

test('fails with the usage text when --secrets-manager-endpoint is not an http(s) URL', async () => {
  const { code, stderr } = await cli('deploy', temporaryDirectory(), '--secrets-manager-endpoint', 'localhost:4584');

  expect(code).toBe(2);
  expect(stderr).toContain('--secrets-manager-endpoint must be an http or https URL, got "localhost:4584"');
  expect(stderr).toContain('Usage: cleanrooms-ml-local deploy');
});

test.each([
  ['deploy', ['--time-scale', '0'], '--time-scale must be a positive number, got "0"'],
  ['destroy', ['--time-scale', 'fast'], '--time-scale must be a positive number, got "fast"'],
  ['deploy', ['--parameter', 'NoEquals'], '--parameter must look like Name=Value, got "NoEquals"'],
  ['destroy', ['--access-key-id', 'AKIAPARTNER'], '--access-key-id and --secret-access-key go together: give both, or neither'],
])('%s %j fails with the usage text and names the option', async (command, options, message) => {
  const { code, stderr } = await cli(command, temporaryDirectory(), ...options);

  expect(code).toBe(2);
  expect(stderr).toContain(message);
  expect(stderr).toContain(`Usage: cleanrooms-ml-local ${command}`);
});

test('deploy and destroy --access-key-id / --secret-access-key run a stack as the account of that key', async () => {
  const partner = { accountId: '210987654321', credentials: { accessKeyId: 'AKIAPARTNER', secretAccessKey: 'partner-secret' } };
  const emulator = await CleanRoomsMlEmulator.start({ accounts: [partner] });
  try {
    const directory = temporaryDirectory();
    const stateFile = join(directory, 'state.json');
    const assembly = synthApp((app) => {
      const stack = new Stack(app, 'Partner', { env: { account: partner.accountId, region: 'us-east-1' } });
      thing(stack, fixtureProvider(stack, { journal: join(directory, 'journal.jsonl'), isComplete: false }), 'A');
    });
    const key = ['--access-key-id', 'AKIAPARTNER', '--secret-access-key', 'partner-secret'];

    const deployed = await cli('deploy', assembly, '--state-file', stateFile, '--endpoint', emulator.endpoint, ...key);
    const destroyed = await cli('destroy', '--state-file', stateFile, ...key);

    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('arn:aws:cloudformation:us-east-1:210987654321:stack/Partner/');
    expect(destroyed.code).toBe(0);
  } finally {
    await emulator.stop();
  }
});

test('fails with the usage text when no assembly is named', async () => {
  const { code, stderr } = await cli('deploy');

  expect(code).toBe(2);
  expect(stderr).toContain('name a cdk.out directory or a template file');
  expect(stderr).toContain('Usage: cleanrooms-ml-local deploy');
});

test('fails with a readable message when the assembly does not exist', async () => {
  const { code, stderr } = await cli('deploy', join(temporaryDirectory(), 'nowhere'), '--state-file', join(temporaryDirectory(), 'state.json'));

  expect(code).toBe(1);
  expect(stderr).toMatch(/^cleanrooms-ml-local deploy: .*nowhere does not exist: pass a cdk\.out directory or a template file\n$/);
});

test('lists deploy, destroy and status in the help', async () => {
  const { code, stdout } = await cli('--help');

  expect(code).toBe(0);
  expect(stdout).toMatch(/^ {2}deploy +deploy a synthesized stack/m);
  expect(stdout).toMatch(/^ {2}destroy +delete a stack the runner deployed/m);
  expect(stdout).toMatch(/^ {2}status +show the stacks the runner deployed/m);
});
