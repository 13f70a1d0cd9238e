/**
 * Shared pieces of the runner suites: stacks synthesized with aws-cdk-lib into
 * temporary cloud assemblies, a custom-resources Provider whose functions are
 * the plain-JS fixture in fixtures/provider, and the journal those functions
 * write (one JSON object per call).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { App, CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as cleanroomsml from 'aws-cdk-lib/aws-cleanroomsml';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { deployStack, destroyStack } from '../../src/runner';
import type { DeploymentEvent, DeployOptions, DestroyOptions, RunnerOptions, StackEvent, StackOperationResult } from '../../src/runner';
import { temporaryDirectory } from '../support/temporary-directories';

// The runner suites ask for temporary directories here; the list is shared with test/support.
export { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

export const FIXTURE_PROVIDER = join(__dirname, 'fixtures', 'provider');
export const STACK_NAME = 'RunnerTestStack';

/** A deployment state file in a new temporary directory. */
export function stateFile(): string {
  return join(temporaryDirectory(), 'state.json');
}

/** The physical id of a resource of a deployed stack. */
export function physicalId(result: StackOperationResult, logicalId: string): string {
  return result.resources.find((resource) => resource.logicalResourceId === logicalId)!.physicalResourceId;
}

/** Synthesizes one stack into a new cloud assembly directory and returns it. */
export function synth(build: (stack: Stack) => void, stackName = STACK_NAME): string {
  const outdir = temporaryDirectory('cdk-out-');
  const app = new App({ outdir });
  build(new Stack(app, stackName));
  app.synth();
  return outdir;
}

/** Synthesizes an app of several stacks (with the given context, e.g. feature flags) into a new cloud assembly directory. */
export function synthApp(build: (app: App) => void, context: Record<string, unknown> = {}): string {
  const outdir = temporaryDirectory('cdk-out-');
  const app = new App({ outdir, context });
  build(app);
  app.synth();
  return outdir;
}

export interface FixtureProviderOptions {
  /** The JSON-lines file the functions append every call to. */
  readonly journal: string;
  /** @default true */
  readonly isComplete?: boolean;
  readonly queryInterval?: Duration;
  readonly totalTimeout?: Duration;
}

/**
 * The runtime of the fixture functions: one AWS Lambda still lets you create
 * (the runner refuses the others, as Lambda does), named as a string because
 * the oldest aws-cdk-lib the library supports has no Runtime.NODEJS_24_X.
 */
export const NODE_RUNTIME = new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });

/** A custom-resources Provider whose onEvent / isComplete are the fixture functions. */
export function fixtureProvider(stack: Stack, options: FixtureProviderOptions): cr.Provider {
  const environment = { JOURNAL: options.journal, FIXTURE_SETTING: 'from-the-template' };
  const onEventHandler = new lambda.Function(stack, 'OnEventHandler', {
    runtime: NODE_RUNTIME,
    handler: 'index.onEvent',
    code: lambda.Code.fromAsset(FIXTURE_PROVIDER),
    environment,
  });
  const isCompleteHandler = options.isComplete === false ? undefined : new lambda.Function(stack, 'IsCompleteHandler', {
    runtime: NODE_RUNTIME,
    handler: 'index.isComplete',
    code: lambda.Code.fromAsset(FIXTURE_PROVIDER),
    environment,
  });
  return new cr.Provider(stack, 'Provider', {
    onEventHandler,
    isCompleteHandler,
    ...(isCompleteHandler
      ? {
        queryInterval: options.queryInterval ?? Duration.seconds(1),
        totalTimeout: options.totalTimeout ?? Duration.seconds(30),
        // With its log group (DeletionPolicy Retain), as the library's provider has it.
        disableWaiterStateMachineLogging: false,
      }
      : {}),
  });
}

/** A `Custom::Thing` served by the provider, with its logical id fixed to `id`. */
export function thing(stack: Stack, provider: cr.Provider, id: string, properties: Record<string, unknown> = {}): CustomResource {
  const resource = new CustomResource(stack, id, { serviceToken: provider.serviceToken, resourceType: 'Custom::Thing', properties });
  (resource.node.defaultChild as CfnResource).overrideLogicalId(id);
  return resource;
}

export interface JournalEntry {
  readonly fn: 'onEvent' | 'isComplete';
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly RequestId: string;
  readonly StackId: string;
  readonly ResourceType: string;
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly Data?: Record<string, string>;
  readonly env: Record<string, string | undefined>;
  readonly count?: number;
  /** onEvent with Observe: the stack's status (and reason) and each resource's `<status> <physical id>`, or the error's `<name>: <message>`. */
  readonly observed?: { readonly stack: string; readonly resources: Record<string, string> };
}

export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as JournalEntry);
}

