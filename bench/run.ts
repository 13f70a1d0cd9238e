/**
 * `npm run bench`: what the library costs next to the same pipelines written
 * with aws-cdk-lib's `AwsCustomResource`, measured in one run:
 *
 *   1. synth time and peak memory: one plain `node` process per synth (the
 *      stack code bundled once by esbuild, aws-cdk-lib loaded from
 *      node_modules as a user's compiled app does), N = 1, 10 and 30
 *      pipelines of each kind — the library as a user gets it (the audience
 *      model's 24-hour default timeout: 2 wait conditions signalled by the
 *      stack's training poller, then 1 ready resource, per pipeline), the
 *      library with a 1-hour model timeout (nothing after the model's own
 *      resource) and with a 72-hour one (6 wait conditions), and the
 *      AwsCustomResource version — and an empty stack; the kinds take turns
 *      going first, medians of up to BENCH_RUNS rounds (8, fewer when the
 *      synth budget runs out), with aws-cdk-lib's validation off and as
 *      `cdk synth` runs an app; the ratios' spread from round to round (the
 *      middle half of each round's ratio of the two kinds, run one after
 *      the other);
 *   2. the templates: bytes, resources, wait conditions and wait resources per pipeline,
 *      Lambda functions and `Resource: "*"` statements per stack, the
 *      largest N under CloudFormation's 500 resources (checked by
 *      synthesizing N and N + 1);
 *   3. the handler bundles: bytes, and the time to load each in a fresh node;
 *   4. the example stack (one pipeline, default model timeout) deployed and
 *      destroyed on the embedded emulator: Clean Rooms ML API calls per
 *      resource lifecycle against the fewest possible, the audience model's
 *      long wait (its wait conditions and ready resource) on a row of its
 *      own, the time from ACTIVE to the resource's CREATE_COMPLETE in
 *      provider time, and the deploy's wall time;
 *   5. after the model is ACTIVE: the custom-resource round trips and the
 *      provider time until what uses the model starts, for the example's
 *      deploys above and for deploys whose training lasts 3 (scaled) hours,
 *      so that the model becomes ACTIVE while a wait condition waits.
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
import { COMPLETION_INTERVAL_SECONDS } from 'cdk-cleanrooms-ml/lib/contracts/provider';
import { HANDOVER_CHECK_SECONDS } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { CleanRoomsMlEmulator, DEFAULT_TIMINGS, EmulatorInventory, EmulatorStats, DeploymentEvent, deployStack, destroyStack, StackEvent, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import { build } from 'esbuild';
import { EXAMPLE_STACK_NAME, ONE_HOUR_MODEL_TIMEOUT, PipelineVariant, SEVENTY_TWO_HOUR_MODEL_TIMEOUT, StackVariant, SYNTH_MODES, SynthMode } from './bench-app';
import { ChartGroup, formatBytes, formatMs, formatRatio, formatSeconds, markdownTable, median, middleHalf, synthChartSvg } from './report';

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const PIPELINE_COUNTS = [1, 10, 30];
/** Pipeline kinds in the order of the tables: the library's default first. */
const PIPELINE_VARIANTS: readonly PipelineVariant[] = ['library', 'library-model-timeout-1h', 'library-model-timeout-72h', 'aws-custom-resource'];
/**
 * Rounds of synths. Eight, a multiple of the four kinds, so that at each N
 * every kind goes first equally often; and enough that a ratio of medians
 * near its target is read from the machine, not from one slow process: one
 * synth's wall time varies by ±10 % on two shared cores (a slower process
 * every few, from the scheduler), which medians of five rounds turned into
 * ±0.05× on the ratios at N = 1 (1.06× to 1.12× over three runs of the same
 * code), medians of eight into about half that.
 */
const RUNS = positiveInteger('BENCH_RUNS', 8);
/**
 * Rounds of synths stop once another would end past this budget (after at
 * least MIN_RUNS), so that a slow or busy machine still finishes the bench
 * in under eight minutes; the tables say how many rounds the medians are of.
 * A round is 26 synths (the empty stack and four kinds at three N, in two
 * modes), 28–35 s on two cores: eight rounds and the rest of the bench take
 * about 6 minutes.
 */
const SYNTH_BUDGET_MS = 320_000;
const MIN_RUNS = Math.min(4, RUNS);
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
/** The type the library gives its wait resources (the ready resource after a long wait), as every template shows it. */
const WAIT_RESOURCE_TYPE = 'Custom::CleanRoomsMLWait';
/** The resources a long wait waits in, signalled by the stack's training poller. */
const WAIT_CONDITION_TYPE = 'AWS::CloudFormation::WaitCondition';

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
  /** `AWS::CloudFormation::WaitCondition` resources: where a long wait waits past CloudFormation's hour. */
  readonly waitConditions: number;
  /** `Custom::CleanRoomsMLWait` resources: the ready resource that reads the ACTIVE model after the wait conditions. */
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
    waitConditions: resources.filter((resource) => resource.Type === WAIT_CONDITION_TYPE).length,
    waitResources: resources.filter((resource) => resource.Type === WAIT_RESOURCE_TYPE).length,
    wildcardStatements: statements.filter((statement: any) => ([] as unknown[]).concat(statement.Resource ?? []).includes('*')).length,
  };
}

