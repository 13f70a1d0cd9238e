/**
 * References between stacks deployed with the runner, both kinds aws-cdk-lib
 * writes: weak ones (Fn::GetStackOutput, what `cdk init` apps get since
 * aws-cdk-lib 2.259 through `@aws-cdk/core:defaultCrossStackReferences: weak`)
 * and strong ones (an Export in the producer, Fn::ImportValue in the consumer).
 *
 * The weak cases run on hand-written templates in the shape CloudFormation
 * documents (fixtures/cross-stack), and on a synthesized two-stack app when
 * the aws-cdk-lib in use knows the feature flag (2.254.0 and later).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { removeTemporaryDirectories, resourceEvents, stackStatuses, synthApp, temporaryDirectory } from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import { deployStack, destroyStack, StackOperationResult } from '../../src/runner';
import { DeploymentState } from '../../src/runner/state';
import type { Template } from '../../src/runner/template';

const FIXTURES = join(__dirname, 'fixtures', 'cross-stack');
const CROSS_STACK_REFERENCES_FLAG = '@aws-cdk/core:defaultCrossStackReferences';
/** aws-cdk-lib names the flag in cx-api from the release that introduced it (2.254.0) on. */
const WEAK_REFERENCES_SUPPORTED = 'DEFAULT_CROSS_STACK_REFERENCES' in cxapi;

let emulator: CleanRoomsMlEmulator;

beforeAll(async () => {
  emulator = await CleanRoomsMlEmulator.start();
});

afterAll(async () => {
  await emulator.stop();
  removeTemporaryDirectories();
});

interface AppShape {
  /** The consumer uses the producer's queue ARN (a resource property and an output). @default true */
  readonly consumerReads?: boolean;
  /** Renaming the queue replaces it: its ARN changes. */
  readonly queueName?: string;
}

/** A producer stack with a queue, and a consumer stack that uses the queue's ARN. */
function crossStackApp(strength: 'weak' | 'strong', shape: AppShape = {}): string {
  return synthApp((app: App) => {
    const producer = new Stack(app, 'Producer');
    const queue = new sqs.Queue(producer, 'Queue', { queueName: shape.queueName });
    const consumer = new Stack(app, 'Consumer');
    const reads = shape.consumerReads ?? true;
    new ssm.StringParameter(consumer, 'QueueArnParameter', { stringValue: reads ? queue.queueArn : 'not read' });
    if (reads) new CfnOutput(consumer, 'ReadQueueArn', { value: queue.queueArn });
  }, { [CROSS_STACK_REFERENCES_FLAG]: strength });
}

function templateOf(assembly: string, stackName: string): Template {
  return JSON.parse(readFileSync(join(assembly, `${stackName}.template.json`), 'utf8')) as Template;
}

/** A copy of a fixture template with `edit` applied, written to a temporary file named after the stack. */
function editedFixture(fileName: string, edit: (text: string) => string): string {
  const path = join(temporaryDirectory('fixture-'), fileName);
  writeFileSync(path, edit(readFileSync(join(FIXTURES, fileName), 'utf8')));
  return path;
}

function runner(stateFile: string) {
  return {
    deploy: (assembly: string, stackName?: string, parameters?: Record<string, string>): Promise<StackOperationResult> =>
      deployStack({ assembly, stackName, stateFile, endpoint: emulator.endpoint, parameters }),
    destroy: (stackName: string): Promise<StackOperationResult> => destroyStack({ stackName, stateFile, endpoint: emulator.endpoint }),
    state: (): DeploymentState => DeploymentState.load(stateFile),
  };
}

interface WeakSource {
  readonly producer: string;
  readonly producerStack: string;
  readonly consumer: string;
  readonly consumerStack: string;
  /** The consumer's outputs given the producer's. */
  readonly consumerOutputs: (producerOutputs: Readonly<Record<string, string>>) => Record<string, string>;
}

