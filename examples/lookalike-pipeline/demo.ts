/**
 * The README's main job (`npm run demo`): the lookalike pipeline example
 * synthesized, deployed on the embedded Clean Rooms ML emulator through the
 * stack's own Lambda handlers, updated, and destroyed — no AWS account.
 *
 *   1. synthesize `LookalikePipelineStack` into a cloud assembly;
 *   2. deploy it: every Clean Rooms ML resource until ACTIVE, then the
 *      generation job's relevance metrics (AWS's current model reports no
 *      audience model metrics) and the exported audience (a JSON Lines file
 *      standing for S3);
 *   3. update it: one more audience size bin and a stack-wide tag, both
 *      applied in place;
 *   4. destroy it and show the emulator holds nothing.
 *
 * `runDemo` is exported so the test suite runs the very same walkthrough.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App, Tags } from 'aws-cdk-lib';
import { CleanRoomsMlClient, CleanRoomsMlEmulator, EmulatorInventory, audienceFilePath, deployStack, destroyStack, DeploymentEvent, formatDuration, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import { AUDIENCE_SIZES, EXAMPLE_ENV, LookalikePipelineStack, LookalikePipelineStackProps } from './stack';

export const DEMO_STACK_NAME = 'LookalikePipeline';

/** The audience size bin and the tag the update adds. */
export const UPDATE_EXTRA_SIZE = 200_000;
export const UPDATE_TAG = { key: 'stage', value: 'demo' };

export interface DemoOptions {
  /** Where the assemblies, the deployment state and the exported audiences go; emptied first. */
  readonly workDirectory: string;
  /** Receives each line the demo prints. */
  readonly print: (line: string) => void;
}

/** What the walkthrough saw, for the tests. */
export interface DemoResult {
  readonly deploy: StackOperationResult;
  readonly update: StackOperationResult;
  readonly destroy: StackOperationResult;
  /** The emulator's inventory after the deploy, after the update and after the destroy. */
  readonly deployed: EmulatorInventory;
  readonly updated: EmulatorInventory;
  readonly destroyed: EmulatorInventory;
  /** The exported audience file and how many users it holds. */
  readonly audienceFile: string;
  readonly audienceUsers: number;
  readonly apiCalls: number;
  readonly elapsedMs: number;
}