interface ResourceLimit {
  readonly variant: PipelineVariant;
  /** Marginal resources of one more pipeline: (resources(30) − resources(1)) / 29. */
  readonly resourcesPerPipeline: number;
  /** Of which wait conditions. */
  readonly waitConditionsPerPipeline: number;
  /** Of which wait resources. */
  readonly waitResourcesPerPipeline: number;
  readonly bytesPerPipeline: number;
  /** Resources that do not grow with N (buckets, provider or singleton function, training poller, CDK metadata). */
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
    const waitConditionsPerPipeline = (facts(last).waitConditions - facts(first).waitConditions) / (last - first);
    const waitResourcesPerPipeline = (facts(last).waitResources - facts(first).waitResources) / (last - first);
    const bytesPerPipeline = (facts(last).bytes - facts(first).bytes) / (last - first);
    const fixedResources = facts(first).resources - first * resourcesPerPipeline;
    const largestPipelineCount = Math.floor((CLOUDFORMATION_RESOURCE_LIMIT - fixedResources) / resourcesPerPipeline);
    progress(`resource limit: ${variant} fits ${largestPipelineCount} pipelines; checking ${largestPipelineCount} and ${largestPipelineCount + 1}`);
    const fits = synthOnce(workDir, { variant, pipelines: largestPipelineCount }, 'defaults', false, { resourceLimitCheck: true });
    const tooMany = synthOnce(workDir, { variant, pipelines: largestPipelineCount + 1 }, 'defaults', false, { resourceLimitCheck: true });
    const checked = fits.error === undefined && tooMany.error !== undefined && /Number of resources/.test(tooMany.error);
    return {
      variant,
      resourcesPerPipeline,
      waitConditionsPerPipeline,
      waitResourcesPerPipeline,
      bytesPerPipeline,
      fixedResources,
      largestPipelineCount,
      checked,
    };
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
const CONFIGURED_MODEL_TYPE = 'Custom::CleanRoomsMLConfiguredAudienceModel';

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

/** From the audience model's ACTIVE to the configured model's CREATE_IN_PROGRESS (what uses the model starting), one set of deploys. */
interface AfterActive {
  readonly kind: string;
  readonly timeScale: number;
  /** Provider time of the training (the emulator's audience-model timings ÷ timeScale). */
  readonly trainingProviderMs: number;
  /** Custom resources whose CREATE_COMPLETE fell in the interval, one count per deploy. */
  readonly roundTrips: number[];
  /** Their logical ids in the first deploy. */
  readonly roundTripResources: string[];
  /** Provider time of the interval, one per deploy (the poller's waits at their bound: an upper estimate). */
  readonly providerMs: number[];
  readonly medianProviderMs: number;
  readonly maxProviderMs: number;
  /** The same with the wait conditions' time counted as run time, as measured (a lower estimate). */
  readonly lowerProviderMs: number[];
  readonly medianLowerProviderMs: number;
  /** The wait conditions' SUCCESS signals (one stack event each) in the first deploy. */
  readonly signals: number;
  /** The wait condition (1-based) in progress when the model became ACTIVE in the first deploy; 0: none had started. */
  readonly activeDuringWaitCondition: number;
  readonly deployMs: number[];
}

interface LifecycleResults {
  readonly timeScale: number;
  readonly queryIntervalSeconds: number;
  readonly rounds: number;
  readonly longWait: LongWait;
  readonly apiCalls: ApiCalls[];
  readonly overshoot: Overshoot[];
  readonly afterActive: AfterActive[];
  /** The first round's (the emulator's default timings). */
  readonly deployMs: number;
  readonly destroyMs: number;
  readonly deployResources: number;
}

/** The emulator's call counts when a stack operation reached the long wait and when it left it. */
interface WaitWindow {
  start?: EmulatorStats;
  end?: EmulatorStats;
}

/** The example's audience model's long wait, as its template writes it. */
interface LongWait {
  readonly model: string;
  /** The wait conditions, in the order CloudFormation creates them. */
  readonly waitConditions: readonly string[];
  /** The `Custom::CleanRoomsMLWait` that reads the ACTIVE model after them. */
  readonly ready: string;
  /** Seconds between the training poller's checks while the model trains (the plan the model's resource starts the poller with). */
  readonly pollerIntervalSeconds: number;
}

type Template = { Resources: Record<string, { Type: string; Properties?: any }> };

function longWaitOf(template: Template): LongWait {
  const models = Object.entries(template.Resources).filter(([, resource]) => resource.Type === AUDIENCE_MODEL_TYPE);
  const plan = models[0]?.[1].Properties?.WaitConditions as { LogicalIds: string[]; IntervalSeconds: number } | undefined;
  const ready = Object.entries(template.Resources)
    // The ready resource names no kind: its ResourceArn is the model's.
    .filter(([, resource]) => resource.Type === WAIT_RESOURCE_TYPE
      && JSON.stringify(resource.Properties?.ResourceArn ?? '').includes(JSON.stringify(models[0]?.[0] ?? '')))
    .map(([logicalId]) => logicalId);
  if (models.length !== 1 || !plan || ready.length !== 1) {
    throw new Error(`expected the example's one audience model with wait conditions and one ready resource, found ${models.length} models, ${ready.length} ready resources`);
  }
  return { model: models[0][0], waitConditions: plan.LogicalIds, ready: ready[0], pollerIntervalSeconds: plan.IntervalSeconds };
}

/** The example's deploys whose training lasts this long (provider time): the model becomes ACTIVE during the first wait condition. */
const LONG_TRAINING_HOURS = 3;
/** Their time scale: a scaled hour in 3.6 s, the poller's 39-second checks 39 ms apart. */
const LONG_TRAINING_TIME_SCALE = 0.001;
const LONG_TRAINING_ROUNDS = 2;

async function measureLifecycles(workDir: string): Promise<LifecycleResults> {
  const assembly = join(workDir, 'example.out');
  synthOnce(workDir, { variant: 'example', pipelines: 1 }, 'defaults', false, { resourceLimitCheck: true, keep: assembly });
  const template = JSON.parse(readFileSync(join(assembly, `${EXAMPLE_STACK_NAME}.template.json`), 'utf8')) as Template;
  const longWait = longWaitOf(template);
  const waitIds = new Set([...longWait.waitConditions, longWait.ready]);
  // How often the stack's provider checks an operation: the Wait of its completion executions between two isComplete checks.
  const intervalMs = COMPLETION_INTERVAL_SECONDS * 1000;
  const intervalRealMs = intervalMs * TIME_SCALE;
  const samples = new Map<string, number[]>(WAITED_TYPES.map((type): [string, number[]] => [type.kind, []]));
  const defaultAfterActive: AfterActiveSample[] = [];
  let first: {
    deploy: StackOperationResult;
    destroy: StackOperationResult;
    afterDeploy: EmulatorStats;
    afterDestroy: EmulatorStats;
    waitCreate: Record<string, number>;
    waitDelete: Record<string, number>;
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
      // The wait conditions and the ready resource run one after the other, after the model's resource
      // and before anything that uses the model, so the calls between the first wait condition's start
      // and the ready resource's end are the long wait's: the poller's checks in that time and the
      // ready resource's read (the stack events and the counts are both taken synchronously).
      const waitWindows: Record<'deploy' | 'destroy', WaitWindow> = { deploy: {}, destroy: {} };
      let operation: 'deploy' | 'destroy' = 'deploy';
      const common = {
        stateFile: join(workDir, `lifecycle-${round}`, 'state.json'),
        endpoint: emulator.endpoint,
        timeScale: TIME_SCALE,
        // A progress event on every poll: the moments the waiter goes to sleep.
        progressIntervalMs: 0,
        onEvent: (event: DeploymentEvent) => {
          events.push(event);
          if (event.kind === 'event' && waitIds.has(event.logicalResourceId)) {
            const window = waitWindows[operation];
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
      const waitCreate = callsWithin(waitWindows.deploy);
      const waitDelete = callsWithin(waitWindows.destroy);
      first ??= { deploy, destroy, afterDeploy, afterDestroy, waitCreate, waitDelete };

      for (const type of WAITED_TYPES) {
        const resources = type.inventory(inventory);
        if (resources.length !== 1 || resources[0].status !== 'ACTIVE') {
          throw new Error(`expected one ACTIVE ${type.kind} after the deploy, found ${resources.map((r) => r.status).join(', ') || 'none'}`);
        }
        const complete = completionOf(events, (event) => event.resourceType === type.resourceType);
        const activeAt = Date.parse(resources[0].updateTime);
        const waited = new Set([complete.logicalResourceId]);
        samples.get(type.kind)!.push(providerOvershootMs(events, complete, waited, activeAt, intervalRealMs, TIME_SCALE));
      }
      const modelActiveAt = Date.parse(inventory.audienceModels[0].updateTime);
      defaultAfterActive.push(afterActiveSample(events, longWait, modelActiveAt, TIME_SCALE, intervalRealMs, deploy.elapsedMs));
      progress(`lifecycle round ${round + 1}/${LIFECYCLE_ROUNDS}: deploy ${formatMs(deploy.elapsedMs)}, destroy ${formatMs(destroy.elapsedMs)}`);
    } finally {
      await emulator.stop();
    }
  }

  const { deploy, destroy, afterDeploy, afterDestroy, waitCreate, waitDelete } = first!;
  const modelOperations = RESOURCE_KINDS.find((kind) => kind.kind === 'audience model')!.operations;
  const foreign = Object.keys({ ...waitCreate, ...waitDelete }).filter((operation) => owningKind(operation)?.operations !== modelOperations);
  if (foreign.length > 0) {
    throw new Error(`calls during the audience model's long wait that are not the model's: ${foreign.join(', ')}`);
  }
  // What remains after the long wait's calls are taken out is the resources' own (the poller's checks before the first wait condition included).
  const ownCreateCalls = subtractCalls(afterDeploy.calls, waitCreate);
  const ownCalls = subtractCalls(subtractCalls(afterDestroy.calls, waitCreate), waitDelete);
  const apiCalls = RESOURCE_KINDS.flatMap((kind) => {
    const createOperations = callsOf(ownCreateCalls, kind.operations);
    const row = apiCallsRow(kind.kind, createOperations, subtractCalls(callsOf(ownCalls, kind.operations), createOperations), kind.minimum);
    if (kind.operations !== modelOperations) {
      return [row];
    }
    // The ready resource finds the model ACTIVE in one read at best; the poller, once it knows, signals without reading; deletes have nothing to do.
    return [row, apiCallsRow(`${LONG_WAIT_KIND} (${longWait.waitConditions.length} wait conditions + ready resource)`, waitCreate, waitDelete, { GetAudienceModel: 1 })];
  });
  const unclassified = Object.keys(afterDestroy.calls).filter((operation) => owningKind(operation) === undefined);
  if (unclassified.length > 0) {
    throw new Error(`operations the bench does not classify: ${unclassified.join(', ')}`);
  }
  const defaultTrainingMs = (DEFAULT_TIMINGS.audienceModel.createPendingMs + DEFAULT_TIMINGS.audienceModel.createInProgressMs) / TIME_SCALE;
  const afterActive = [
    afterActiveOf(`example, emulator's default timings (${formatSeconds(defaultTrainingMs)} of training)`, TIME_SCALE, defaultTrainingMs, defaultAfterActive),
    await measureLongTraining(assembly, workDir, longWait),
  ];
  return {
    timeScale: TIME_SCALE,
    queryIntervalSeconds: intervalMs / 1000,
    rounds: LIFECYCLE_ROUNDS,
    longWait,
    apiCalls,
    overshoot: [...samples.entries()].filter(([, providerMs]) => providerMs.length > 0).map(([kind, providerMs]) => ({
      kind,
      providerMs,
      medianProviderMs: median(providerMs),
      maxProviderMs: Math.max(...providerMs),
      bound: `${intervalMs / 1000} s`,
    })),
    afterActive,
    deployMs: deploy.elapsedMs,
    destroyMs: destroy.elapsedMs,
    deployResources: deploy.resources.length,
  };
}

const LONG_WAIT_KIND = 'audience model long wait';

/**
 * The example deployed with an emulator whose training lasts
 * LONG_TRAINING_HOURS (scaled): the model's own resource gives up waiting
 * after its window, and the model becomes ACTIVE while the training poller
 * keeps the first wait condition waiting.
 */
async function measureLongTraining(assembly: string, workDir: string, longWait: LongWait): Promise<AfterActive> {
  const scaled = (providerMs: number) => providerMs * LONG_TRAINING_TIME_SCALE;
  const pendingMs = 5 * 60_000;
  const trainingMs = LONG_TRAINING_HOURS * 3_600_000;
  const pollerIntervalRealMs = scaled(longWait.pollerIntervalSeconds * 1000);
  const waiterIntervalRealMs = scaled(COMPLETION_INTERVAL_SECONDS * 1000);
  const sampled: AfterActiveSample[] = [];
  for (let round = 0; round < LONG_TRAINING_ROUNDS; round++) {
    // Each round moves ACTIVE by a fraction of the poller's interval.
    const shiftMs = (round * pollerIntervalRealMs) / LONG_TRAINING_ROUNDS;
    const emulator = await CleanRoomsMlEmulator.start({
      accountId: '123456789012',
      region: 'us-east-1',
      timings: { audienceModel: { createPendingMs: scaled(pendingMs), createInProgressMs: scaled(trainingMs - pendingMs) + shiftMs } },
    });
    try {
      const events: DeploymentEvent[] = [];
      const common = {
        stateFile: join(workDir, `long-training-${round}`, 'state.json'),
        endpoint: emulator.endpoint,
        timeScale: LONG_TRAINING_TIME_SCALE,
        progressIntervalMs: 0,
        onEvent: (event: DeploymentEvent) => events.push(event),
        onFunctionLog: () => undefined,
      };
      const deploy = await deployStack({ ...common, assembly, stackName: EXAMPLE_STACK_NAME });
      expectSuccess(deploy);
      const model = emulator.inventory().audienceModels[0];
      if (model?.status !== 'ACTIVE') throw new Error(`expected the long training's model ACTIVE, found ${model?.status ?? 'none'}`);
      const activeAt = Date.parse(model.updateTime);
      sampled.push(afterActiveSample(events, longWait, activeAt, LONG_TRAINING_TIME_SCALE, waiterIntervalRealMs, deploy.elapsedMs));
      const destroy = await destroyStack({ ...common, stackName: EXAMPLE_STACK_NAME });
      expectSuccess(destroy);
      progress(`long training round ${round + 1}/${LONG_TRAINING_ROUNDS}: deploy ${formatMs(deploy.elapsedMs)}, destroy ${formatMs(destroy.elapsedMs)}`);
    } finally {
      await emulator.stop();
    }
  }
  return afterActiveOf(`example, a ${LONG_TRAINING_HOURS}-hour training (timeScale ${LONG_TRAINING_TIME_SCALE})`, LONG_TRAINING_TIME_SCALE, trainingMs, sampled);
}

interface AfterActiveSample {
  readonly roundTrips: string[];
  readonly providerMs: number;
  readonly lowerProviderMs: number;
  readonly signals: number;
  readonly activeDuringWaitCondition: number;
  readonly deployMs: number;
}

function afterActiveOf(kind: string, timeScale: number, trainingProviderMs: number, sampled: readonly AfterActiveSample[]): AfterActive {
  const providerMs = sampled.map((sample) => sample.providerMs);
  const lowerProviderMs = sampled.map((sample) => sample.lowerProviderMs);
  return {
    kind,
    timeScale,
    trainingProviderMs,
    roundTrips: sampled.map((sample) => sample.roundTrips.length),
    roundTripResources: sampled[0].roundTrips,
    providerMs,
    medianProviderMs: median(providerMs),
    maxProviderMs: Math.max(...providerMs),
    lowerProviderMs,
    medianLowerProviderMs: median(lowerProviderMs),
    signals: sampled[0].signals,
    activeDuringWaitCondition: sampled[0].activeDuringWaitCondition,
    deployMs: sampled.map((sample) => sample.deployMs),
  };
}

/**
 * What stands between the ACTIVE model and what uses it: the custom
 * resources whose CREATE_COMPLETE comes after ACTIVE and no later than the
 * configured model's CREATE_IN_PROGRESS (each one a Create request and its
 * answer), and that interval in provider time.
 */
function afterActiveSample(
  events: readonly DeploymentEvent[],
  longWait: LongWait,
  activeAt: number,
  timeScale: number,
  waiterIntervalRealMs: number,
  deployMs: number,
): AfterActiveSample {
  const stackEvents = events.filter((event): event is StackEvent => event.kind === 'event');
  const configuredStart = stackEvents.find((event) => event.resourceType === CONFIGURED_MODEL_TYPE && event.resourceStatus === 'CREATE_IN_PROGRESS');
  if (!configuredStart) throw new Error('the configured audience model never started');
  const endAt = Date.parse(configuredStart.timestamp);
  const roundTrips = stackEvents
    .filter((event) => event.resourceType.startsWith('Custom::') && event.resourceStatus === 'CREATE_COMPLETE')
    .filter((event) => Date.parse(event.timestamp) >= activeAt && Date.parse(event.timestamp) <= endAt)
    .map((event) => event.logicalResourceId);
  const started = (logicalId: string) => stackEvents.find((event) => event.logicalResourceId === logicalId && event.resourceStatus === 'CREATE_IN_PROGRESS');
  const completed = (logicalId: string) => stackEvents.find((event) => event.logicalResourceId === logicalId && event.resourceStatus === 'CREATE_COMPLETE');
  const activeDuringWaitCondition = longWait.waitConditions.findIndex((logicalId) =>
    Date.parse(started(logicalId)?.timestamp ?? '') <= activeAt && activeAt < Date.parse(completed(logicalId)?.timestamp ?? '')) + 1;

  // The provider's waits during the model's and the ready resource's creates are seen in their progress events.
  const waited = new Set([longWait.model, longWait.ready]);
  const lowerProviderMs = providerOvershootMs(events, configuredStart, waited, activeAt, waiterIntervalRealMs, timeScale);
  let providerMs = lowerProviderMs;
  // The training poller's sleeps are Wait states the runner does not report. A wait condition waits for the
  // poller's next check: one that started before ACTIVE, for a check up to the poller's interval away (it may
  // be asleep when the model becomes ACTIVE); one that starts after, for a hand-over check, HANDOVER_CHECK_SECONDS
  // away at most. Its time after ACTIVE is counted as sleep (÷ timeScale) up to that bound: an upper estimate,
  // the check's own run time being scaled up with it.
  for (const logicalId of longWait.waitConditions) {
    const startAt = Date.parse(started(logicalId)!.timestamp);
    const from = Math.max(startAt, activeAt);
    const to = Math.min(Date.parse(completed(logicalId)!.timestamp), endAt);
    if (to <= from) continue;
    const boundMs = (startAt <= activeAt ? longWait.pollerIntervalSeconds : HANDOVER_CHECK_SECONDS) * 1000;
    providerMs += Math.min((to - from) / timeScale, boundMs) - (to - from);
  }
  const signals = stackEvents.filter((event) => event.resourceType === WAIT_CONDITION_TYPE
    && /^Received SUCCESS signal/.test(event.resourceStatusReason ?? '')).length;
  return { roundTrips, providerMs, lowerProviderMs, signals, activeDuringWaitCondition, deployMs };
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

function callsWithin(window: WaitWindow): Record<string, number> {
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
  timeScale: number,
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
  return completeAt - activeAt - sleptAfterActive + sleptAfterActive / timeScale;
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
const LONGEST_MODEL_TIMEOUT = `${SEVENTY_TWO_HOUR_MODEL_TIMEOUT.toHours()} h`;

/** The targets of issue 14, checked in the table of targets. */
const TARGETS = {
  /** The library's default over AwsCustomResource, synth time, by N. */
  synthRatio: { 1: 1.1, 10: 1.0, 30: 1.0 } as Readonly<Record<number, number>>,
  defaultResourcesPerPipeline: 14,
  defaultBytesPerPipeline: 16_000,
  defaultLargestPipelineCount: 33,
  longestResourcesPerPipeline: 18,
  roundTripsAfterActive: 2,
};

/** `2 wait conditions + 1 wait resource` from the templates' counts per pipeline. */
function waitsOf(limit: ResourceLimit): string {
  if (limit.waitConditionsPerPipeline === 0 && limit.waitResourcesPerPipeline === 0) return 'no waits';
  return `${fixedNumber(limit.waitConditionsPerPipeline)} wait conditions + ${fixedNumber(limit.waitResourcesPerPipeline)} wait resource`;
}

/** What the tables call each kind of pipeline, with the waits the templates count per pipeline. */
function variantNames(limits: readonly ResourceLimit[]): Record<PipelineVariant, string> {
  const limitOf = (variant: PipelineVariant) => limits.find((limit) => limit.variant === variant)!;
  const oneHour = limitOf('library-model-timeout-1h');
  if (oneHour.waitResourcesPerPipeline !== 0 || oneHour.waitConditionsPerPipeline !== 0) {
    throw new Error(`a ${ONE_HOUR_MODEL_TIMEOUT.toHumanString()} model timeout should need no wait, got ${waitsOf(oneHour)} per pipeline`);
  }
  return {
    'library': `default (model timeout ${DEFAULT_MODEL_TIMEOUT}: ${waitsOf(limitOf('library'))})`,
    'library-model-timeout-1h': 'model timeout 1 h (no waits)',
    'library-model-timeout-72h': `model timeout ${LONGEST_MODEL_TIMEOUT} (${waitsOf(limitOf('library-model-timeout-72h'))})`,
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
    [`of which wait conditions (\`${WAIT_CONDITION_TYPE}\`)`, ...perVariant((variant) => fixedNumber(limitOf(variant).waitConditionsPerPipeline))],
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
  const templateTable = markdownTable(['template', ...perVariant((variant) => names[variant])], templateRows, ['left', ...PIPELINE_VARIANTS.map(() => 'right' as const)]);

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

  const { longWait } = lifecycle;
  const afterActiveTable = markdownTable(
    ['after the model is ACTIVE', 'ACTIVE during', 'round trips', 'of', 'provider time (median)', 'max', 'samples', 'lower estimate (median)', 'SUCCESS signals', 'deploy (wall)'],
    lifecycle.afterActive.map((after) => [
      after.kind,
      after.activeDuringWaitCondition === 0 ? 'the model\'s own resource' : `wait condition ${after.activeDuringWaitCondition} of ${longWait.waitConditions.length}`,
      after.roundTrips.join(', '),
      after.roundTripResources.join(', '),
      formatSeconds(after.medianProviderMs),
      formatSeconds(after.maxProviderMs),
      after.providerMs.map((ms) => (ms / 1000).toFixed(1)).join(', '),
      formatSeconds(after.medianLowerProviderMs),
      String(after.signals),
      after.deployMs.map(formatMs).join(', '),
    ]),
    ['left', 'left', 'right', 'left', 'right', 'right', 'left', 'right', 'right', 'right'],
  );

  const library = limitOf('library');
  const oneHour = limitOf('library-model-timeout-1h');
  const longest = limitOf('library-model-timeout-72h');
  const custom = limitOf('aws-custom-resource');
  const ratioOf = (pipelines: number, mode: SynthMode) => find('library', pipelines, mode).medianWallMs / find('aws-custom-resource', pipelines, mode).medianWallMs;
  // Each round synthesizes the kinds at one N one after the other, so a round's ratio compares processes that ran moments apart.
  const roundRatiosOf = (pipelines: number, mode: SynthMode) => {
    const handWritten = find('aws-custom-resource', pipelines, mode).samples;
    return find('library', pipelines, mode).samples.map((sample, round) => sample.wallMs / handWritten[round].wallMs);
  };
  const spreadOf = (pipelines: number, mode: SynthMode) => {
    const { low, high } = middleHalf(roundRatiosOf(pipelines, mode));
    return `${low.toFixed(2)}–${high.toFixed(2)}`;
  };
  const met = (ok: boolean) => (ok ? 'yes' : 'NO');
  const maxRoundTrips = Math.max(...lifecycle.afterActive.flatMap((after) => after.roundTrips));
  const targetTable = markdownTable(
    ['issue 14 target', 'target', 'measured', 'met'],
    [
      ...PIPELINE_COUNTS.map((pipelines) => [
        `synth time, default / ${AWS_CUSTOM_RESOURCE}, N = ${pipelines}`,
        `≤ ${TARGETS.synthRatio[pipelines].toFixed(1)}×`,
        `${ratioOf(pipelines, 'defaults').toFixed(2)}× (rounds ${spreadOf(pipelines, 'defaults')}; validation off ${ratioOf(pipelines, 'validation-off').toFixed(2)}×)`,
        met(ratioOf(pipelines, 'defaults') <= TARGETS.synthRatio[pipelines]),
      ]),
      ['resources per pipeline, default', `≤ ${TARGETS.defaultResourcesPerPipeline}`, fixedNumber(library.resourcesPerPipeline),
        met(library.resourcesPerPipeline <= TARGETS.defaultResourcesPerPipeline)],
      ['template bytes per pipeline, default', `≤ ${formatBytes(TARGETS.defaultBytesPerPipeline)}`, formatBytes(library.bytesPerPipeline),
        met(library.bytesPerPipeline <= TARGETS.defaultBytesPerPipeline)],
      [`pipelines within ${CLOUDFORMATION_RESOURCE_LIMIT} resources, default`, `≥ ${TARGETS.defaultLargestPipelineCount}`,
        `${library.largestPipelineCount}${library.checked ? '' : ' (unchecked)'}`, met(library.largestPipelineCount >= TARGETS.defaultLargestPipelineCount)],
      [`resources per pipeline, model timeout ${LONGEST_MODEL_TIMEOUT}`, `≤ ${TARGETS.longestResourcesPerPipeline}`, fixedNumber(longest.resourcesPerPipeline),
        met(longest.resourcesPerPipeline <= TARGETS.longestResourcesPerPipeline)],
      ['custom-resource round trips after ACTIVE (every deploy above)', `≤ ${TARGETS.roundTripsAfterActive}`, String(maxRoundTrips),
        met(maxRoundTrips <= TARGETS.roundTripsAfterActive)],
    ],
    ['left', 'right', 'right', 'left'],
  );

  const defaultAtLastN = find('library', lastN, 'defaults').template.resources;
  const overLimitRuns = PIPELINE_VARIANTS.flatMap((variant) => PIPELINE_COUNTS.filter((pipelines) => overLimit(variant, pipelines))
    .map((pipelines) => `${names[variant]} at N = ${pipelines} (${find(variant, pipelines, 'defaults').template.resources.toLocaleString('en-US')} resources)`));
  const waitCalls = lifecycle.apiCalls.find((calls) => calls.kind.startsWith(LONG_WAIT_KIND))!;
  const [defaultAfter, longAfter] = lifecycle.afterActive;

  const lines = [
    `cdk-cleanrooms-ml benchmark, ${environment.date}: Node.js ${environment.node}, ${environment.cpus}, aws-cdk-lib ${environment.awsCdkLib}; medians of ${environment.runs} runs`,
    '',
    `${LIBRARY} in three configurations: ${names.library}, as a user gets it; model timeout 1 h (no waits — like the AwsCustomResource version, `
      + `which cannot wait at all); and ${names['library-model-timeout-72h']}, the longest timeout AudienceModel takes.`,
    '',
    targetTable,
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
    afterActiveTable,
    '',
    `Local deploy of the example stack (one pipeline, default model timeout: ${lifecycle.deployResources} resources) on the embedded emulator: `
      + `${formatMs(lifecycle.deployMs)}; destroy: ${formatMs(lifecycle.destroyMs)} (timeScale ${lifecycle.timeScale}).`,
    '',
    'Notes:',
    '- targets: those of issue 14; the synth ratio is the "defaults" mode\'s (as `cdk synth`), the median over the median; "rounds" is the middle half '
      + 'of the ratios of single rounds (the library\'s process over the AwsCustomResource one that ran next to it), how far one comparison strays; '
      + '"round trips after ACTIVE" takes the most of every deploy in the table "after the model is ACTIVE".',
    '- synth: wall time of one `node` process (start, load aws-cdk-lib, build the stack, synthesize, write cdk.out) and its peak RSS, medians; '
      + '"validation off" = `app.synth({ skipValidation: true })`, "defaults" = validation on plus the context `cdk synth` passes an app '
      + '(path and asset metadata, version reporting). × floor = over the empty stack; × ACR = the library over the same N written with AwsCustomResource.',
    `- rounds: each round synthesizes every kind at N = ${PIPELINE_COUNTS.join(', ')} and the empty stack in both modes (${1 + PIPELINE_COUNTS.length * PIPELINE_VARIANTS.length} stacks × 2), `
      + `the kinds taking turns going first at each N; rounds stop once another would pass ${SYNTH_BUDGET_MS / 1000} s of synthesis (after at least ${MIN_RUNS}): `
      + `here ${environment.runs} of up to ${RUNS}. The whole bench took ${formatMs(environment.benchMs)}.`,
    `- the two modes differ only by noise: aws-cdk-lib ${environment.awsCdkLib} validates no template at synth time `
      + '(`skipValidation` skips only the constructs\' own checks), so no switch removes a fixed cost.',
    `- the default configuration: AudienceModel waits up to ${DEFAULT_MODEL_TIMEOUT} (the service's documented worst case for a training) within one \`cdk deploy\`: `
      + `its own resource waits the first 58 minutes, then ${fixedNumber(library.waitConditionsPerPipeline)} \`${WAIT_CONDITION_TYPE}\` resources (12 hours each at most), `
      + 'which the stack\'s one poller (the Step Functions state machine that also runs every operation\'s isComplete checks) signals while the model trains, '
      + `then ${fixedNumber(library.waitResourcesPerPipeline)} \`${WAIT_RESOURCE_TYPE}\` "ready" resource that reads the ACTIVE model for what uses it. `
      + `The cost: ${fixedNumber(library.resourcesPerPipeline)} resources per pipeline instead of ${fixedNumber(oneHour.resourcesPerPipeline)}, `
      + `${formatBytes(library.bytesPerPipeline)} of template instead of ${formatBytes(oneHour.bytesPerPipeline)}, so at most ${library.largestPipelineCount} pipelines `
      + `fit CloudFormation's ${CLOUDFORMATION_RESOURCE_LIMIT} resources per stack (${oneHour.largestPipelineCount} with a 1-hour timeout, `
      + `${longest.largestPipelineCount} with ${LONGEST_MODEL_TIMEOUT}, ${custom.largestPipelineCount} by hand; N = ${lastN} of the default: ${defaultAtLastN.toLocaleString('en-US')} resources). `
      + 'The poller is per stack and in every configuration (it completes every operation): its state machine, role and policies are among the '
      + `"${fixedNumber(library.fixedResources)} resources besides the pipelines", with the provider's two Lambda functions and their log groups.`,
    `- ${LONGEST_MODEL_TIMEOUT}: ${fixedNumber(longest.waitConditionsPerPipeline)} wait conditions instead of ${fixedNumber(library.waitConditionsPerPipeline)}, `
      + `one ready resource as at ${DEFAULT_MODEL_TIMEOUT}: ${fixedNumber(longest.resourcesPerPipeline)} resources and ${formatBytes(longest.bytesPerPipeline)} per pipeline.`,
    `- ¹ more than ${CLOUDFORMATION_RESOURCE_LIMIT} resources: CloudFormation refuses the stack; synthesized with aws-cdk-lib's resource-limit check off, for the timing only`
      + `${overLimitRuns.length > 0 ? ` (${overLimitRuns.join('; ')})` : ''}.`,
    '- AwsCustomResource equivalent (bench/aws-custom-resource-pipeline.ts): one API call per create or delete and no waiting. It cannot wait for the audience model '
      + 'or the generation job to become ACTIVE, so it does not deploy as written (the configured model needs an ACTIVE model); it stands for the cost of the hand-written approach.',
    `- per pipeline: (N = ${lastN} − N = 1) / ${lastN - 1}, templates as \`cdk synth\` writes them; "largest N" is checked by synthesizing N (passes) and N + 1 (aws-cdk-lib refuses it).`,
    '- `Resource: "*"`: the library\'s are its List actions (they have no resource-level permissions); '
      + 'the AwsCustomResource equivalent\'s are each call\'s create and delete actions (the ARNs are assigned at creation).',
    '- API calls: Clean Rooms ML calls counted by the emulator in one deploy and destroy of the example stack. Beyond the minimum, the Gets and Lists of the audience model, generation job and export job are '
      + `status polls, one per ${lifecycle.queryIntervalSeconds} s query interval while Clean Rooms ML works (here ${formatSeconds((DEFAULT_TIMINGS.audienceModel.createPendingMs + DEFAULT_TIMINGS.audienceModel.createInProgressMs) / TIME_SCALE)} `
      + 'of training in provider time); the configured model is read back with its policy for its attributes, and its delete confirmed; the training dataset is '
      + 'CloudFormation\'s own type, its calls made by the runner standing in for CloudFormation.',
    `- the audience model row includes the training poller's checks made while the model's own resource waits (one GetAudienceModel per ${longWait.pollerIntervalSeconds} s `
      + 'from the execution\'s start until it sees the model ACTIVE): the poller starts with the model\'s create.',
    `- ${LONG_WAIT_KIND}: the Clean Rooms ML calls made between the first wait condition's CREATE_IN_PROGRESS and the ready resource's CREATE_COMPLETE (and, on destroy, `
      + 'between the first and the last delete of these), which run alone after the model\'s resource and before what uses the model: the poller\'s checks in that time '
      + `and the ready resource's read. Its minimum is the ready resource's one GetAudienceModel; here ${waitCalls.create + waitCalls.delete} `
      + '(more when the model\'s own resource saw the model ACTIVE before the poller\'s next check did: that check falls in the window). '
      + 'The poller, once it has seen the model ACTIVE, signals the remaining wait conditions without reading the model again '
      + `(${defaultAfter.signals} SUCCESS signals, each a stack event, through the runner's CloudFormation endpoint — SignalResource and DescribeStackResource `
      + 'are CloudFormation\'s calls, not counted here); deleting a wait condition or the ready resource calls nothing. While a model trains past its own resource\'s window, '
      + `the poller reads it once per ${longWait.pollerIntervalSeconds} s (the model's plan: 30 s at least, longer for long timeouts so an execution stays within the 25,000 history events).`,
    `- ACTIVE → CREATE_COMPLETE: ${lifecycle.rounds} deploys, each moving the ACTIVE moment by 1/${lifecycle.rounds} of the query interval; the provider's waits (its state machine's Wait states) count in provider time `
      + `(÷ timeScale ${lifecycle.timeScale}), the functions' run time as measured. The provider checks every ${lifecycle.queryIntervalSeconds} s, so the wait is at most one interval.`,
    '- after the model is ACTIVE: from the emulator\'s ACTIVE (the model\'s updateTime) to the configured audience model\'s CREATE_IN_PROGRESS, when what uses the model starts. '
      + '"round trips" = custom resources (`Custom::*`) whose CREATE_COMPLETE falls in that time, one per deploy: each is a Create request CloudFormation sends and waits '
      + 'to be answered (the wait conditions are not: the poller completes them with signals). '
      + `"${defaultAfter.kind}": ${lifecycle.rounds} deploys above; the model becomes ACTIVE while its own resource waits, so its resource and the ready resource complete after it. `
      + `"${longAfter.kind}": ${longAfter.deployMs.length} deploys of the example with an emulator whose training lasts ${LONG_TRAINING_HOURS} hours (provider time), each moving ACTIVE by `
      + `1/${longAfter.deployMs.length} of the poller's interval: the model's resource hands over after its window, the model becomes ACTIVE while a wait condition waits, `
      + 'and the ready resource is the only round trip. Provider time: the provider\'s waits (progress events) ÷ timeScale, the functions\' run time as measured, '
      + `and each wait condition's time after ACTIVE as the poller's sleep (÷ timeScale), at most the poller's interval (${longWait.pollerIntervalSeconds} s) for one already `
      + `waiting at ACTIVE and ${HANDOVER_CHECK_SECONDS} s (the poller's hand-over check) for one started after: the runner does not report the poller's Wait states, `
      + 'so this is an upper estimate (a check\'s run time is scaled up with its sleep); the lower estimate counts the wait conditions\' time as run time, as measured '
      + '(no sleep at all). On AWS each round trip and each wait condition\'s start also costs '
      + 'CloudFormation\'s and Step Functions\' own overhead, which the local runner does not reproduce.',
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
