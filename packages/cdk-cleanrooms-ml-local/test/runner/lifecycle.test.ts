import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, CfnCondition, CfnOutput, CfnParameter, CustomResource, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import {
  fixtureProvider,
  NODE_RUNTIME,
  onEventCalls,
  readJournal,
  removeTemporaryDirectories,
  resourceEvents,
  STACK_NAME,
  stackStatuses,
  synth,
  temporaryDirectory,
  thing,
  trainingDataset,
} from './helpers';
import { deployStack, DeploymentEvent, destroyStack, formatEvent, stackStatus } from '../../src/runner';

afterAll(removeTemporaryDirectories);

function workspace(): { readonly journal: string; readonly stateFile: string } {
  const directory = temporaryDirectory();
  return { journal: join(directory, 'journal.jsonl'), stateFile: join(directory, 'state', 'state.json') };
}

test('creates resources in dependency order, passing Fn::GetAtt values between custom resources', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    const a = thing(stack, provider, 'A', { Echo: 'a', Count: 3, Enabled: true });
    const b = thing(stack, provider, 'B', { FromA: a.getAttString('Value'), RefA: a.ref });
    const c = thing(stack, provider, 'C');
    c.node.addDependency(b);
    new CfnOutput(stack, 'AValue', { value: a.getAttString('Value') });
    new CfnOutput(stack, 'BRef', { value: b.ref });
  });
  const events: DeploymentEvent[] = [];
  let cloudFormationEndpoint = '';

  const result = await deployStack({
    assembly,
    stateFile,
    onEvent: (event) => events.push(event),
    onCloudFormationEndpoint: (endpoint) => cloudFormationEndpoint = endpoint,
  });

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(result.success).toBe(true);
  expect(onEventCalls(journal)).toEqual(['Create A', 'Create B', 'Create C']);
  const [createA, createB] = readJournal(journal).filter((entry) => entry.fn === 'onEvent');
  // CloudFormation hands custom resources every scalar as a string, the ServiceToken included.
  expect(createA.ResourceProperties).toEqual({ ServiceToken: createA.ServiceToken, Echo: 'a', Count: '3', Enabled: 'true' });
  expect(createA.ServiceToken).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:RunnerTestStack-/);
  expect(createA.StackId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/RunnerTestStack\//);
  expect(createA.ResourceType).toBe('Custom::Thing');
  expect(createA.ResponseURL).toMatch(/^https:\/\/cloudformation-custom-resource-response-useast1\.s3\.us-east-1\.amazonaws\.com\//);
  const aPhysicalId = result.resources.find((resource) => resource.logicalResourceId === 'A')!.physicalResourceId;
  expect(createB.ResourceProperties).toMatchObject({ FromA: 'value-of-A-a', RefA: aPhysicalId });
  // The function's own environment, plus the region, the emulator's key and its endpoint, and the runner's CloudFormation endpoint.
  expect(cloudFormationEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(createA.env).toEqual({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_CLEANROOMSML: result.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationEndpoint,
    AWS_LAMBDA_FUNCTION_NAME: expect.stringMatching(/^RunnerTestStack-OnEventHandler/),
    FIXTURE_SETTING: 'from-the-template',
  });
  expect(result.outputs).toEqual({ AValue: 'value-of-A-a', BRef: result.resources.find((resource) => resource.logicalResourceId === 'B')!.physicalResourceId });
  expect(resourceEvents(events).filter((event) => /^[ABC] /.test(event))).toEqual([
    'A CREATE_IN_PROGRESS', 'A CREATE_COMPLETE',
    'B CREATE_IN_PROGRESS', 'B CREATE_COMPLETE',
    'C CREATE_IN_PROGRESS', 'C CREATE_COMPLETE',
  ]);
  expect(stackStatuses(events)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  expect(formatEvent(events.find((event) => event.kind === 'event' && event.logicalResourceId === 'B')!))
    .toMatch(/^\d\d:\d\d:\d\d \| \d+\.\ds \| CREATE_IN_PROGRESS \| Custom::Thing \| B$/);
  // What the functions logged goes to a file next to the state file.
  expect(readFileSync(join(stateFile, '..', 'state.lambda.log'), 'utf8')).toContain('"requestType":"Create","logicalResourceId":"B"');
});

test('passes secretsManagerEndpoint to the functions as AWS_ENDPOINT_URL_SECRETS_MANAGER; without it they see the runner\'s own, not the host\'s', async () => {
  const deploy = (secretsManagerEndpoint?: string) => {
    const { journal, stateFile } = workspace();
    const assembly = synth((stack) => {
      const a = thing(stack, fixtureProvider(stack, { journal }), 'A', { EchoEnv: 'AWS_ENDPOINT_URL_SECRETS_MANAGER' });
      new CfnOutput(stack, 'SecretsManagerEndpoint', { value: a.getAttString('Env') });
    });
    return deployStack({ assembly, stateFile, secretsManagerEndpoint });
  };
  const hostValue = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = 'http://127.0.0.1:1/host';
  try {
    const given = await deploy('http://127.0.0.1:4584');
    const notGiven = await deploy();

    expect(given).toMatchObject({ status: 'CREATE_COMPLETE', outputs: { SecretsManagerEndpoint: 'http://127.0.0.1:4584' } });
    expect(notGiven).toMatchObject({ status: 'CREATE_COMPLETE', outputs: { SecretsManagerEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) } });
    expect(notGiven.outputs.SecretsManagerEndpoint).not.toBe('http://127.0.0.1:1/host');
  } finally {
    if (hostValue === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = hostValue;
  }
});

test('lends the functions its own AWS SDK for JavaScript v3, as the Lambda Node.js runtime provides one', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    const sdk = thing(stack, provider, 'Sdk', { Resolve: '@aws-sdk/client-secrets-manager' });
    const other = thing(stack, provider, 'Other', { Resolve: 'cfn-resolver-lib' });
    // The training poller's SignalResource / DescribeStackResource, and the handlers' StartExecution / StopExecution.
    const cloudFormation = thing(stack, provider, 'CloudFormationSdk', { Resolve: '@aws-sdk/client-cloudformation' });
    const stepFunctions = thing(stack, provider, 'StepFunctionsSdk', { Resolve: '@aws-sdk/client-sfn' });
    new CfnOutput(stack, 'CloudFormationSdkPath', { value: cloudFormation.getAttString('Resolved') });
    new CfnOutput(stack, 'StepFunctionsSdkPath', { value: stepFunctions.getAttString('Resolved') });
    new CfnOutput(stack, 'SdkPath', { value: sdk.getAttString('Resolved') });
    new CfnOutput(stack, 'OtherPath', { value: other.getAttString('Resolved') });
  });

  const result = await deployStack({ assembly, stateFile });

  // The functions' code is a copy in the state directory, outside this checkout: only @aws-sdk/* is lent.
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(realpathSync(result.outputs.SdkPath)).toBe(realpathSync(require.resolve('@aws-sdk/client-secrets-manager')));
  expect(realpathSync(result.outputs.CloudFormationSdkPath)).toBe(realpathSync(require.resolve('@aws-sdk/client-cloudformation')));
  expect(realpathSync(result.outputs.StepFunctionsSdkPath)).toBe(realpathSync(require.resolve('@aws-sdk/client-sfn')));
  expect(result.outputs.OtherPath).toBe('');
});