/** Resource types the demo prints events of (the others — roles, functions, buckets — are summed up). */
const CLEAN_ROOMS_ML_TYPE = /CleanRoomsML/;
/** The links of the chain that lets a model train past CloudFormation's one hour. */
const WAIT_RESOURCE_TYPE = 'Custom::CleanRoomsMLWait';
const WAIT_CONDITION_TYPE = 'AWS::CloudFormation::WaitCondition';

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const stamp = () => `${formatDuration(Date.now() - started).padStart(6)}`;
  const say = (line = '') => options.print(line === '' ? '' : `${stamp()}  ${line}`);

  rmSync(options.workDirectory, { recursive: true, force: true });
  mkdirSync(options.workDirectory, { recursive: true });
  const audiencesDirectory = join(options.workDirectory, 'audiences');
  const stateFile = join(options.workDirectory, 'state.json');

  const emulator = await CleanRoomsMlEmulator.start({
    accountId: EXAMPLE_ENV.account,
    region: EXAMPLE_ENV.region,
    outputDirectory: audiencesDirectory,
  });
  const client = new CleanRoomsMlClient({
    region: emulator.region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  say(`Clean Rooms ML emulator on ${emulator.endpoint} (account ${emulator.accountId}, ${emulator.region})`);

  try {
    // 1 + 2: synthesize and deploy.
    const initial = synthesize(join(options.workDirectory, 'cdk.out.1'), {});
    say(`synthesized ${DEMO_STACK_NAME}: ${initial.resourceCount} CloudFormation resources: ${initial.cleanRoomsMlCount} Clean Rooms ML, `
      + `${initial.waitCount} waits letting the model train up to 24 hours (wait conditions and a wait resource), the rest roles, functions, `
      + 'buckets and the training poller');
    say('');
    say(`cdk deploy ${DEMO_STACK_NAME}  (on the emulator)`);
    const deploy = await deployStack({ assembly: initial.outdir, stateFile, endpoint: emulator.endpoint, onEvent: printEvent(say) });
    expectSuccess(deploy);
    say(`${DEMO_STACK_NAME}: ${deploy.status} in ${formatDuration(deploy.elapsedMs)} (${otherResources(deploy)} other resources recorded)`);

    const deployed = emulator.inventory();
    say('');
    say('Clean Rooms ML resources now in the emulator:');
    printInventory(say, deployed);

    const job = deployed.audienceGenerationJobs[0];
    const { metrics: jobMetrics } = await client.getAudienceGenerationJob({ audienceGenerationJobArn: job.audienceGenerationJobArn });
    say(`relevance metrics of audience generation job ${job.name}:`);
    for (const metric of jobMetrics?.relevanceMetrics ?? []) {
      say(`  relevance of the ${metric.audienceSize.value.toLocaleString('en-US').padStart(7)}-user audience: ${metric.score?.toFixed(3)}`);
    }
    if (jobMetrics?.recallMetric !== undefined) {
      say(`  recall: ${jobMetrics.recallMetric.toFixed(3)}`);
    }

    const exported = deployed.audienceExportJobs[0];
    const audienceFile = audienceFilePath(audiencesDirectory, exported.outputLocation ?? '');
    const lines = readFileSync(audienceFile, 'utf8').split('\n').filter(Boolean);
    say(`exported audience ${exported.name}: ${exported.outputLocation}`);
    say(`  written locally to ${relative(process.cwd(), audienceFile)}: ${lines.length.toLocaleString('en-US')} users, best first:`);
    lines.slice(0, 3).forEach((line) => say(`    ${line}`));

    // 3: update — one more audience size, one more tag; both in place.
    const audienceSizes = [...AUDIENCE_SIZES, UPDATE_EXTRA_SIZE];
    const changed = synthesize(join(options.workDirectory, 'cdk.out.2'), { audienceSizes }, (stack) => Tags.of(stack).add(UPDATE_TAG.key, UPDATE_TAG.value));
    say('');
    say(`cdk deploy ${DEMO_STACK_NAME}  (audience sizes ${audienceSizes.map((size) => size.toLocaleString('en-US')).join(' / ')}, tag ${UPDATE_TAG.key}=${UPDATE_TAG.value})`);
    const update = await deployStack({ assembly: changed.outdir, stateFile, endpoint: emulator.endpoint, onEvent: printEvent(say) });
    expectSuccess(update);
    say(`${DEMO_STACK_NAME}: ${update.status} in ${formatDuration(update.elapsedMs)}`);
    const updated = emulator.inventory();
    const configured = updated.configuredAudienceModels[0];
    say(`configured model ${configured.name}: audience sizes ${configured.audienceSizeConfig?.audienceSizeBins.map((size) => size.toLocaleString('en-US')).join(' / ')}`);
    say(`audience model ${updated.audienceModels[0].name}: tags ${JSON.stringify(updated.audienceModels[0].tags ?? {})}`);
    const sameIds = ids(updated).join() === ids(deployed).join();
    say(sameIds ? 'every Clean Rooms ML resource kept its ARN (updated in place)' : 'some resources were replaced');

    // 4: destroy.
    say('');
    say(`cdk destroy ${DEMO_STACK_NAME}`);
    const destroy = await destroyStack({ stateFile, endpoint: emulator.endpoint, stackName: DEMO_STACK_NAME, onEvent: printEvent(say) });
    expectSuccess(destroy);
    const destroyed = emulator.inventory();
    const apiCalls = emulator.stats().totalCalls;
    say(`${DEMO_STACK_NAME}: ${destroy.status} in ${formatDuration(destroy.elapsedMs)}; the emulator holds ${resourceCount(destroyed)} Clean Rooms ML resources; ${apiCalls} API calls served`);

    return {
      deploy,
      update,
      destroy,
      deployed,
      updated,
      destroyed,
      audienceFile,
      audienceUsers: lines.length,
      apiCalls,
      elapsedMs: Date.now() - started,
    };
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

interface Synthesized {
  readonly outdir: string;
  readonly resourceCount: number;
  readonly cleanRoomsMlCount: number;
  readonly waitCount: number;
}

function synthesize(outdir: string, props: LookalikePipelineStackProps, change?: (stack: LookalikePipelineStack) => void): Synthesized {
  const app = new App({ outdir });
  const stack = new LookalikePipelineStack(app, DEMO_STACK_NAME, { env: EXAMPLE_ENV, ...props });
  change?.(stack);
  const template = app.synth().getStackByName(DEMO_STACK_NAME).template as { Resources: Record<string, { Type: string }> };
  const types = Object.values(template.Resources).map((resource) => resource.Type);
  const waitCount = types.filter((type) => type === WAIT_RESOURCE_TYPE || type === WAIT_CONDITION_TYPE).length;
  const cleanRoomsMlCount = types.filter((type) => CLEAN_ROOMS_ML_TYPE.test(type) && type !== WAIT_RESOURCE_TYPE).length;
  return { outdir, resourceCount: types.length, cleanRoomsMlCount, waitCount };
}

/**
 * Prints the stack's own events and those of Clean Rooms ML resources and of
 * the waits after the audience model, like `cdk deploy` does. A wait
 * condition's signals are counted on its completion line: on the emulator
 * the model is ACTIVE within its resource's first window, so the training
 * poller signals every wait condition at once.
 */
function printEvent(say: (line: string) => void): (event: DeploymentEvent) => void {
  const signals = new Map<string, number>();
  return (event) => {
    const waitCondition = event.resourceType === WAIT_CONDITION_TYPE;
    if (!CLEAN_ROOMS_ML_TYPE.test(event.resourceType) && event.resourceType !== 'AWS::CloudFormation::Stack' && !waitCondition) return;
    if (waitCondition && event.kind === 'event' && event.resourceStatus === 'CREATE_IN_PROGRESS') {
      if (event.resourceStatusReason?.startsWith('Received SUCCESS signal')) {
        signals.set(event.logicalResourceId, (signals.get(event.logicalResourceId) ?? 0) + 1);
      }
      return;
    }
    const what = event.kind === 'progress' ? `... ${event.message}` : event.resourceStatus;
    const received = waitCondition && signals.has(event.logicalResourceId) ? `  (${signals.get(event.logicalResourceId)} SUCCESS signals received)` : '';
    const reason = event.kind === 'event' && event.resourceStatusReason ? `  ${event.resourceStatusReason.split('\n')[0]}` : received;
    say(`  ${what.padEnd(38)} ${event.logicalResourceId}${reason}`);
  };
}

function printInventory(say: (line: string) => void, inventory: EmulatorInventory): void {
  const rows: Array<[string, string, string, string]> = [
    ...inventory.trainingDatasets.map((r) => ['training dataset', r.name, r.status, r.trainingDatasetArn] as [string, string, string, string]),
    ...inventory.audienceModels.map((r) => ['audience model', r.name, r.status, r.audienceModelArn] as [string, string, string, string]),
    ...inventory.configuredAudienceModels.map((r) => ['configured audience model', r.name, r.status, r.configuredAudienceModelArn] as [string, string, string, string]),
    ...inventory.audienceGenerationJobs.map((r) => ['audience generation job', r.name, r.status, r.audienceGenerationJobArn] as [string, string, string, string]),
    ...inventory.audienceExportJobs.map((r) => ['audience export job', r.name, r.status, r.outputLocation ?? ''] as [string, string, string, string]),
  ];
  for (const [kind, name, status, where] of rows) {
    say(`  ${kind.padEnd(26)} ${status.padEnd(7)} ${name}`);
    say(`  ${''.padEnd(26)} ${''.padEnd(7)} ${where}`);
  }
}

function ids(inventory: EmulatorInventory): string[] {
  return [
    ...inventory.trainingDatasets.map((r) => r.trainingDatasetArn),
    ...inventory.audienceModels.map((r) => r.audienceModelArn),
    ...inventory.configuredAudienceModels.map((r) => r.configuredAudienceModelArn),
    ...inventory.audienceGenerationJobs.map((r) => r.audienceGenerationJobArn),
  ];
}

function resourceCount(inventory: EmulatorInventory): number {
  return ids(inventory).length + inventory.audienceExportJobs.length;
}

function otherResources(result: StackOperationResult): number {
  return result.resources.filter((resource) => !CLEAN_ROOMS_ML_TYPE.test(resource.resourceType)).length;
}

function expectSuccess(result: StackOperationResult): void {
  if (!result.success) {
    const cause = result.failure ? `${result.failure.logicalResourceId} (${result.failure.resourceType}): ${result.failure.reason}` : result.status;
    throw new Error(`${result.operation} ended in ${result.status}: ${cause}`);
  }
}

if (require.main === module) {
  runDemo({ workDirectory: join('.cleanrooms-ml-local', 'demo'), print: (line) => console.log(line) })
    .then((result) => console.log(`\ndemo finished in ${formatDuration(result.elapsedMs)}`))
    .catch((error) => {
      console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
