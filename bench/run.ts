/**
 * `npm run bench`: what the library costs next to the same pipelines written
 * with aws-cdk-lib's `AwsCustomResource`, measured in one run:
 *
 *   1. synth time and peak memory: one plain `node` process per synth (the
 *      stack code bundled once by esbuild, aws-cdk-lib loaded from
 *      node_modules as a user's compiled app does), N = 1, 10 and 30
 *      pipelines of each kind — the library as a user gets it (the audience
 *      model's 24-hour default timeout: 24 wait resources per pipeline), the
 *      library with a 1-hour model timeout (no wait resources), and the
 *      AwsCustomResource version — and an empty stack; the kinds take turns
 *      going first, medians of up to BENCH_RUNS rounds (5, fewer when the
 *      synth budget runs out), with aws-cdk-lib's validation off and as
 *      `cdk synth` runs an app;
 *   2. the templates: bytes, resources and wait resources per pipeline,
 *      Lambda functions and `Resource: "*"` statements per stack, the
 *      largest N under CloudFormation's 500 resources (checked by
 *      synthesizing N and N + 1);
 *   3. the handler bundles: bytes, and the time to load each in a fresh node;
 *   4. the example stack (one pipeline, default model timeout) deployed and
 *      destroyed on the embedded emulator: Clean Rooms ML API calls per
 *      resource lifecycle against the fewest possible, the audience model's
 *      wait chain on a row of its own, the time from ACTIVE to the
 *      resource's CREATE_COMPLETE in provider time, and the deploy's wall
 *      time.
 *
 * Progress goes to stderr, the tables (Markdown) to stdout; the results are
 * written to bench/results/latest.json and bench/results/latest.svg.
 * Nothing here asserts a timing: the numbers are for reading.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CleanRoomsMlEmulator, DEFAULT_TIMINGS, EmulatorInventory, EmulatorStats, DeploymentEvent, deployStack, destroyStack, StackEvent, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import { build } from 'esbuild';
import { EXAMPLE_STACK_NAME, ONE_HOUR_MODEL_TIMEOUT, PipelineVariant, StackVariant, SYNTH_MODES, SynthMode } from './bench-app';
import { ChartGroup, formatBytes, formatMs, formatRatio, formatSeconds, markdownTable, median, synthChartSvg } from './report';

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const PIPELINE_COUNTS = [1, 10, 30];
/** Pipeline kinds in the order of the tables: the library's default first. */
const PIPELINE_VARIANTS: readonly PipelineVariant[] = ['library', 'library-model-timeout-1h', 'aws-custom-resource'];
const RUNS = positiveInteger('BENCH_RUNS', 5);
/**
 * Rounds of synths stop once another would end past this budget (after at
 * least MIN_RUNS), so that a slow or busy machine still finishes the bench
 * in under five minutes; the tables say how many rounds the medians are of.
 * A round is 20 synths (the empty stack and three kinds at three N, in two
 * modes), 30–45 s on two cores: the medians are of 3 to 5 rounds there,
 * and the whole bench takes 3½–4½ minutes.
 */
const SYNTH_BUDGET_MS = 160_000;
const MIN_RUNS = Math.min(3, RUNS);
const COLD_START_RUNS = 7;
/** Deploys of the example on the emulator; each shifts when resources become ACTIVE by a fraction of the query interval. */
const LIFECYCLE_ROUNDS = 4;
/** The runner's default: 30 s of provider time pass in 0.3 s. */
const TIME_SCALE = 0.01;
const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/** Where the synth child is bundled; it loads the library, aws-cdk-lib and constructs from node_modules. */
const CHILD_DIR = join(ROOT, 'node_modules', '.cache', 'cdk-cleanrooms-ml-bench');
const CHILD_SCRIPT = join(CHILD_DIR, 'synth-child.js');
/** The handler bundles as the installed library ships them. */
const HANDLER_BUNDLES = join(dirname(require.resolve('cdk-cleanrooms-ml/package.json')), 'assets', 'handlers');
/** The type the library gives its wait resources, as every template shows it. */
const WAIT_RESOURCE_TYPE = 'Custom::CleanRoomsMLWait';

interface SynthConfig {
  readonly variant: StackVariant;
  readonly pipelines: number;
}

interface SynthSample {
  readonly wallMs: number;
  readonly maxRssKb: number;
}

interface TemplateFacts {
  readonly bytes: number;
  readonly resources: number;
  readonly lambdaFunctions: number;
  /** `Custom::CleanRoomsMLWait` resources: the chains that wait past CloudFormation's hour. */
  readonly waitResources: number;
  /** IAM policy statements (policies and roles' inline policies) with `"*"` among their resources. */
  readonly wildcardStatements: number;
}

interface SynthResult extends SynthConfig {
  readonly mode: SynthMode;
  readonly samples: SynthSample[];
  readonly medianWallMs: number;
  readonly medianMaxRssKb: number;
  readonly template: TemplateFacts;
}