test('polls isComplete every query interval until it completes and merges its Data over onEvent\'s', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal, queryInterval: Duration.seconds(2) });
    const a = thing(stack, provider, 'A', { PollsUntilComplete: 4, Echo: 'x' });
    new CfnOutput(stack, 'Polls', { value: a.getAttString('Polls') });
    new CfnOutput(stack, 'Value', { value: a.getAttString('Value') });
  });
  const started = Date.now();

  const result = await deployStack({ assembly, stateFile, timeScale: 0.01 });

  expect(result.status).toBe('CREATE_COMPLETE');
  const polls = readJournal(journal).filter((entry) => entry.fn === 'isComplete');
  expect(polls.map((entry) => entry.count)).toEqual([1, 2, 3, 4]);
  // isComplete gets onEvent's result merged into the request: its physical id and Data.
  expect(new Set(polls.map((entry) => entry.PhysicalResourceId)).size).toBe(1);
  expect(polls[0].Data).toEqual({ Value: 'value-of-A-x', Echo: 'x' });
  expect(result.outputs).toEqual({ Polls: '4', Value: 'value-of-A-x' });
  // Three waits of 2 s × 0.01.
  expect(Date.now() - started).toBeGreaterThanOrEqual(60);
});

test('updates in place, replaces when the handler returns a new physical id, and deletes the old one after the whole update', async () => {
  const { journal, stateFile } = workspace();
  const version = (generation: number, echo: string): string => synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    const a = thing(stack, provider, 'A', { Generation: generation });
    thing(stack, provider, 'B', { Echo: echo });
    thing(stack, provider, 'C', { RefA: a.ref });
  });
  const first = await deployStack({ assembly: version(1, 'one'), stateFile });
  const physicalId = (result: typeof first, logicalId: string): string =>
    result.resources.find((resource) => resource.logicalResourceId === logicalId)!.physicalResourceId;
  const events: DeploymentEvent[] = [];

  const second = await deployStack({ assembly: version(2, 'two'), stateFile, onEvent: (event) => events.push(event) });

  expect(second.status).toBe('UPDATE_COMPLETE');
  expect(physicalId(second, 'A')).not.toBe(physicalId(first, 'A'));
  expect(physicalId(second, 'B')).toBe(physicalId(first, 'B'));
  // C refers to A's physical id, so the replacement updates C too; A's old resource goes last.
  expect(onEventCalls(journal).slice(3)).toEqual(['Update A', 'Update B', 'Update C', 'Delete A']);
  const calls = readJournal(journal).filter((entry) => entry.fn === 'onEvent');
  const [updateA, updateB, updateC, deleteA] = calls.slice(3);
  expect(updateA.PhysicalResourceId).toBe(physicalId(first, 'A'));
  expect(updateB.ResourceProperties.Echo).toBe('two');
  expect(updateB.OldResourceProperties!.Echo).toBe('one');
  expect(updateC.ResourceProperties.RefA).toBe(physicalId(second, 'A'));
  expect(deleteA.PhysicalResourceId).toBe(physicalId(first, 'A'));
  expect(deleteA.ResourceProperties.Generation).toBe('1');
  expect(stackStatuses(events)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
  const cleanupIndex = events.findIndex((event) => event.kind === 'event' && event.resourceStatus === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  const deleteIndex = events.findIndex((event) => event.kind === 'event' && event.resourceStatus === 'DELETE_COMPLETE' && event.logicalResourceId === 'A');
  expect(deleteIndex).toBeGreaterThan(cleanupIndex);
});

