/**
 * Whole stacks under faults: the example stack (the library's constructs,
 * the real bundled handlers, the local runner, the emulator) deployed and
 * destroyed while calls fail, handlers die, resources vanish behind the
 * stack's back, training fails and waits run out. Each scenario runs a
 * stated number of times (with different fault seeds where faults are
 * drawn) and checks where the stack ends, that the emulator holds nothing
 * afterwards, that no logical resource got two resources, and that every
 * failure names the resource and the cause.
 */
import { join } from 'node:path';
import { CleanRoomsMlClient, CleanRoomsMlEmulator, CleanRoomsMlEmulatorOptions, EmulatorStats, FailureRequest, deployStack, destroyStack, formatEvent, RunnerOptions, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import {
  datasetNames,
  EmulatorHistory,
  ExampleVariant,
  FAST_TIMINGS,
  leftovers,
  pipelineIds,
  PipelineIds,
  synthExample,
  lastWait,
  templateResources,
  TIME_SCALE,
} from '../support/pipeline-stacks';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

afterAll(removeTemporaryDirectories);

const CREATING_CALLS = ['CreateTrainingDataset', 'CreateAudienceModel', 'CreateConfiguredAudienceModel', 'StartAudienceGenerationJob', 'StartAudienceExportJob'];

/** One run: a fresh emulator, state file and history; the emulator is stopped afterwards. */
async function withRun<T>(options: CleanRoomsMlEmulatorOptions, run: (context: RunContext) => Promise<T>): Promise<T> {
  const emulator = await CleanRoomsMlEmulator.start({ timings: FAST_TIMINGS, ...options });
  const client = new CleanRoomsMlClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  try {
    return await run(new RunContext(emulator, client, join(temporaryDirectory(), 'state.json')));
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

class RunContext {
  public readonly history: EmulatorHistory;

  constructor(public readonly emulator: CleanRoomsMlEmulator, public readonly client: CleanRoomsMlClient, private readonly stateFile: string) {
    this.history = new EmulatorHistory(emulator);
  }

  public deploy(variant: ExampleVariant = {}, options: Partial<RunnerOptions> = {}): Promise<StackOperationResult> {
    return deployStack({
      assembly: synthExample(variant),
      stateFile: this.stateFile,
      endpoint: this.emulator.endpoint,
      timeScale: TIME_SCALE,
      ...this.history.watch(),
      ...options,
    });
  }

  public destroy(options: Partial<RunnerOptions> = {}): Promise<StackOperationResult> {
    return destroyStack({ stateFile: this.stateFile, timeScale: TIME_SCALE, ...this.history.watch(), ...options });
  }

  /** How many resources each Clean Rooms ML logical resource ever had (the deployed stack's resources). */
  public creates(deployed: StackOperationResult, variant: ExampleVariant = {}): Record<string, number> {
    return this.history.creates(deployed, datasetNames(synthExample(variant)));
  }

  /** Deletes resources the way someone outside the stack would, each gone before the next. */
  public async deleteOutside(ids: Record<string, string>, logical: PipelineIds, which: ReadonlyArray<keyof PipelineIds>): Promise<void> {
    for (const key of which) {
      const arn = ids[logical[key]];
      switch (key) {
        case 'job': await this.client.deleteAudienceGenerationJob({ audienceGenerationJobArn: arn }); break;
        case 'configured': await this.client.deleteConfiguredAudienceModel({ configuredAudienceModelArn: arn }); break;
        case 'model': await this.client.deleteAudienceModel({ audienceModelArn: arn }); break;
        case 'dataset': await this.client.deleteTrainingDataset({ trainingDatasetArn: arn }); break;
        default: throw new Error(`${key} cannot be deleted`);
      }
      await this.until(() => !JSON.stringify(this.emulator.inventory()).includes(`"${arn}"`) || key === 'job' && !this.holds(arn));
    }
  }

  private holds(arn: string): boolean {
    const inventory = this.emulator.inventory();
    return inventory.audienceGenerationJobs.some((job) => job.audienceGenerationJobArn === arn);
  }

  private async until(condition: () => boolean): Promise<void> {
    for (let attempt = 0; !condition(); attempt++) {
      if (attempt > 200) throw new Error('the emulator did not finish a delete');
      await new Promise((resolveWait) => setTimeout(resolveWait, 5));
    }
  }
}

/** logical id → physical id of the Clean Rooms ML resources of a result. */
function physicalIds(result: StackOperationResult): Record<string, string> {
  return Object.fromEntries(result.resources.map((resource) => [resource.logicalResourceId, resource.physicalResourceId]));
}

/** Every logical resource had exactly one resource. */
function once(creates: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(creates).map((logicalId) => [logicalId, 1]));
}

/** The stack's event lines (as the CLI prints them) of one resource's failures. */
function failureLines(result: StackOperationResult, logicalId: string): string[] {
  return result.events.filter((event) => event.logicalResourceId === logicalId && /FAILED$/.test(event.resourceStatus)).map(formatEvent);
}

function injectedFaults(stats: EmulatorStats): number {
  return stats.totalThrottled + stats.totalServerErrors;
}

test('throttling (30%) and server errors (20%), as the chaos campaign injects them: 5 deploys and destroys succeed, nothing created twice, nothing left', async () => {
  const RUNS = 5;
  let faults = 0;
  for (let seed = 1; seed <= RUNS; seed++) {
    await withRun({ faults: { throttleRate: 0.3, serverErrorRate: 0.2, seed } }, async (run) => {
      const deployed = await run.deploy();
      expect({ seed, status: deployed.status, failure: deployed.failure }).toEqual({ seed, status: 'CREATE_COMPLETE', failure: undefined });

      const destroyed = await run.destroy();
      expect({ seed, status: destroyed.status, failure: destroyed.failure }).toEqual({ seed, status: 'DELETE_COMPLETE', failure: undefined });
      expect(leftovers(run.emulator)).toEqual([]);
      const creates = run.creates(deployed);
      expect(creates).toEqual(once(creates));
      // Each creating call the service carried out made one resource: the faulty ones were answered before any work.
      const stats = run.emulator.stats();
      for (const call of CREATING_CALLS) {
        const carriedOut = stats.calls[call] - (stats.throttled[call] ?? 0) - (stats.serverErrors[call] ?? 0);
        expect({ call, carriedOut }).toEqual({ call, carriedOut: 1 });
      }
      expect(injectedFaults(stats)).toBeGreaterThan(0);
      faults += injectedFaults(stats);
    });
  }
  expect(faults).toBeGreaterThanOrEqual(RUNS);
});

test('a handler that dies right after its create call is retried with the same request: 5 runs, one resource each, nothing left', async () => {
  // One run per custom resource type, and one whose first two attempts die (Lambda retries an asynchronous invocation twice).
  const RUNS: Array<{ readonly resource: keyof PipelineIds; readonly createCall: string; readonly attempts: number }> = [
    { resource: 'model', createCall: 'CreateAudienceModel', attempts: 1 },
    { resource: 'configured', createCall: 'CreateConfiguredAudienceModel', attempts: 1 },
    { resource: 'job', createCall: 'StartAudienceGenerationJob', attempts: 1 },
    { resource: 'export', createCall: 'StartAudienceExportJob', attempts: 1 },
    { resource: 'configured', createCall: 'CreateConfiguredAudienceModel', attempts: 2 },
  ];
  const logical = pipelineIds(templateResources());
  for (const { resource, createCall, attempts } of RUNS) {
    await withRun({}, async (run) => {
      const deployed = await run.deploy({}, { faults: { crashAfterCreate: { [logical[resource]]: attempts } } });

      expect({ resource, status: deployed.status, failure: deployed.failure }).toEqual({ resource, status: 'CREATE_COMPLETE', failure: undefined });
      // The first attempt made the resource; each retry found its name taken by this very request and adopted it.
      expect({ resource, calls: run.emulator.stats().calls[createCall] }).toEqual({ resource, calls: attempts + 1 });
      const creates = run.creates(deployed);
      expect(creates).toEqual(once(creates));
      const inventory = run.emulator.inventory();
      // What the dead attempt never did (the configured model's policy) the retry did.
      expect(inventory.configuredAudienceModels[0].policy?.configuredAudienceModelPolicy).toContain('111122223333');
      expect(inventory.audienceExportJobs).toEqual([expect.objectContaining({ status: 'ACTIVE' })]);

      const destroyed = await run.destroy();
      expect(destroyed.status).toBe('DELETE_COMPLETE');
      expect(leftovers(run.emulator)).toEqual([]);
    });
  }
});

test('a handler that dies on all three attempts after its create call: failed at once, naming what happened, and the rollback deletes what it made', async () => {
  const logical = pipelineIds(templateResources());
  await withRun({}, async (run) => {
    const deployed = await run.deploy({}, { faults: { crashAfterCreate: { [logical.configured]: 3 } } });

    // Not CloudFormation's "did not receive a response" after the hour: the isComplete function's answer to Lambda's record.
    expect(failureLines(deployed, logical.configured)).toEqual([expect.stringMatching(new RegExp(
      `\\| CREATE_FAILED \\| Custom::CleanRoomsMLConfiguredAudienceModel \\| ${logical.configured} \\| ${logical.configured} `
      + '\\(Custom::CleanRoomsMLConfiguredAudienceModel\\): the provider\'s request function failed 3 times \\(RetriesExhausted\\): Runtime.ExitError: RequestId: '
      + '.*; an attempt had created arn:aws:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:configured-audience-model/[-a-f0-9]+, which the rollback deletes\\.',
    ))]);
    // The first attempt made the model; the two retries adopted it.
    expect(run.emulator.stats().calls.CreateConfiguredAudienceModel).toBe(3);
    expect(run.history.all().filter((held) => held.kind === 'configured-audience-model')).toHaveLength(1);
    // Its FAILED answer carried the model's ARN, so the rollback's Delete removed it, and then the audience model it used.
    expect({ status: deployed.status, failure: deployed.failure?.logicalResourceId }).toEqual({ status: 'ROLLBACK_COMPLETE', failure: logical.configured });
    expect(leftovers(run.emulator)).toEqual([]);
  });
});

test('resources deleted outside the stack: 3 runs of destroy and 1 of update reach the right state, nothing left', async () => {
  const RUNS: ReadonlyArray<ReadonlyArray<keyof PipelineIds>> = [
    ['job'],
    ['job', 'configured'],
    ['job', 'configured', 'model', 'dataset'],
  ];
  for (const gone of RUNS) {
    await withRun({}, async (run) => {
      const deployed = await run.deploy();
      await run.deleteOutside(physicalIds(deployed), pipelineIds(deployed), gone);

      const destroyed = await run.destroy();

      expect({ gone, status: destroyed.status, failure: destroyed.failure }).toEqual({ gone, status: 'DELETE_COMPLETE', failure: undefined });
      expect(leftovers(run.emulator)).toEqual([]);
    });
  }

  // An update that must change a resource someone deleted fails on it, names it and why, and rolls back; the destroy then succeeds.
  await withRun({}, async (run) => {
    const deployed = await run.deploy();
    const logical = pipelineIds(deployed);
    await run.deleteOutside(physicalIds(deployed), logical, ['job']);

    const updated = await run.deploy({ tags: { stage: 'prod' } });

    // As with CloudFormation's own resources: the rollback cannot put the old tags back either, and the stack needs a destroy.
    expect(updated.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(updated.failure).toMatchObject({ logicalResourceId: logical.job });
    expect(updated.failure!.reason).toMatch(new RegExp(`^${logical.job} \\(Custom::CleanRoomsMLAudienceGenerationJob\\): TagResource failed with ResourceNotFoundException: .* not found`));
    expect(failureLines(updated, logical.job)).toEqual([
      expect.stringContaining('): TagResource failed with ResourceNotFoundException'),
      expect.stringContaining('): UntagResource failed with ResourceNotFoundException'),
    ]);
    const destroyed = await run.destroy();
    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(leftovers(run.emulator)).toEqual([]);
  });
});

test('a failed delete retried once the resource is already gone (runs 1-2) or still there (runs 3-4): 4 runs end DELETE_COMPLETE, nothing left', async () => {
  const RUNS: Array<{ readonly failing: FailureRequest['resourceType']; readonly resource: keyof PipelineIds }> = [
    { failing: 'audience-model', resource: 'model' },
    { failing: 'audience-generation-job', resource: 'job' },
    { failing: 'audience-model', resource: 'model' },
    { failing: 'audience-generation-job', resource: 'job' },
  ];
  for (const [index, { failing, resource }] of RUNS.entries()) {
    await withRun({}, async (run) => {
      const deployed = await run.deploy();
      const logical = pipelineIds(deployed);
      run.emulator.failNext({ resourceType: failing, phase: 'DELETE', message: 'the service could not delete it' });

      const failed = await run.destroy();

      expect(failed.status).toBe('DELETE_FAILED');
      expect(failed.failure).toMatchObject({ logicalResourceId: logical[resource] });
      expect(failed.failure!.reason).toMatch(new RegExp(`^${logical[resource]} \\(Custom::CleanRoomsML\\w+\\): .*the service could not delete it`));
      // Runs 1 and 2: deleted again outside the stack (it is gone when the stack's delete comes back); 3 and 4: the stack's own retry deletes it.
      if (index < 2) await run.deleteOutside(physicalIds(deployed), logical, resource === 'model' ? ['model'] : ['job']);

      const destroyed = await run.destroy();

      expect({ index, status: destroyed.status, failure: destroyed.failure }).toEqual({ index, status: 'DELETE_COMPLETE', failure: undefined });
      expect(leftovers(run.emulator)).toEqual([]);
    });
  }
});

test('training and generation that fail: 4 runs roll back to ROLLBACK_COMPLETE, the failure names the resource and the service\'s reason, nothing left', async () => {
  const RUNS: Array<{ readonly resource: keyof PipelineIds; readonly variant?: ExampleVariant; readonly failNext?: FailureRequest['resourceType']; readonly pipelines?: number }> = [
    { resource: 'model', variant: { modelTags: { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'not enough training data' } } },
    { resource: 'model', failNext: 'audience-model' },
    { resource: 'job', failNext: 'audience-generation-job' },
    { resource: 'export', failNext: 'audience-export-job' },
  ];
  const logical = pipelineIds(templateResources());
  for (const { resource, variant, failNext } of RUNS) {
    await withRun({}, async (run) => {
      const message = variant ? 'not enough training data' : `the service failed the ${resource}`;
      if (failNext) run.emulator.failNext({ resourceType: failNext, phase: 'CREATE', message });

      const result = await run.deploy(variant);

      expect({ resource, status: result.status }).toEqual({ resource, status: 'ROLLBACK_COMPLETE' });
      expect(result.failure).toMatchObject({ logicalResourceId: logical[resource] });
      expect(result.failure!.reason).toMatch(new RegExp(`^${logical[resource]} \\(Custom::CleanRoomsML\\w+\\): .*${message}`));
      expect(leftovers(run.emulator)).toEqual([]);
      const created = run.history.all();
      expect(new Set(created.map((item) => item.name)).size).toBe(created.length);
    });
  }
});

test('waits that outlive the timeout: 3 runs fail naming the resource and "timed out", the rollback leaves nothing', async () => {
  // Ten minutes of training or generation; the rollback's delete is immediate, so it fits any deadline the handler has left.
  const SLOW = { createPendingMs: 10, createInProgressMs: 600_000, deletePendingMs: 0, deleteInProgressMs: 0 };
  type Run = {
    readonly resource: keyof PipelineIds;
    readonly timings: CleanRoomsMlEmulatorOptions['timings'];
    readonly variant: ExampleVariant;
    readonly timeScale: number;
    /** The resource that reports the timeout: the model's ready resource when its timeout is past one hour. */
    readonly failing: (ids: PipelineIds, template: ReturnType<typeof templateResources>) => string;
  };
  const RUNS: Run[] = [
    // The default 24 hours: the model's own hour, then two wait conditions and the ready resource, which reports the timeout.
    { resource: 'model', timings: { ...FAST_TIMINGS, audienceModel: SLOW }, variant: {}, timeScale: 0.0001, failing: (_ids, template) => lastWait(template) },
    // A 5-minute timeout (no wait resources): the model's handler's own deadline.
    { resource: 'model', timings: { ...FAST_TIMINGS, audienceModel: SLOW }, variant: { modelTimeoutMinutes: 5 }, timeScale: TIME_SCALE, failing: (ids) => ids.model },
    // The generation job's handler deadline, a timeout just above its 120 s margin leaving it one second.
    { resource: 'job', timings: { ...FAST_TIMINGS, audienceGenerationJob: SLOW }, variant: { timeoutSeconds: { job: 121 } }, timeScale: TIME_SCALE, failing: (ids) => ids.job },
  ];
  for (const { resource, timings, variant, timeScale, failing } of RUNS) {
    const template = templateResources(variant);
    const failingId = failing(pipelineIds(template), template);
    await withRun({ timings }, async (run) => {
      const result = await run.deploy(variant, { timeScale });

      expect({ resource, status: result.status }).toEqual({ resource, status: 'ROLLBACK_COMPLETE' });
      expect(result.failure).toMatchObject({ logicalResourceId: failingId });
      expect(failureLines(result, failingId)).toEqual([expect.stringMatching(new RegExp(`CREATE_FAILED \\| Custom::CleanRoomsML\\w+ \\| ${failingId} \\| .*timed out`, 'i'))]);
      expect(leftovers(run.emulator)).toEqual([]);
    });
  }
});