function main(): Promise<void> {
  return runBenchmark().catch((error) => {
    progress(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  });
}

async function runBenchmark(): Promise<void> {
  if (!existsSync(join(HANDLER_BUNDLES, 'on-event', 'index.js'))) {
    throw new Error(`no handler bundles in ${relative(ROOT, HANDLER_BUNDLES)}: run \`npx projen build:workspaces\` first (\`npm run bench\` does)`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'cdk-cleanrooms-ml-bench-'));
  try {
    await bundleSynthChild();
    const synth = measureSynth(workDir);
    const limits = checkResourceLimits(workDir, synth);
    const handlers = measureHandlerBundles();
    const lifecycle = await measureLifecycles(workDir);
    const environment = describeEnvironment(Math.min(...synth.map((result) => result.samples.length)));

    const results = { environment, synth, limits, handlers, lifecycle };
    const tables = renderTables(results);
    process.stdout.write(`${tables}\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify({ ...results, tables }, undefined, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, 'latest.svg'), synthChartSvg(chartOf(synth, limits)));
    progress(`wrote ${relative(ROOT, join(RESULTS_DIR, 'latest.json'))} and latest.svg`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// 1 and 2: synth
// ---------------------------------------------------------------------------

async function bundleSynthChild(): Promise<void> {
  progress('bundling the synth app with esbuild');
  mkdirSync(CHILD_DIR, { recursive: true });
  await build({
    entryPoints: [join(__dirname, 'synth-child.ts')],
    outfile: CHILD_SCRIPT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // Loaded from node_modules, as by any CDK app.
    external: ['aws-cdk-lib', 'constructs', 'cdk-cleanrooms-ml'],
    logLevel: 'warning',
  });
}

function measureSynth(workDir: string): SynthResult[] {
  const configs: SynthConfig[] = [
    { variant: 'empty', pipelines: 0 },
    ...PIPELINE_COUNTS.flatMap((pipelines) => PIPELINE_VARIANTS.map((variant) => ({ variant, pipelines }))),
  ];
  const results = new Map<string, SynthResult>();
  const key = (config: SynthConfig, mode: SynthMode) => `${config.variant}/${config.pipelines}/${mode}`;

  progress(`synth: ${configs.length} stacks × ${SYNTH_MODES.length} modes × ${RUNS} runs, one node process each`);
  // A first synth of each kind, not counted, fills the file cache.
  for (const variant of PIPELINE_VARIANTS) {
    synthOnce(workDir, { variant, pipelines: 1 }, 'defaults', false);
  }

  const synthStarted = Date.now();
  for (let round = 0; round < RUNS; round++) {
    const roundStarted = Date.now();
    const perRound = round === 0 ? 0 : (roundStarted - synthStarted) / round;
    if (round >= MIN_RUNS && roundStarted - synthStarted + perRound > SYNTH_BUDGET_MS) {
      progress(`  stopping after ${round} rounds: another would pass the synth budget of ${formatMs(SYNTH_BUDGET_MS)}`);
      break;
    }
    for (const mode of SYNTH_MODES) {
      // At each N, the kinds take turns going first.
      const order = [configs[0], ...rotateGroups(configs.slice(1), PIPELINE_VARIANTS.length, round)];
      for (const config of order) {
        const { sample, template } = synthOnce(workDir, config, mode, results.get(key(config, mode)) === undefined);
        const existing = results.get(key(config, mode));
        if (existing) {
          existing.samples.push(sample);
        } else {
          results.set(key(config, mode), { ...config, mode, samples: [sample], medianWallMs: 0, medianMaxRssKb: 0, template: template! });
        }
      }
    }
    progress(`  round ${round + 1}/${RUNS} done in ${formatMs(Date.now() - roundStarted)}`);
  }
  return [...results.values()].map((result) => ({
    ...result,
    medianWallMs: median(result.samples.map((sample) => sample.wallMs)),
    medianMaxRssKb: median(result.samples.map((sample) => sample.maxRssKb)),
  }));
}

/** Each run of `size` items rotated left by `by`: [a, b, c] by 1 is [b, c, a]. */
function rotateGroups<T>(items: readonly T[], size: number, by: number): T[] {
  const rotated: T[] = [];
  for (let start = 0; start < items.length; start += size) {
    const group = items.slice(start, start + size);
    const shift = by % group.length;
    rotated.push(...group.slice(shift), ...group.slice(0, shift));
  }
  return rotated;
}

/** Synthesizes in a child process; reads the template when asked. */
function synthOnce(
  workDir: string,
  config: SynthConfig,
  mode: SynthMode,
  readTemplate: boolean,
  options: { resourceLimitCheck?: boolean; keep?: string } = {},
): { sample: SynthSample; template?: TemplateFacts; stackName: string; error?: string } {
  const outdir = options.keep ?? join(workDir, `cdk.out.${config.variant}.${config.pipelines}.${mode}`);
  rmSync(outdir, { recursive: true, force: true });
  const args = [CHILD_SCRIPT, config.variant, String(config.pipelines), mode, outdir];
  if (!options.resourceLimitCheck) {
    args.push('no-resource-limit');
  }
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) {
    const error = (child.stderr || child.error?.message || `exit ${child.status}`).split('\n').filter((line) => /Error/.test(line)).pop() ?? 'failed';
    if (options.resourceLimitCheck) {
      return { sample: { wallMs, maxRssKb: 0 }, stackName: '', error };
    }
    throw new Error(`synth of ${config.variant} × ${config.pipelines} (${mode}) failed:\n${child.stderr}`);
  }
  const reported = JSON.parse(child.stdout) as { stackName: string; maxRssKb: number };
  const template = readTemplate ? templateFacts(join(outdir, `${reported.stackName}.template.json`)) : undefined;
  if (!options.keep) {
    rmSync(outdir, { recursive: true, force: true });
  }
  return { sample: { wallMs, maxRssKb: reported.maxRssKb }, template, stackName: reported.stackName };
}

function templateFacts(file: string): TemplateFacts {
  const bytes = statSync(file).size;
  const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type: string; Properties?: any }> };
  const resources = Object.values(template.Resources ?? {});
  const statements = resources.flatMap((resource) => {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        return properties.PolicyDocument?.Statement ?? [];
      case 'AWS::IAM::Role':
        return (properties.Policies ?? []).flatMap((policy: any) => policy.PolicyDocument?.Statement ?? []);
      default:
        return [];
    }
  });
  return {
    bytes,
    resources: resources.length,
    lambdaFunctions: resources.filter((resource) => resource.Type === 'AWS::Lambda::Function').length,
    waitResources: resources.filter((resource) => resource.Type === WAIT_RESOURCE_TYPE).length,
    wildcardStatements: statements.filter((statement: any) => ([] as unknown[]).concat(statement.Resource ?? []).includes('*')).length,
  };
}

interface ResourceLimit {
  readonly variant: PipelineVariant;
  /** Marginal resources of one more pipeline: (resources(30) − resources(1)) / 29. */
  readonly resourcesPerPipeline: number;
  /** Of which wait resources. */
  readonly waitResourcesPerPipeline: number;
  readonly bytesPerPipeline: number;
  /** Resources that do not grow with N (buckets, provider or singleton function, CDK metadata). */
  readonly fixedResources: number;
  readonly largestPipelineCount: number;
  /** Synthesizing `largestPipelineCount` passed aws-cdk-lib's 500-resource check and one more failed it. */
  readonly checked: boolean;
}

function checkResourceLimits(workDir: string, synth: SynthResult[]): ResourceLimit[] {
  const first = Math.min(...PIPELINE_COUNTS);
  const last = Math.max(...PIPELINE_COUNTS);
  return PIPELINE_VARIANTS.map((variant) => {
    // Templates as `cdk synth` writes them, the version-reporting resource included.
    const facts = (pipelines: number) => synth.find((result) => result.variant === variant && result.pipelines === pipelines && result.mode === 'defaults')!.template;
    const resourcesPerPipeline = (facts(last).resources - facts(first).resources) / (last - first);
    const waitResourcesPerPipeline = (facts(last).waitResources - facts(first).waitResources) / (last - first);
    const bytesPerPipeline = (facts(last).bytes - facts(first).bytes) / (last - first);
    const fixedResources = facts(first).resources - first * resourcesPerPipeline;
    const largestPipelineCount = Math.floor((CLOUDFORMATION_RESOURCE_LIMIT - fixedResources) / resourcesPerPipeline);
    progress(`resource limit: ${variant} fits ${largestPipelineCount} pipelines; checking ${largestPipelineCount} and ${largestPipelineCount + 1}`);
    const fits = synthOnce(workDir, { variant, pipelines: largestPipelineCount }, 'defaults', false, { resourceLimitCheck: true });
    const tooMany = synthOnce(workDir, { variant, pipelines: largestPipelineCount + 1 }, 'defaults', false, { resourceLimitCheck: true });
    const checked = fits.error === undefined && tooMany.error !== undefined && /Number of resources/.test(tooMany.error);
    return { variant, resourcesPerPipeline, waitResourcesPerPipeline, bytesPerPipeline, fixedResources, largestPipelineCount, checked };
  });
}

// ---------------------------------------------------------------------------
// 3: handler bundles
// ---------------------------------------------------------------------------

interface HandlerBundle {
  readonly entryPoint: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly loadMs: number[];
  readonly medianLoadMs: number;
}

function measureHandlerBundles(): HandlerBundle[] {
  progress(`handler bundles: module load in a fresh node process, ${COLD_START_RUNS} runs each`);
  const entryPoints = readdirSync(HANDLER_BUNDLES).filter((name) => existsSync(join(HANDLER_BUNDLES, name, 'index.js'))).sort();
  const load = (file: string) => {
    const child = spawnSync(process.execPath, ['-e', LOAD_TIMER, file], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`loading ${file} failed:\n${child.stderr}`);
    return Number(child.stdout);
  };
  return entryPoints.map((entryPoint) => {
    const file = join(HANDLER_BUNDLES, entryPoint, 'index.js');
    const code = readFileSync(file);
    load(file);
    const loadMs = Array.from({ length: COLD_START_RUNS }, () => load(file));
    return { entryPoint, bytes: code.length, gzipBytes: gzipSync(code).length, loadMs, medianLoadMs: median(loadMs) };
  });
}

/** What a Lambda cold start does with the code: require it (the handler is not called). */
const LOAD_TIMER = 'const t = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';

// ---------------------------------------------------------------------------
// 4: lifecycles on the emulator
// ---------------------------------------------------------------------------

/**
 * The resources of a pipeline, the API operations of each, and the fewest
 * calls of each operation a create and a delete can take: one call that
 * starts the work and, for asynchronous resources, one read that finds it
 * done (ACTIVE, or gone).
 */
const RESOURCE_KINDS: ReadonlyArray<{ readonly kind: string; readonly operations: RegExp; readonly minimum: Readonly<Record<string, number>> }> = [
  // CloudFormation's own type: its calls are the runner's, standing in for CloudFormation.
  { kind: 'training dataset', operations: /TrainingDataset/, minimum: { CreateTrainingDataset: 1, DeleteTrainingDataset: 1 } },
  {
    kind: 'configured audience model + policy',
    operations: /ConfiguredAudienceModel/,
    minimum: { CreateConfiguredAudienceModel: 1, PutConfiguredAudienceModelPolicy: 1, DeleteConfiguredAudienceModel: 1 },
  },
  { kind: 'audience model', operations: /AudienceModel/, minimum: { CreateAudienceModel: 1, GetAudienceModel: 2, DeleteAudienceModel: 1 } },
  {
    kind: 'audience generation job',
    operations: /AudienceGenerationJob/,
    minimum: { StartAudienceGenerationJob: 1, GetAudienceGenerationJob: 2, DeleteAudienceGenerationJob: 1 },
  },
  // No Get or Delete operation exists for export jobs.
  { kind: 'audience export job', operations: /AudienceExportJob/, minimum: { StartAudienceExportJob: 1, ListAudienceExportJobs: 1 } },
  { kind: 'tags (sent with the creates)', operations: /Tag/, minimum: {} },
];

/** Resource types whose CREATE_COMPLETE waits for an ACTIVE status, and where the emulator's inventory keeps them. */
const WAITED_TYPES = [
  { resourceType: 'Custom::CleanRoomsMLAudienceModel', kind: 'audience model', inventory: (i: EmulatorInventory) => i.audienceModels },
  { resourceType: 'Custom::CleanRoomsMLAudienceGenerationJob', kind: 'audience generation job', inventory: (i: EmulatorInventory) => i.audienceGenerationJobs },
  { resourceType: 'Custom::CleanRoomsMLAudienceExportJob', kind: 'audience export job', inventory: (i: EmulatorInventory) => i.audienceExportJobs },
] as const;

const AUDIENCE_MODEL_TYPE = WAITED_TYPES[0].resourceType;

interface ApiCalls {
  readonly kind: string;
  /** Calls of the deploy (create → ACTIVE) and of the destroy (delete → gone). */
  readonly create: number;
  readonly delete: number;
  readonly minimum: number;
  readonly minimumOperations: Readonly<Record<string, number>>;
  readonly createOperations: Record<string, number>;
  readonly deleteOperations: Record<string, number>;
  /** Calls beyond the minimum, by operation. */
  readonly extraOperations: Record<string, number>;
}

interface Overshoot {
  readonly kind: string;
  /** Provider time from ACTIVE to CREATE_COMPLETE, one per deploy. */
  readonly providerMs: number[];
  readonly medianProviderMs: number;
  readonly maxProviderMs: number;
  /** What bounds the time. */
  readonly bound: string;
}

interface LifecycleResults {
  readonly timeScale: number;
  readonly queryIntervalSeconds: number;
  readonly rounds: number;
  /** `Custom::CleanRoomsMLWait` resources after the example's audience model. */
  readonly modelWaitLinks: number;
  readonly apiCalls: ApiCalls[];
  readonly overshoot: Overshoot[];
  /** The first round's (the emulator's default timings). */
  readonly deployMs: number;
  readonly destroyMs: number;
  readonly deployResources: number;
}

/** The emulator's call counts when a stack operation reached the wait chain and when it left it. */
interface ChainWindow {
  start?: EmulatorStats;
  end?: EmulatorStats;
}

/** How often the stack's Provider asks isComplete: its waiter state machine's retry interval. */
function queryIntervalSecondsOf(templateFile: string): number {
  const intervals = new Set(readFileSync(templateFile, 'utf8').match(/IntervalSeconds\\?":\s*(\d+)/g)?.map((match) => Number(/(\d+)$/.exec(match)![1])));
  if (intervals.size !== 1) throw new Error(`expected one waiter retry interval in ${templateFile}, found ${[...intervals].join(', ') || 'none'}`);
  return [...intervals][0];
}

async function measureLifecycles(workDir: string): Promise<LifecycleResults> {
  const assembly = join(workDir, 'example.out');
  synthOnce(workDir, { variant: 'example', pipelines: 1 }, 'defaults', false, { resourceLimitCheck: true, keep: assembly });
  const chainIds = modelWaitLinksOf(join(assembly, `${EXAMPLE_STACK_NAME}.template.json`));
  const intervalMs = queryIntervalSecondsOf(join(assembly, `${EXAMPLE_STACK_NAME}.template.json`)) * 1000;
  const intervalRealMs = intervalMs * TIME_SCALE;
  const chainKind = `audience model through its wait chain (${chainIds.size} links)`;
  const samples = new Map<string, number[]>([...WAITED_TYPES.map((type): [string, number[]] => [type.kind, []]), [chainKind, []]]);
  let first: {
    deploy: StackOperationResult;
    destroy: StackOperationResult;
    afterDeploy: EmulatorStats;
    afterDestroy: EmulatorStats;
    chainCreate: Record<string, number>;
    chainDelete: Record<string, number>;
  } | undefined;

  for (let round = 0; round < LIFECYCLE_ROUNDS; round++) {
    // Each round moves every ACTIVE moment by another fraction of the query interval, so the
    // overshoot samples the whole interval rather than one phase of the waiter's schedule.
    const shiftMs = (round * intervalRealMs) / LIFECYCLE_ROUNDS;
    const emulator = await CleanRoomsMlEmulator.start({
      accountId: '123456789012',
      region: 'us-east-1',
      timings: {
        audienceModel: { createInProgressMs: DEFAULT_TIMINGS.audienceModel.createInProgressMs + shiftMs },
        audienceGenerationJob: { createInProgressMs: DEFAULT_TIMINGS.audienceGenerationJob.createInProgressMs + shiftMs },
        audienceExportJob: { createInProgressMs: DEFAULT_TIMINGS.audienceExportJob.createInProgressMs + shiftMs },
      },
    });
    try {
      const events: DeploymentEvent[] = [];
      // The links run one after the other, after the model's resource and before anything that
      // uses the model, so the calls between the first link's start and the last link's end are
      // the chain's (the stack events and the counts are both taken synchronously).
      const chainWindows: Record<'deploy' | 'destroy', ChainWindow> = { deploy: {}, destroy: {} };
      let operation: 'deploy' | 'destroy' = 'deploy';
      const common = {
        stateFile: join(workDir, `lifecycle-${round}`, 'state.json'),
        endpoint: emulator.endpoint,
        timeScale: TIME_SCALE,
        // A progress event on every poll: the moments the waiter goes to sleep.
        progressIntervalMs: 0,
        onEvent: (event: DeploymentEvent) => {
          events.push(event);
          if (event.kind === 'event' && chainIds.has(event.logicalResourceId)) {
            const window = chainWindows[operation];
            if (event.resourceStatus.endsWith('_IN_PROGRESS')) {
              window.start ??= emulator.stats();
            } else if (event.resourceStatus.endsWith('_COMPLETE')) {
              window.end = emulator.stats();
            }
          }
        },
        onFunctionLog: () => undefined,
      };
      const deploy = await deployStack({ ...common, assembly, stackName: EXAMPLE_STACK_NAME });
      expectSuccess(deploy);
      const inventory = emulator.inventory();
      const afterDeploy = emulator.stats();
      operation = 'destroy';
      const destroy = await destroyStack({ ...common, stackName: EXAMPLE_STACK_NAME });
      expectSuccess(destroy);
      const afterDestroy = emulator.stats();
      const chainCreate = callsWithin(chainWindows.deploy);
      const chainDelete = callsWithin(chainWindows.destroy);
      first ??= { deploy, destroy, afterDeploy, afterDestroy, chainCreate, chainDelete };

      for (const type of WAITED_TYPES) {
        const resources = type.inventory(inventory);
        if (resources.length !== 1 || resources[0].status !== 'ACTIVE') {
          throw new Error(`expected one ACTIVE ${type.kind} after the deploy, found ${resources.map((r) => r.status).join(', ') || 'none'}`);
        }
        const complete = completionOf(events, (event) => event.resourceType === type.resourceType);
        const activeAt = Date.parse(resources[0].updateTime);
        samples.get(type.kind)!.push(providerOvershootMs(events, complete, new Set([complete.logicalResourceId]), activeAt, intervalRealMs));
        if (type.resourceType === AUDIENCE_MODEL_TYPE && chainIds.size > 0) {
          // The configured model waits for the last link: the model is usable from there.
          const lastLink = completionOf(events, (event) => chainIds.has(event.logicalResourceId), 'last');
          const waited = new Set([complete.logicalResourceId, ...chainIds]);
          samples.get(chainKind)!.push(providerOvershootMs(events, lastLink, waited, activeAt, intervalRealMs));
        }
      }
      progress(`lifecycle round ${round + 1}/${LIFECYCLE_ROUNDS}: deploy ${formatMs(deploy.elapsedMs)}, destroy ${formatMs(destroy.elapsedMs)}`);
    } finally {
      await emulator.stop();
    }
  }

  const { deploy, destroy, afterDeploy, afterDestroy, chainCreate, chainDelete } = first!;
  const modelOperations = RESOURCE_KINDS.find((kind) => kind.kind === 'audience model')!.operations;
  const foreign = Object.keys({ ...chainCreate, ...chainDelete }).filter((operation) => owningKind(operation)?.operations !== modelOperations);
  if (foreign.length > 0) {
    throw new Error(`calls during the audience model's wait chain that are not the model's: ${foreign.join(', ')}`);
  }
  // What remains after the chain's calls are taken out is the resources' own.
  const ownCreateCalls = subtractCalls(afterDeploy.calls, chainCreate);
  const ownCalls = subtractCalls(subtractCalls(afterDestroy.calls, chainCreate), chainDelete);
  const apiCalls = RESOURCE_KINDS.flatMap((kind) => {
    const createOperations = callsOf(ownCreateCalls, kind.operations);
    const row = apiCallsRow(kind.kind, createOperations, subtractCalls(callsOf(ownCalls, kind.operations), createOperations), kind.minimum);
    if (kind.operations !== modelOperations || chainIds.size === 0) {
      return [row];
    }
    // A link finds the model ACTIVE in one read at best; its delete has nothing to do.
    return [row, apiCallsRow(`audience model wait chain (${chainIds.size} links)`, chainCreate, chainDelete, { GetAudienceModel: chainIds.size })];
  });
  const unclassified = Object.keys(afterDestroy.calls).filter((operation) => owningKind(operation) === undefined);
  if (unclassified.length > 0) {
    throw new Error(`operations the bench does not classify: ${unclassified.join(', ')}`);
  }
  return {
    timeScale: TIME_SCALE,
    queryIntervalSeconds: intervalMs / 1000,
    rounds: LIFECYCLE_ROUNDS,
    modelWaitLinks: chainIds.size,
    apiCalls,
    overshoot: [...samples.entries()].filter(([, providerMs]) => providerMs.length > 0).map(([kind, providerMs]) => ({
      kind,
      providerMs,
      medianProviderMs: median(providerMs),
      maxProviderMs: Math.max(...providerMs),
      bound: kind === chainKind ? `${intervalMs / 1000} s + the links' run` : `${intervalMs / 1000} s`,
    })),
    deployMs: deploy.elapsedMs,
    destroyMs: destroy.elapsedMs,
    deployResources: deploy.resources.length,
  };
}