test('deletes a resource removed from the template in the cleanup phase and keeps one with RemovalPolicy.RETAIN', async () => {
  const { journal, stateFile } = workspace();
  const version = (withExtras: boolean): string => synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    thing(stack, provider, 'Kept');
    if (withExtras) {
      thing(stack, provider, 'Removed');
      thing(stack, provider, 'Retained').applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
  });
  await deployStack({ assembly: version(true), stateFile });
  const events: DeploymentEvent[] = [];

  const result = await deployStack({ assembly: version(false), stateFile, onEvent: (event) => events.push(event) });

  expect(result.status).toBe('UPDATE_COMPLETE');
  expect(onEventCalls(journal)).toEqual(['Create Kept', 'Create Removed', 'Create Retained', 'Delete Removed']);
  expect(resourceEvents(events)).toEqual(['Retained DELETE_SKIPPED', 'Removed DELETE_IN_PROGRESS', 'Removed DELETE_COMPLETE']);
  expect(result.resources.map((resource) => resource.logicalResourceId)).not.toContain('Removed');
  expect(result.resources.map((resource) => resource.logicalResourceId)).not.toContain('Retained');
});

test('destroys in reverse dependency order and forgets the stack', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    const a = thing(stack, provider, 'A');
    const b = thing(stack, provider, 'B', { FromA: a.getAttString('Value') });
    thing(stack, provider, 'C').node.addDependency(b);
  });
  await deployStack({ assembly, stateFile });
  const events: DeploymentEvent[] = [];

  const result = await destroyStack({ stateFile, onEvent: (event) => events.push(event) });

  expect(result.status).toBe('DELETE_COMPLETE');
  expect(onEventCalls(journal).slice(3)).toEqual(['Delete C', 'Delete B', 'Delete A']);
  // The provider's functions go after the custom resources they serve.
  const deleted = resourceEvents(events).filter((event) => event.endsWith('DELETE_COMPLETE')).map((event) => event.split(' ')[0]);
  expect(deleted.indexOf('A')).toBeLessThan(deleted.findIndex((id) => id.startsWith('ProviderframeworkonEvent')));
  expect(deleted.indexOf('A')).toBeLessThan(deleted.findIndex((id) => id.startsWith('OnEventHandler')));
  expect(stackStatuses(events)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(stackStatus({ stateFile })).toEqual([]);
});

