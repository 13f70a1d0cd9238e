/**
 * Runs one planned lifecycle on a fresh emulator with the plan's fault mix,
 * through the local runner and the example's real bundled handlers, and
 * checks each operation as it ends (checks.ts). An operation whose outcome
 * is not the planned one ends the plan: the stack is then destroyed (twice
 * more at most) and counts as stuck if it cannot be.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CleanRoomsMlClient, CleanRoomsMlEmulator, deployStack, destroyStack, formatEvent, RunnerOptions, StackOperationResult, StackStatus } from 'cdk-cleanrooms-ml-local';
import { agreement, duplicates, expectationProblems } from './checks';
import { Injection, LifecyclePlan, PlannedOperation } from './plan';
import {
  datasetNames,
  EmulatorHistory,
  ExampleVariant,
  FAST_TIMINGS,
  heldResources,
  leftovers,
  pipelineIds,
  PipelineIds,
  ResourceList,
  synthExample,
  templateResources,
  TIME_SCALE,
} from '../test/support/pipeline-stacks';

/** What one lifecycle found. */
export interface LifecycleReport {
  readonly lifecycle: number;
  readonly operations: number;
  /** Throttling and server errors the emulator answered. */
  readonly transientFaults: number;
  /** Crashes, failed trainings, jobs, exports and deletes, and deletes outside the stack. */
  readonly injectedFailures: number;
  /** What the service still held after the last destroy. */
  readonly leaked: readonly string[];
  readonly duplicates: readonly string[];
  readonly unexpected: readonly string[];
  /** The stack's status when no further destroy could delete it. */
  readonly stuck?: StackStatus;
  readonly elapsedMs: number;
}

/** Destroys tried after an unexpected outcome (or a plan that ends elsewhere than DELETE_COMPLETE) before the stack counts as stuck. */
const RECOVERY_DESTROYS = 2;

/**
 * Runs the plan. `trace`, when given, receives each operation (its label and
 * planned outcome), every stack event and each outcome: how one lifecycle is
 * looked at closely (`npm run chaos -- --seed S --only N`).
 */
export async function runLifecycle(plan: LifecyclePlan, trace?: (line: string) => void): Promise<LifecycleReport> {
  const started = Date.now();
  const emulator = await CleanRoomsMlEmulator.start({ timings: FAST_TIMINGS, faults: plan.faults });
  const client = new CleanRoomsMlClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  // The state file and the functions' code copied next to it: a few hundred kilobytes a lifecycle, removed with it.
  const stateDirectory = mkdtempSync(join(tmpdir(), 'chaos-'));
  try {
    const run = new LifecycleRun(plan, emulator, client, join(stateDirectory, 'state.json'), trace);
    await run.execute();
    const stats = emulator.stats();
    return {
      lifecycle: plan.lifecycle,
      operations: run.operations,
      transientFaults: stats.totalThrottled + stats.totalServerErrors,
      injectedFailures: plan.operations.filter((operation) => operation.injection.kind !== 'none').length,
      leaked: leftovers(emulator),
      duplicates: run.duplicates,
      unexpected: run.unexpected,
      stuck: run.status === 'DELETE_COMPLETE' ? undefined : run.status,
      elapsedMs: Date.now() - started,
    };
  } finally {
    client.destroy();
    await emulator.stop();
    rmSync(stateDirectory, { recursive: true, force: true });
  }
}

class LifecycleRun {
  public operations = 0;
  public status: StackStatus = 'DELETE_COMPLETE';
  public readonly duplicates: string[] = [];
  public readonly unexpected: string[] = [];
  private readonly history: EmulatorHistory;
  /** The last operation's result: the stack's resources as the runner recorded them. */
  private last?: StackOperationResult;
  /** The variant the stack was last deployed with (what a destroy deletes). */
  private deployed?: ExampleVariant;

  constructor(
    private readonly plan: LifecyclePlan,
    private readonly emulator: CleanRoomsMlEmulator,
    private readonly client: CleanRoomsMlClient,
    private readonly stateFile: string,
    private readonly trace?: (line: string) => void,
  ) {
    this.history = new EmulatorHistory(emulator);
  }

  public async execute(): Promise<void> {
    for (const [index, operation] of this.plan.operations.entries()) {
      let problems: string[];
      try {
        problems = await this.perform(operation);
      } catch (error) {
        // The runner or the campaign itself threw (never a planned outcome): recorded, and the stack destroyed below.
        problems = [`threw ${(error as Error).stack ?? String(error)}`];
      }
      if (problems.length > 0) {
        this.unexpected.push(...problems.map((problem) => `lifecycle ${this.plan.lifecycle}, operation ${index + 1} (${operation.label}): ${problem}`));
        break;
      }
    }
    for (let attempt = 0; attempt < RECOVERY_DESTROYS && this.status !== 'DELETE_COMPLETE'; attempt++) {
      try {
        await this.run({ kind: 'destroy', label: 'recovery destroy', injection: { kind: 'none' }, expected: { status: 'DELETE_COMPLETE' } });
      } catch (error) {
        this.unexpected.push(`lifecycle ${this.plan.lifecycle}, recovery destroy: threw ${(error as Error).message}`);
      }
    }
  }