/** Logical ids of the wait resources that continue an audience model's wait. */
function modelWaitLinksOf(templateFile: string): Set<string> {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources: Record<string, { Type: string; Properties?: { ResourceKind?: string } }> };
  return new Set(Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === WAIT_RESOURCE_TYPE && resource.Properties?.ResourceKind === 'audience-model')
    .map(([logicalId]) => logicalId));
}

function apiCallsRow(
  kind: string,
  createOperations: Record<string, number>,
  deleteOperations: Record<string, number>,
  minimum: Readonly<Record<string, number>>,
): ApiCalls {
  const extraOperations: Record<string, number> = {};
  for (const [operation, count] of Object.entries(addCalls(createOperations, deleteOperations))) {
    const extra = count - (minimum[operation] ?? 0);
    if (extra > 0) extraOperations[operation] = extra;
  }
  return {
    kind,
    create: sum(createOperations),
    delete: sum(deleteOperations),
    minimum: sum(minimum),
    minimumOperations: minimum,
    createOperations,
    deleteOperations,
    extraOperations,
  };
}

function callsWithin(window: ChainWindow): Record<string, number> {
  return window.start && window.end ? subtractCalls(window.end.calls, window.start.calls) : {};
}

/** The counts of `calls` less those of `less`, without the operations left at zero. */
function subtractCalls(calls: Readonly<Record<string, number>>, less: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls)
    .map(([operation, count]): [string, number] => [operation, count - (less[operation] ?? 0)])
    .filter(([, count]) => count > 0));
}