const WEAK_SOURCES: Array<[string, () => WeakSource]> = [
  ['hand-written templates in the documented shape', () => ({
    producer: join(FIXTURES, 'Network.template.json'),
    producerStack: 'Network',
    consumer: join(FIXTURES, 'App.template.json'),
    consumerStack: 'App',
    consumerOutputs: (outputs) => ({ ReadQueueArn: outputs.QueueArn, ReadQueueUrl: `url=${outputs.QueueUrl}` }),
  })],
  ...(WEAK_REFERENCES_SUPPORTED ? [['a two-stack app synthesized with defaultCrossStackReferences: weak', () => {
    const assembly = crossStackApp('weak');
    return {
      producer: assembly,
      producerStack: 'Producer',
      consumer: assembly,
      consumerStack: 'Consumer',
      // The producer's one output is the queue's ARN (aws-cdk-lib names it).
      consumerOutputs: (outputs: Readonly<Record<string, string>>) => ({ ReadQueueArn: Object.values(outputs)[0] }),
    };
  }] as [string, () => WeakSource]] : []),
];

describe.each(WEAK_SOURCES)('weak references (Fn::GetStackOutput): %s', (_name, source) => {
  let weak: WeakSource;

  beforeAll(() => {
    weak = source();
    // The templates under test really are weak references: nothing exported, nothing imported.
    const consumerText = JSON.stringify(templateOf(...templatePath(weak.consumer, weak.consumerStack)));
    expect(consumerText).toContain('"Fn::GetStackOutput"');
    expect(consumerText).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(templateOf(...templatePath(weak.producer, weak.producerStack)))).not.toContain('"Export"');
  });

  test('the consumer gets the producer\'s outputs as deployed, in its resources and its outputs', async () => {
    const { deploy, state } = runner(join(temporaryDirectory(), 'state.json'));

    const producer = await deploy(weak.producer, weak.producerStack);
    const consumer = await deploy(weak.consumer, weak.consumerStack);

    expect(producer.status).toBe('CREATE_COMPLETE');
    expect(consumer.failure).toBeUndefined();
    expect(consumer.status).toBe('CREATE_COMPLETE');
    expect(consumer.outputs).toEqual(weak.consumerOutputs(producer.outputs));
    const queueArn = consumer.outputs.ReadQueueArn;
    expect(queueArn).toMatch(/^arn:aws:sqs:us-east-1:123456789012:\S+$/);
    const parameter = Object.values(state().stack(weak.consumerStack)!.resources).find((record) => record.type === 'AWS::SSM::Parameter');
    expect(parameter?.properties.Value).toBe(queueArn);
  });

  test('fails naming the producer stack and the output when the producer is not deployed, and rolls the consumer back', async () => {
    const { deploy } = runner(join(temporaryDirectory(), 'state.json'));

    const consumer = await deploy(weak.consumer, weak.consumerStack);

    expect(consumer.status).toBe('ROLLBACK_COMPLETE');
    expect(consumer.failure?.reason).toMatch(new RegExp(
      `^Fn::GetStackOutput: stack ${weak.producerStack} is not deployed in account 123456789012, region us-east-1: `
      + `deploy it before ${weak.consumerStack}, which reads its output \\w+$`));
  });

  test('the producer can be destroyed while the consumer reads it: the reference is weak', async () => {
    const { deploy, destroy, state } = runner(join(temporaryDirectory(), 'state.json'));
    await deploy(weak.producer, weak.producerStack);
    await deploy(weak.consumer, weak.consumerStack);

    const destroyed = await destroy(weak.producerStack);

    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(state().stack(weak.consumerStack)?.status).toBe('CREATE_COMPLETE');
  });
});

/** `[directory, stack name]` for templateOf: a cloud assembly, or a template file's directory. */
function templatePath(assemblyOrTemplate: string, stackName: string): [string, string] {
  return assemblyOrTemplate.endsWith('.json') ? [join(assemblyOrTemplate, '..'), stackName] : [assemblyOrTemplate, stackName];
}

test('fails naming the output when the producer has no output of that name, listing the ones it has', async () => {
  const { deploy } = runner(join(temporaryDirectory(), 'state.json'));
  await deploy(join(FIXTURES, 'Network.template.json'));

  const consumer = await deploy(editedFixture('App.template.json', (text) => text.replace('"OutputName": "QueueArn" }', '"OutputName": "TopicArn" }')));

  expect(consumer.status).toBe('ROLLBACK_COMPLETE');
  expect(consumer.failure).toMatchObject({
    logicalResourceId: 'QueueArnParameter',
    reason: 'Fn::GetStackOutput: stack Network (CREATE_COMPLETE) has no output TopicArn (its outputs: QueueArn, QueueUrl)',
  });
});