  /** Runs one planned operation; returns how its outcome differs from the plan (nothing when it is the planned one). */
  private async perform(operation: PlannedOperation): Promise<string[]> {
    const before = this.last;
    const beforeVariant = this.deployed;
    await this.prepare(operation.injection);
    const mark = this.history.mark();
    const result = await this.run(operation);

    const ids = (pipeline: string): PipelineIds => pipelineIds(operation.variant ? templateResources(operation.variant) : before!, pipeline);
    const problems = expectationProblems(operation.expected, result, ids);
    // Every logical resource the operation may have touched: the stack's before, and the template's.
    const touched: ResourceList = {
      resources: [...before?.resources ?? [], ...operation.variant ? templateResources(operation.variant).resources : []],
    };
    const names = { ...this.names(beforeVariant), ...this.names(operation.variant) };
    const twice = duplicates(this.history.creates(touched, names, mark));
    this.duplicates.push(...twice.map((logicalId) => `lifecycle ${this.plan.lifecycle} (${operation.label}): ${logicalId} was given ${this.history.createdFor(logicalId, names[logicalId], mark).length} resources`));
    problems.push(...agreement(result, this.emulator.inventory()));
    if (result.status === 'DELETE_COMPLETE' && leftovers(this.emulator).length > 0) {
      problems.push(`DELETE_COMPLETE, but the service still holds ${leftovers(this.emulator).join(', ')}`);
    }
    if (problems.length === 0 && operation.deleteFailedOutside && result.failure) {
      const failed = result.resources.find((resource) => resource.logicalResourceId === result.failure!.logicalResourceId);
      await this.deleteOutside(failed!.physicalResourceId);
    }
    return problems;
  }

  private async run(operation: PlannedOperation): Promise<StackOperationResult> {
    this.operations++;
    this.trace?.(`\n${operation.label}: ${JSON.stringify({ variant: operation.variant, injection: operation.injection, expected: operation.expected })}`);
    const options: RunnerOptions = {
      stateFile: this.stateFile,
      endpoint: this.emulator.endpoint,
      timeScale: TIME_SCALE,
      faults: this.runnerFaults(operation),
      ...this.history.watch((event) => this.trace?.(`  ${formatEvent(event)}`)),
    };
    const result = operation.kind === 'deploy'
      ? await deployStack({ ...options, assembly: synthExample(operation.variant) })
      : await destroyStack(options);
    this.last = result;
    this.status = result.status;
    this.trace?.(`→ ${result.status}${result.failure ? `: ${result.failure.reason}` : ''}`);
    // A deploy that failed and rolled back leaves the stack as it was; a destroy leaves none.
    if (operation.kind === 'deploy' && result.success) this.deployed = operation.variant;
    if (result.status === 'DELETE_COMPLETE') this.deployed = undefined;
    return result;
  }

  /** The failures injected before the operation runs. */
  private async prepare(injection: Injection): Promise<void> {
    switch (injection.kind) {
      case 'fail-next':
        this.emulator.failNext({ resourceType: injection.resourceType, phase: injection.phase, message: injection.message });
        return;
      case 'deleted-outside': {
        const logical = pipelineIds(this.last!, injection.pipeline);
        for (const key of injection.resources) {
          await this.deleteOutside(this.last!.resources.find((resource) => resource.logicalResourceId === logical[key])!.physicalResourceId);
        }
        return;
      }
      default:
        // Crashes are the runner's (runnerFaults); failing trainings are tags in the operation's variant.
        return;
    }
  }

  private runnerFaults(operation: PlannedOperation): RunnerOptions['faults'] {
    const injection = operation.injection;
    if (injection.kind !== 'crash') return undefined;
    const logicalId = pipelineIds(templateResources(operation.variant), injection.pipeline)[injection.resource];
    return { crashAfterCreate: { [logicalId]: injection.attempts } };
  }

  /**
   * Deletes a resource the way someone outside the stack would, and waits
   * until it is gone (the service refuses to delete a parent before). The
   * fault mix is off meanwhile: the campaign's own calls are not under test.
   */
  private async deleteOutside(arn: string): Promise<void> {
    this.emulator.setFaults({});
    try {
      if (arn.includes(':audience-generation-job/')) await this.client.deleteAudienceGenerationJob({ audienceGenerationJobArn: arn });
      else if (arn.includes(':configured-audience-model/')) await this.client.deleteConfiguredAudienceModel({ configuredAudienceModelArn: arn });
      else if (arn.includes(':audience-model/')) await this.client.deleteAudienceModel({ audienceModelArn: arn });
      else if (arn.includes(':training-dataset/')) await this.client.deleteTrainingDataset({ trainingDatasetArn: arn });
      else throw new Error(`the campaign cannot delete ${arn} outside the stack`);
      for (let attempt = 0; heldResources(this.emulator.inventory()).some((item) => item.id === arn); attempt++) {
        if (attempt > 400) throw new Error(`${arn} was not gone 2 s after its delete outside the stack`);
        await new Promise((resolveWait) => setTimeout(resolveWait, 5));
      }
    } finally {
      // (This restarts the fault sequence: the same draws on every run all the same.)
      this.emulator.setFaults(this.plan.faults);
    }
  }

  /** The names a variant gives resources in its template: the training datasets', and a user-named model's. */
  private names(variant: ExampleVariant | undefined): Record<string, string> {
    if (!variant) return {};
    const names = datasetNames(synthExample(variant));
    if (variant.modelName !== undefined) names[pipelineIds(templateResources(variant)).model] = variant.modelName;
    return names;
  }
}