function addCalls(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = { ...a };
  for (const [operation, count] of Object.entries(b)) {
    total[operation] = (total[operation] ?? 0) + count;
  }
  return total;
}

/** The first (or last) CREATE_COMPLETE stack event of the resources `of` selects. */
function completionOf(events: readonly DeploymentEvent[], of: (event: StackEvent) => boolean, which: 'first' | 'last' = 'first'): StackEvent {
  const completions = events.filter((event): event is StackEvent => event.kind === 'event' && event.resourceStatus === 'CREATE_COMPLETE' && of(event));
  const complete = which === 'first' ? completions[0] : completions[completions.length - 1];
  if (!complete) {
    throw new Error('a CREATE_COMPLETE event the bench waits for is missing');
  }
  return complete;
}

/**
 * The time from the emulator's ACTIVE to `complete`, in provider time: the
 * waiters' sleeps after ACTIVE (those of the `waited` resources) count
 * unscaled (÷ timeScale), the functions' own run time as it is — as it would
 * on AWS, where the framework sleeps queryInterval between isComplete calls.
 */
function providerOvershootMs(
  events: readonly DeploymentEvent[],
  complete: StackEvent,
  waited: ReadonlySet<string>,
  activeAt: number,
  intervalRealMs: number,
): number {
  const completeAt = Date.parse(complete.timestamp);
  // Every progress event is a poll that found the resource not yet done, followed by one sleep.
  const sleptAfterActive = events
    .filter((event) => event.kind === 'progress' && waited.has(event.logicalResourceId) && Date.parse(event.timestamp) <= completeAt)
    .map((poll) => Date.parse(poll.timestamp))
    .reduce((slept, sleepStart) => {
      const sleptHere = Math.min(sleepStart + intervalRealMs, completeAt) - Math.max(activeAt, sleepStart);
      return slept + clamp(sleptHere, 0, intervalRealMs);
    }, 0);
  return completeAt - activeAt - sleptAfterActive + sleptAfterActive / TIME_SCALE;
}