describe('strong references (Export and Fn::ImportValue)', () => {
  let stateFile: string;
  let assembly: string;
  let exportName: string;

  beforeEach(() => {
    stateFile = join(temporaryDirectory(), 'state.json');
    assembly = crossStackApp('strong');
    const exported = Object.values(templateOf(assembly, 'Producer').Outputs ?? {}).filter((output) => output.Export);
    expect(exported).toHaveLength(1);
    exportName = exported[0].Export!.Name as string;
    expect(JSON.stringify(templateOf(assembly, 'Consumer'))).toContain('"Fn::ImportValue"');
  });

  async function deployBoth(): Promise<void> {
    const { deploy, state } = runner(stateFile);
    await deploy(assembly, 'Producer');
    const consumer = await deploy(assembly, 'Consumer');
    expect(consumer.status).toBe('CREATE_COMPLETE');
    expect(consumer.outputs.ReadQueueArn).toMatch(/^arn:aws:sqs:/);
    expect(consumer.outputs.ReadQueueArn).toBe(state().stack('Producer')!.exports[exportName]);
  }

  test('fails to destroy the producer while the consumer imports its export, naming both; once the consumer is gone it succeeds', async () => {
    const { destroy, state } = runner(stateFile);
    await deployBoth();
    const producerResources = Object.keys(state().stack('Producer')!.resources);

    const refused = await destroy('Producer');

    expect(refused.success).toBe(false);
    expect(refused.status).toBe('CREATE_COMPLETE');
    expect(refused.failure).toEqual({
      logicalResourceId: 'Producer',
      resourceType: 'AWS::CloudFormation::Stack',
      reason: `Export ${exportName} cannot be deleted as it is in use by Consumer`,
    });
    expect(resourceEvents(refused.events)).toEqual([]);
    expect(Object.keys(state().stack('Producer')!.resources)).toEqual(producerResources);

    const consumerDestroyed = await destroy('Consumer');
    const producerDestroyed = await destroy('Producer');

    expect(consumerDestroyed.status).toBe('DELETE_COMPLETE');
    expect(producerDestroyed.status).toBe('DELETE_COMPLETE');
    expect(state().data.stacks).toEqual({});
  });

  test('fails an update of the producer that removes an export the consumer imports, and rolls it back', async () => {
    const { deploy, state } = runner(stateFile);
    await deployBoth();

    const updated = await deploy(crossStackApp('strong', { consumerReads: false }), 'Producer');

    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stackStatuses(updated.events)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE']);
    expect(updated.events.find((event) => event.kind === 'event' && event.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS'))
      .toMatchObject({ resourceStatusReason: `Export ${exportName} cannot be deleted as it is in use by Consumer` });
    expect(Object.keys(state().stack('Producer')!.exports)).toEqual([exportName]);
  });

  test('fails an update of the producer that changes the value of an export the consumer imports, and rolls the queue back', async () => {
    const { deploy, state } = runner(stateFile);
    await deployBoth();
    const queueBefore = state().stack('Producer')!.resources;

    const updated = await deploy(crossStackApp('strong', { queueName: 'renamed-queue' }), 'Producer');

    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(updated.failure?.reason).toBe(`Export ${exportName} cannot be updated as it is in use by Consumer`);
    // The queue was replaced, then the replacement deleted by the rollback.
    const queueEvents = resourceEvents(updated.events).filter((event) => event.startsWith('Queue')).map((event) => event.replace(/^Queue\w+/, 'Queue'));
    expect(queueEvents).toEqual([
      'Queue UPDATE_IN_PROGRESS', 'Queue UPDATE_IN_PROGRESS', 'Queue UPDATE_COMPLETE',
      'Queue UPDATE_IN_PROGRESS', 'Queue UPDATE_COMPLETE', 'Queue DELETE_IN_PROGRESS', 'Queue DELETE_COMPLETE',
    ]);
    expect(state().stack('Producer')!.resources).toEqual(queueBefore);
  });

  test('an update of the consumer that stops importing frees the export: the producer can then drop it', async () => {
    const { deploy } = runner(stateFile);
    await deployBoth();
    const withoutReference = crossStackApp('strong', { consumerReads: false });

    const consumer = await deploy(withoutReference, 'Consumer');
    const producer = await deploy(withoutReference, 'Producer');

    expect(consumer.status).toBe('UPDATE_COMPLETE');
    expect(producer.status).toBe('UPDATE_COMPLETE');
  });
});