test('keeps state across invocations: deploy, deploy again (no changes), destroy', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const provider = fixtureProvider(stack, { journal });
    thing(stack, provider, 'A', { PollsUntilComplete: 2 });
    trainingDataset(stack, 'Dataset', { name: 'purchases' });
  });
  const emulatorStateFile = join(stateFile, '..', 'state.emulator.json');
  const datasetsOnEmulator = (): string[] => Object.keys(JSON.parse(readFileSync(emulatorStateFile, 'utf8')).trainingDatasets);

  const created = await deployStack({ assembly, stateFile });
  const datasetsAfterCreate = datasetsOnEmulator();
  const again = await deployStack({ assembly, stateFile });
  const [report] = stackStatus({ stateFile });
  const destroyed = await destroyStack({ stateFile, stackName: STACK_NAME });

  expect(created.status).toBe('CREATE_COMPLETE');
  // Each call started its own emulator on the same state file, kept next to the deployment state.
  expect(datasetsAfterCreate).toEqual([created.resources.find((resource) => resource.logicalResourceId === 'Dataset')!.physicalResourceId]);
  expect(again).toMatchObject({ status: 'CREATE_COMPLETE', noChanges: true, success: true, events: [] });
  expect(again.endpoint).not.toBe(created.endpoint);
  expect(report).toMatchObject({ stackName: STACK_NAME, status: 'CREATE_COMPLETE', stackId: created.stackId });
  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(datasetsOnEmulator()).toEqual([]);
  expect(onEventCalls(journal)).toEqual(['Create A', 'Delete A']);
});

test('resolves parameters, conditions and pseudo parameters, and records resources no Provider serves', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    const env = new CfnParameter(stack, 'Env', { default: 'dev' });
    const isProd = new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(env.valueAsString, 'prod') });
    const topic = new sns.CfnTopic(stack, 'ProdOnly');
    topic.cfnOptions.condition = isProd;
    topic.overrideLogicalId('ProdOnly');
    const external = new CustomResource(stack, 'External', { serviceToken: 'arn:aws:sns:us-east-1:123456789012:elsewhere', resourceType: 'Custom::External' });
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    thing(stack, provider, 'A', {
      Mode: Fn.conditionIf(isProd.logicalId, 'big', 'small'),
      Where: Fn.sub('${AWS::Region}/${AWS::AccountId}/${AWS::StackName}/${AWS::URLSuffix}/${AWS::Partition}'),
      ExternalAttribute: external.getAttString('Anything'),
      Topic: Fn.conditionIf(isProd.logicalId, topic.ref, Aws.NO_VALUE),
    });
  });

  const dev = await deployStack({ assembly, stateFile });
  const devProperties = readJournal(journal)[0].ResourceProperties;
  const prod = await deployStack({ assembly, stateFile, parameters: { Env: 'prod' } });
  const prodUpdate = readJournal(journal).filter((entry) => entry.RequestType === 'Update')[0];

  expect(dev.status).toBe('CREATE_COMPLETE');
  expect(devProperties).toMatchObject({ Mode: 'small', Where: 'us-east-1/123456789012/RunnerTestStack/amazonaws.com/aws' });
  expect(devProperties).not.toHaveProperty('Topic');
  expect(dev.resources.map((resource) => resource.logicalResourceId)).not.toContain('ProdOnly');
  expect(devProperties.ExternalAttribute).toMatch(/^RunnerTestStack-External.*\.Anything$/);
  expect(dev.events.find((event) => event.logicalResourceId === 'External' && event.resourceStatus === 'CREATE_COMPLETE')!.resourceStatusReason)
    .toMatch(/^recorded only/);

  expect(prod.status).toBe('UPDATE_COMPLETE');
  expect(prodUpdate.ResourceProperties).toMatchObject({ Mode: 'big', Topic: expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:RunnerTestStack-ProdOnly-/) });
});

test('runs a function whose code is inline (ZipFile), kept whole under the state\'s functions directory', async () => {
  const { stateFile } = workspace();
  const assembly = synth((stack) => {
    const onEventHandler = new lambda.Function(stack, 'InlineHandler', {
      runtime: NODE_RUNTIME,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ PhysicalResourceId: "inline-thing", Data: { From: "inline code" } });'),
    });
    const inline = new CustomResource(stack, 'Inline', { serviceToken: new cr.Provider(stack, 'InlineProvider', { onEventHandler }).serviceToken });
    new CfnOutput(stack, 'From', { value: inline.getAttString('From') });
  });

  const result = await deployStack({ assembly, stateFile });

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(result.outputs.From).toBe('inline code');
  // Only whole copies, named after their content (each is built aside and renamed into place).
  const functions = readdirSync(join(stateFile, '..', 'state.functions'));
  expect(functions.filter((name) => name.startsWith('inline-'))).toEqual([expect.stringMatching(/^inline-[0-9a-f]{32}$/)]);
  expect(functions.filter((name) => name.includes('partial'))).toEqual([]);
});