function callsOf(calls: Readonly<Record<string, number>>, operations: RegExp): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([operation]) => owningKind(operation)?.operations === operations).sort());
}

/** Configured models' operations also match /AudienceModel/: the first kind that matches owns an operation. */
function owningKind(operation: string): (typeof RESOURCE_KINDS)[number] | undefined {
  return RESOURCE_KINDS.find((kind) => kind.operations.test(operation));
}

function expectSuccess(result: StackOperationResult): void {
  if (!result.success) {
    throw new Error(`${result.operation} ended in ${result.status}: ${result.failure ? `${result.failure.logicalResourceId}: ${result.failure.reason}` : ''}`);
  }
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

interface Environment {
  readonly date: string;
  readonly node: string;
  readonly cpus: string;
  readonly awsCdkLib: string;
  readonly runs: number;
  readonly benchMs: number;
}

function describeEnvironment(runs: number): Environment {
  const cores = cpus();
  const awsCdkLib = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version as string;
  return {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cpus: `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}`,
    awsCdkLib,
    runs,
    // Since the process started: TypeScript start-up included, the handler bundling before it not.
    benchMs: Math.round(process.uptime() * 1000),
  };
}

interface Results {
  readonly environment: Environment;
  readonly synth: SynthResult[];
  readonly limits: ResourceLimit[];
  readonly handlers: HandlerBundle[];
  readonly lifecycle: LifecycleResults;
}

const LIBRARY = 'cdk-cleanrooms-ml';
const AWS_CUSTOM_RESOURCE = 'AwsCustomResource';
/** AudienceModel's default timeout (the service's documented worst case), which the `library` variant keeps. */
const DEFAULT_MODEL_TIMEOUT = '24 h';

/** What the tables call each kind of pipeline; the default's wait resources as the templates count them. */
function variantNames(limits: readonly ResourceLimit[]): Record<PipelineVariant, string> {
  const waits = limits.find((limit) => limit.variant === 'library')!.waitResourcesPerPipeline;
  const oneHourWaits = limits.find((limit) => limit.variant === 'library-model-timeout-1h')!.waitResourcesPerPipeline;
  if (oneHourWaits !== 0) {
    throw new Error(`a ${ONE_HOUR_MODEL_TIMEOUT.toHumanString()} model timeout should need no wait resource, got ${oneHourWaits} per pipeline`);
  }
  return {
    'library': `default (model timeout ${DEFAULT_MODEL_TIMEOUT}: ${fixedNumber(waits)} wait resources)`,
    'library-model-timeout-1h': 'model timeout 1 h (no waits)',
    'aws-custom-resource': AWS_CUSTOM_RESOURCE,
  };
}

function renderTables(results: Results): string {
  const { environment, synth, limits, handlers, lifecycle } = results;
  const find = (variant: StackVariant, pipelines: number, mode: SynthMode) =>
    synth.find((result) => result.variant === variant && result.pipelines === pipelines && result.mode === mode)!;
  const limitOf = (variant: PipelineVariant) => limits.find((limit) => limit.variant === variant)!;
  const overLimit = (variant: PipelineVariant, pipelines: number) => pipelines > limitOf(variant).largestPipelineCount;
  const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
  const names = variantNames(limits);

  const SYNTH_TITLES: Record<SynthMode, string> = {
    'validation-off': 'synth, validation off',
    'defaults': 'synth, defaults (as `cdk synth`)',
  };
  const synthTables = SYNTH_MODES.map((mode) => {
    const floor = find('empty', 0, mode);
    const row = (label: string, result: SynthResult, other?: SynthResult) => [
      label,
      formatMs(result.medianWallMs),
      formatRatio(result.medianWallMs, floor.medianWallMs),
      other ? formatRatio(result.medianWallMs, other.medianWallMs) : '',
      mb(result.medianMaxRssKb),
      formatRatio(result.medianMaxRssKb, floor.medianMaxRssKb),
      other ? formatRatio(result.medianMaxRssKb, other.medianMaxRssKb) : '',
    ];
    const rows = [row('empty stack (floor)', floor)];
    for (const pipelines of PIPELINE_COUNTS) {
      const custom = find('aws-custom-resource', pipelines, mode);
      for (const variant of PIPELINE_VARIANTS) {
        const label = `${names[variant]}, N = ${pipelines}${overLimit(variant, pipelines) ? ' ¹' : ''}`;
        rows.push(variant === 'aws-custom-resource' ? row(label, custom) : row(label, find(variant, pipelines, mode), custom));
      }
    }
    return markdownTable(
      [SYNTH_TITLES[mode], 'time', '× floor', '× ACR', 'peak RSS', '× floor', '× ACR'],
      rows,
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    );
  });

  const lastN = Math.max(...PIPELINE_COUNTS);
  const perVariant = (cell: (variant: PipelineVariant) => string) => PIPELINE_VARIANTS.map(cell);
  const templateRows = [
    ['template bytes per pipeline', ...perVariant((variant) => formatBytes(limitOf(variant).bytesPerPipeline))],
    ['CloudFormation resources per pipeline', ...perVariant((variant) => fixedNumber(limitOf(variant).resourcesPerPipeline))],
    [`of which wait resources (\`${WAIT_RESOURCE_TYPE}\`)`, ...perVariant((variant) => fixedNumber(limitOf(variant).waitResourcesPerPipeline))],
    ['resources per stack besides the pipelines', ...perVariant((variant) => fixedNumber(limitOf(variant).fixedResources))],
    ...[1, lastN].map((pipelines) => [
      `Lambda functions per stack, N = ${pipelines}`,
      ...perVariant((variant) => String(find(variant, pipelines, 'defaults').template.lambdaFunctions)),
    ]),
    ...[1, lastN].map((pipelines) => [
      `IAM statements with \`Resource: "*"\`, N = ${pipelines}`,
      ...perVariant((variant) => String(find(variant, pipelines, 'defaults').template.wildcardStatements)),
    ]),
    [
      `largest N within ${CLOUDFORMATION_RESOURCE_LIMIT} resources`,
      ...perVariant((variant) => `${limitOf(variant).largestPipelineCount}${limitOf(variant).checked ? '' : ' (unchecked)'}`),
    ],
  ];
  const templateTable = markdownTable(['template', ...perVariant((variant) => names[variant])], templateRows, ['left', 'right', 'right', 'right']);

  const handlerTable = markdownTable(
    ['handler bundle', 'bytes', 'gzip', 'cold start (module load)'],
    handlers.map((handler) => [handler.entryPoint, formatBytes(handler.bytes), formatBytes(handler.gzipBytes), formatMs(handler.medianLoadMs)]),
    ['left', 'right', 'right', 'right'],
  );

  const apiTable = markdownTable(
    ['API calls per lifecycle', 'create → ACTIVE', 'delete → gone', 'total', 'minimum', 'beyond the minimum'],
    lifecycle.apiCalls.map((calls) => [
      calls.kind,
      String(calls.create),
      String(calls.delete),
      String(calls.create + calls.delete),
      String(calls.minimum),
      Object.entries(calls.extraOperations).map(([operation, count]) => `${operation} +${count}`).join(', ') || '–',
    ]),
    ['left', 'right', 'right', 'right', 'right', 'left'],
  );

  const overshootTable = markdownTable(
    ['ACTIVE → CREATE_COMPLETE (provider time)', 'median', 'max', 'bound', 'samples'],
    lifecycle.overshoot.map((overshoot) => [
      overshoot.kind,
      formatSeconds(overshoot.medianProviderMs),
      formatSeconds(overshoot.maxProviderMs),
      overshoot.bound,
      overshoot.providerMs.map((ms) => (ms / 1000).toFixed(1)).join(', '),
    ]),
    ['left', 'right', 'right', 'right', 'left'],
  );

  const library = limitOf('library');
  const oneHour = limitOf('library-model-timeout-1h');
  const custom = limitOf('aws-custom-resource');
  const defaultAtLastN = find('library', lastN, 'defaults').template.resources;
  const overLimitRuns = PIPELINE_VARIANTS.flatMap((variant) => PIPELINE_COUNTS.filter((pipelines) => overLimit(variant, pipelines))
    .map((pipelines) => `${names[variant]} at N = ${pipelines} (${find(variant, pipelines, 'defaults').template.resources.toLocaleString('en-US')} resources)`));
  const chainCalls = lifecycle.apiCalls.find((calls) => calls.kind.startsWith('audience model wait chain'));
  const chainOvershoot = lifecycle.overshoot.find((overshoot) => overshoot.kind.startsWith('audience model through its wait chain'));

  const lines = [
    `cdk-cleanrooms-ml benchmark, ${environment.date}: Node.js ${environment.node}, ${environment.cpus}, aws-cdk-lib ${environment.awsCdkLib}; medians of ${environment.runs} runs`,
    '',
    `${LIBRARY} in two configurations: ${names.library}, as a user gets it, and model timeout 1 h (no waits — like the AwsCustomResource version, which cannot wait at all).`,
    '',
    synthTables[0],
    '',
    synthTables[1],
    '',
    templateTable,
    '',
    handlerTable,
    '',
    apiTable,
    '',
    overshootTable,
    '',
    `Local deploy of the example stack (one pipeline, default model timeout: ${lifecycle.deployResources} resources) on the embedded emulator: `
      + `${formatMs(lifecycle.deployMs)}; destroy: ${formatMs(lifecycle.destroyMs)} (timeScale ${lifecycle.timeScale}).`,
    '',
    'Notes:',
    '- synth: wall time of one `node` process (start, load aws-cdk-lib, build the stack, synthesize, write cdk.out) and its peak RSS, medians; '
      + '"validation off" = `app.synth({ skipValidation: true })`, "defaults" = validation on plus the context `cdk synth` passes an app '
      + '(path and asset metadata, version reporting). × floor = over the empty stack; × ACR = the library over the same N written with AwsCustomResource.',
    `- rounds: each round synthesizes every kind at N = ${PIPELINE_COUNTS.join(', ')} and the empty stack in both modes (${1 + PIPELINE_COUNTS.length * PIPELINE_VARIANTS.length} stacks × 2), `
      + `the kinds taking turns going first at each N; rounds stop once another would pass ${SYNTH_BUDGET_MS / 1000} s of synthesis (after at least ${MIN_RUNS}), `
      + `so that \`npm run bench\` stays under five minutes on two cores: here ${environment.runs} of up to ${RUNS}.`,
    '- the two modes differ only by noise: aws-cdk-lib 2.180 validates no template at synth time (`skipValidation` skips only the constructs\' own checks), so no switch removes a fixed cost.',
    `- the default configuration: AudienceModel waits up to ${DEFAULT_MODEL_TIMEOUT} (the service's documented worst case for a training) within one \`cdk deploy\`: `
      + `its own resource waits the first 58 minutes, then ${fixedNumber(library.waitResourcesPerPipeline)} \`${WAIT_RESOURCE_TYPE}\` resources one 58-minute window each, `
      + 'each depending on the one before, and what uses the model is created once it is ACTIVE. The AwsCustomResource version cannot wait even one hour '
      + '(it cannot wait at all), and with a 1-hour model timeout a training that takes longer fails the deployment. '
      + `The cost: ${fixedNumber(library.resourcesPerPipeline)} resources per pipeline instead of ${fixedNumber(oneHour.resourcesPerPipeline)}, `
      + `${formatBytes(library.bytesPerPipeline)} of template instead of ${formatBytes(oneHour.bytesPerPipeline)}, so at most ${library.largestPipelineCount} pipelines `
      + `fit CloudFormation's ${CLOUDFORMATION_RESOURCE_LIMIT} resources per stack (${oneHour.largestPipelineCount} with a 1-hour timeout, ${custom.largestPipelineCount} by hand); `
      + `N = ${lastN} (${defaultAtLastN.toLocaleString('en-US')} resources) needs several stacks or a shorter timeout. No permission or Lambda function is added: `
      + 'the links run on the stack\'s one Provider and read the model with the GetAudienceModel its resource already may call.',
    `- ¹ more than ${CLOUDFORMATION_RESOURCE_LIMIT} resources: CloudFormation refuses the stack; synthesized with aws-cdk-lib's resource-limit check off, for the timing only`
      + `${overLimitRuns.length > 0 ? ` (${overLimitRuns.join('; ')})` : ''}.`,
    '- AwsCustomResource equivalent (bench/aws-custom-resource-pipeline.ts): one API call per create or delete and no waiting. It cannot wait for the audience model '
      + 'or the generation job to become ACTIVE, so it does not deploy as written (the configured model needs an ACTIVE model); it stands for the cost of the hand-written approach.',
    `- per pipeline: (N = ${lastN} − N = 1) / ${lastN - 1}, templates as \`cdk synth\` writes them; "largest N" is checked by synthesizing N (passes) and N + 1 (aws-cdk-lib refuses it).`,
    '- `Resource: "*"`: the library\'s are its List actions (they have no resource-level permissions) and aws-cdk-lib\'s log delivery statement of the Provider\'s waiter; '
      + 'the AwsCustomResource equivalent\'s are each call\'s create and delete actions (the ARNs are assigned at creation).',
    '- API calls: one deploy and destroy of the example stack on the emulator. Beyond the minimum, the Gets and Lists of the audience model, generation job and export job are '
      + `status polls, one per ${lifecycle.queryIntervalSeconds} s query interval while Clean Rooms ML works (here ${formatSeconds((DEFAULT_TIMINGS.audienceModel.createPendingMs + DEFAULT_TIMINGS.audienceModel.createInProgressMs) / TIME_SCALE)} `
      + 'of training in provider time); the configured model is read back with its policy for its attributes, and its delete confirmed; the training dataset is '
      + 'CloudFormation\'s own type, its calls made by the runner standing in for CloudFormation.',
    ...(chainCalls
      ? ['- the wait chain\'s calls are those made between its first link\'s start and its last link\'s end '
        + '(the links run alone, after the model\'s resource and before what uses the model). '
        + `Its minimum is one GetAudienceModel per link, which finds the model ACTIVE; here it made ${chainCalls.create + chainCalls.delete} `
        + '(the model finished training inside its own resource\'s first window), and deleting a link calls nothing. A training longer than the first window is polled '
        + `once per ${lifecycle.queryIntervalSeconds} s by whichever link is waiting, as by the model's own resource: the links add about one read each, not a second poll.`]
      : []),
    `- ACTIVE → CREATE_COMPLETE: ${lifecycle.rounds} deploys, each moving the ACTIVE moment by 1/${lifecycle.rounds} of the query interval; the waiter's sleeps count in provider time `
      + `(÷ timeScale ${lifecycle.timeScale}), the functions' run time as measured. The waiter polls every ${lifecycle.queryIntervalSeconds} s, so the wait is at most one interval.`,
    ...(chainOvershoot
      ? [`- "${chainOvershoot.kind}": from ACTIVE to the last link's CREATE_COMPLETE, when the configured model can start: the model's resource's overshoot plus the links, `
        + 'which do not sleep once the model is ACTIVE, run one after the other. On AWS each link also costs CloudFormation\'s and the Provider framework\'s own overhead, '
        + 'which the local runner does not reproduce.']
      : []),
  ];
  return lines.join('\n');
}

function chartOf(synth: SynthResult[], limits: readonly ResourceLimit[]): Parameters<typeof synthChartSvg>[0] {
  const find = (variant: StackVariant, pipelines: number) =>
    synth.find((result) => result.variant === variant && result.pipelines === pipelines && result.mode === 'defaults')!;
  const names = variantNames(limits);
  const groups: ChartGroup[] = PIPELINE_COUNTS.map((pipelines) => ({
    label: `N = ${pipelines}`,
    bars: PIPELINE_VARIANTS.map((variant) => ({
      ms: find(variant, pipelines).medianWallMs,
      footnoted: find(variant, pipelines).template.resources > CLOUDFORMATION_RESOURCE_LIMIT,
    })),
  }));
  return {
    title: 'Synth of N lookalike pipelines as `cdk synth` runs it (median wall time)',
    series: PIPELINE_VARIANTS.map((variant) => (variant === 'aws-custom-resource' ? names[variant] : `${LIBRARY}, ${names[variant]}`)),
    floorMs: find('empty', 0).medianWallMs,
    groups,
    footnote: `over ${CLOUDFORMATION_RESOURCE_LIMIT} resources: CloudFormation refuses the stack (synthesized for the timing only)`,
  };
}

function fixedNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(Number.isInteger(value) && value > 0)) {
    throw new Error(`${name} must be a positive whole number, got ${process.env[name]}`);
  }
  return value;
}

/** Progress on stderr, stamped with the time since the process started (TypeScript start-up included). */
function progress(line: string): void {
  process.stderr.write(`[bench ${process.uptime().toFixed(1).padStart(5)} s] ${line}\n`);
}

void main();