/** `onEvent Create A`-style summaries of the journal's onEvent calls. */
export function onEventCalls(path: string): string[] {
  return readJournal(path).filter((entry) => entry.fn === 'onEvent').map((entry) => `${entry.RequestType} ${entry.LogicalResourceId}`);
}

/** `A CREATE_COMPLETE`-style summaries of the resource events (the stack's own left out). */
export function resourceEvents(events: readonly DeploymentEvent[]): string[] {
  return events
    .filter((event): event is StackEvent => event.kind === 'event' && event.resourceType !== 'AWS::CloudFormation::Stack')
    .map((event) => `${event.logicalResourceId} ${event.resourceStatus}`);
}

/** The stack's own statuses, in order. */
export function stackStatuses(events: readonly DeploymentEvent[]): string[] {
  return events
    .filter((event): event is StackEvent => event.kind === 'event' && event.resourceType === 'AWS::CloudFormation::Stack')
    .map((event) => event.resourceStatus);
}

/** An AWS::CleanRoomsML::TrainingDataset reading a Glue table, with a role of the stack (whose ARN is in the emulator's account). */
export function trainingDataset(
  stack: Stack,
  id: string,
  props: { readonly name: string; readonly description?: string; readonly tags?: Record<string, string> },
): cleanroomsml.CfnTrainingDataset {
  const role = (stack.node.tryFindChild('DatasetRole') as iam.Role | undefined)
    ?? new iam.Role(stack, 'DatasetRole', { assumedBy: new iam.ServicePrincipal('cleanrooms-ml.amazonaws.com') });
  const dataset = new cleanroomsml.CfnTrainingDataset(stack, id, {
    name: props.name,
    description: props.description,
    roleArn: role.roleArn,
    trainingData: [{
      type: 'INTERACTIONS',
      inputConfig: {
        dataSource: { glueDataSource: { catalogId: stack.account, databaseName: 'retail', tableName: 'purchases' } },
        schema: [
          { columnName: 'user_id', columnTypes: ['USER_ID'] },
          { columnName: 'item_id', columnTypes: ['ITEM_ID'] },
          { columnName: 'event_time', columnTypes: ['TIMESTAMP'] },
        ],
      },
    }],
    tags: Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
  });
  dataset.overrideLogicalId(id);
  return dataset;
}

/** A client of the runner's CloudFormation endpoint (SignalResource, DescribeStackResource, DescribeStacks), as the handlers make one. */
export function cloudFormationClient(endpoint: string): CloudFormationClient {
  return new CloudFormationClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** What a test does when a stack event comes, with a client of the runner's CloudFormation endpoint. */
export type Reaction = (cloudFormation: CloudFormationClient, event: StackEvent) => Promise<void>;

export interface ReactedOperation {
  readonly result: StackOperationResult;
  readonly events: DeploymentEvent[];
}

/**
 * Deploys, running a reaction on the stack events it picks (by `logicalId status`, e.g. `Wait CREATE_IN_PROGRESS`
 * for the first event of the wait condition), the first time each comes. The runner's endpoints keep serving
 * until every reaction has settled; what a reaction throws fails the test.
 */
export function deployReacting(assembly: string, state: string, reactions: Record<string, Reaction>, options: Partial<DeployOptions> = {}):
Promise<ReactedOperation> {
  return reacting(reactions, (hooks) => deployStack({ assembly, stateFile: state, ...options, ...hooks }));
}

/** destroyStack, with reactions as deployReacting has them. */
export function destroyReacting(state: string, reactions: Record<string, Reaction>, options: Partial<DestroyOptions> = {}):
Promise<ReactedOperation> {
  return reacting(reactions, (hooks) => destroyStack({ stateFile: state, ...options, ...hooks }));
}

async function reacting(
  reactions: Record<string, Reaction>,
  operate: (hooks: Required<Pick<RunnerOptions, 'onCloudFormationEndpoint' | 'onEvent'>>) => Promise<StackOperationResult>,
): Promise<ReactedOperation> {
  let cloudFormation: CloudFormationClient | undefined;
  const events: DeploymentEvent[] = [];
  const started: Array<Promise<void>> = [];
  const seen = new Set<string>();
  try {
    const result = await operate({
      onCloudFormationEndpoint: (endpoint) => cloudFormation = cloudFormationClient(endpoint),
      onEvent: (event) => {
        events.push(event);
        if (event.kind !== 'event') return undefined;
        const key = `${event.logicalResourceId} ${event.resourceStatus}`;
        const react = reactions[key];
        if (!react || seen.has(key)) return undefined;
        seen.add(key);
        const reaction = react(cloudFormation!, event);
        started.push(reaction);
        return reaction;
      },
    });
    await Promise.all(started);
    return { result, events };
  } finally {
    cloudFormation?.destroy();
  }
}

/** The error a call fails with, as `name: message`. */
export async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}
