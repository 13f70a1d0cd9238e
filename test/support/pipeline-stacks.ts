/**
 * Whole-stack pieces shared by the lifecycle and fault suites: the example's
 * LookalikePipelineStack (one pipeline, or more) synthesized with variations,
 * the emulator's fast timings, and a record of every Clean Rooms ML resource
 * the emulator held during an operation, to count creates per logical
 * resource and find leftovers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnResource, Duration, Tags } from 'aws-cdk-lib';
import type { CleanRoomsMlEmulator, EmulatorInventory, EmulatorStats, EmulatorTimingOptions, DeploymentEvent, FunctionLogEntry, RunnerOptions, StackEvent, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import type { IConstruct } from 'constructs';
import { temporaryDirectory } from './temporary-directories';
import { EXAMPLE_ENV, LookalikePipelineStack } from '../../examples/lookalike-pipeline/stack';

export const EXAMPLE_STACK_NAME = 'LookalikePipeline';

/** Every asynchronous phase in tens of milliseconds: a pipeline deploys in well under a second. */
export const FAST_TIMINGS: EmulatorTimingOptions = {
  audienceModel: { createPendingMs: 10, createInProgressMs: 20, deletePendingMs: 10, deleteInProgressMs: 10 },
  audienceGenerationJob: { createPendingMs: 10, createInProgressMs: 20, deletePendingMs: 10, deleteInProgressMs: 10 },
  audienceExportJob: { createPendingMs: 10, createInProgressMs: 20 },
};

/** The Provider's 30 s query interval becomes 60 ms. */
export const TIME_SCALE = 0.002;

/** Pipelines after the example's own `Retail` one, as `addPipeline` adds them. */
const EXTRA_PIPELINES = ['Outlet', 'Online'];

export interface ExampleVariant {
  /** 1 (the example as it ships) to 3. @default 1 */
  readonly pipelines?: number;
  readonly partnerAccountId?: string;
  readonly audienceSizes?: number[];
  /** Overrides the first pipeline's audience model description (a create-only property: a replacement). */
  readonly modelDescription?: string;
  /** A user-given name for the first pipeline's audience model (which a replacement then cannot take). @default a generated one */
  readonly modelName?: string;
  /** Stack-wide tags added after the example's own (same key: this value wins). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Tags of the first pipeline's audience model only (e.g. the emulator's failure tags). */
  readonly modelTags?: Readonly<Record<string, string>>;
  /** Every pipeline's audience model timeout, in minutes. @default the construct's (24 hours, with wait conditions and a ready resource) */
  readonly modelTimeoutMinutes?: number;
  /**
   * Overrides the TimeoutSeconds property of the first pipeline's audience
   * model or generation job, below what the constructs accept (a deadline
   * of a second, whatever the runner's timeScale).
   */
  readonly timeoutSeconds?: { readonly model?: number; readonly job?: number };
}

const assemblies = new Map<string, string>();

/** Synthesizes the example stack with the variant's changes (once per variant); returns the cloud assembly directory. */
export function synthExample(variant: ExampleVariant = {}): string {
  const variantKey = JSON.stringify(variant);
  const known = assemblies.get(variantKey);
  if (known !== undefined) return known;
  const outdir = temporaryDirectory('cdk-out-');
  const app = new App({ outdir });
  const modelTimeout = variant.modelTimeoutMinutes === undefined ? undefined : Duration.minutes(variant.modelTimeoutMinutes);
  const stack = new LookalikePipelineStack(app, EXAMPLE_STACK_NAME, {
    env: EXAMPLE_ENV,
    partnerAccountId: variant.partnerAccountId,
    audienceSizes: variant.audienceSizes,
    modelTimeout,
  });
  EXTRA_PIPELINES.slice(0, (variant.pipelines ?? 1) - 1).forEach((id) => stack.addPipeline(id, {
    tableName: id.toLowerCase(),
    dataPrefix: `${id.toLowerCase()}/`,
    seedKey: `seeds/${id.toLowerCase()}.csv`,
    outputPrefix: `${id.toLowerCase()}/`,
    audienceSizes: variant.audienceSizes,
    modelTimeout,
  }));
  const model = stack.pipeline.audienceModel;
  if (variant.modelDescription !== undefined) cfnResourceOf(model).addPropertyOverride('Description', variant.modelDescription);
  if (variant.modelName !== undefined) cfnResourceOf(model).addPropertyOverride('Name', variant.modelName);
  if (variant.timeoutSeconds?.model !== undefined) cfnResourceOf(model).addPropertyOverride('TimeoutSeconds', variant.timeoutSeconds.model);
  if (variant.timeoutSeconds?.job !== undefined) cfnResourceOf(stack.pipeline.generationJob).addPropertyOverride('TimeoutSeconds', variant.timeoutSeconds.job);
  Object.entries(variant.modelTags ?? {}).forEach(([key, value]) => Tags.of(model).add(key, value));
  Object.entries(variant.tags ?? {}).forEach(([key, value]) => Tags.of(stack).add(key, value));
  app.synth();
  assemblies.set(variantKey, outdir);
  return outdir;
}

/**
 * Takes a cloud assembly synthesized for the variant elsewhere (the chaos
 * campaign synthesizes each variant once, in one of its processes, for all of
 * them): `synthExample` then returns it instead of synthesizing again.
 */
export function useAssembly(variant: ExampleVariant, outdir: string): void {
  assemblies.set(JSON.stringify(variant), outdir);
}

/** The first CloudFormation resource under a construct, following default children. */
function cfnResourceOf(construct: IConstruct): CfnResource {
  let current: IConstruct | undefined = construct;
  while (current && !(current instanceof CfnResource)) current = current.node.defaultChild;
  if (!current) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return current;
}

/** The logical ids of a pipeline's Clean Rooms ML resources, read from a deployed stack's resources. */
export interface PipelineIds {
  readonly dataset: string;
  readonly model: string;
  readonly configured: string;
  readonly job: string;
  readonly export: string;
}

/** What `pipelineIds` reads: a stack's resources, deployed or in a template. */
export interface ResourceList {
  readonly resources: ReadonlyArray<{ readonly logicalResourceId: string; readonly resourceType: string }>;
}

/** The resources of the variant's template (what a deploy will create). */
export function templateResources(variant: ExampleVariant = {}): ResourceList {
  return {
    resources: Object.entries(readTemplate(synthExample(variant)).Resources)
      .map(([logicalResourceId, resource]) => ({ logicalResourceId, resourceType: resource.Type })),
  };
}

/** The ready resource of a pipeline's audience model (after its wait conditions: the one that reports a training that outlives the timeout). */
export function lastWait(result: ResourceList, pipeline = 'Retail'): string {
  const ready = result.resources.find((resource) => resource.resourceType === 'Custom::CleanRoomsMLWait'
    && new RegExp(`^${pipeline}ModelReady[0-9A-F]{8}$`).test(resource.logicalResourceId));
  if (!ready) throw new Error(`no ready resource for the ${pipeline} model`);
  return ready.logicalResourceId;
}

/** Logical ids by pipeline construct id (`Retail`, `Outlet`, `Online`). */
export function pipelineIds(result: ResourceList, pipeline = 'Retail'): PipelineIds {
  const find = (type: string, pattern: RegExp): string => {
    const found = result.resources.find((resource) => resource.resourceType === type && pattern.test(resource.logicalResourceId));
    if (!found) throw new Error(`no ${type} of pipeline ${pipeline} among ${result.resources.map((resource) => resource.logicalResourceId).join(', ')}`);
    return found.logicalResourceId;
  };
  return {
    dataset: find('AWS::CleanRoomsML::TrainingDataset', new RegExp(`^${pipeline}Interactions[0-9A-F]{8}$`)),
    model: find('Custom::CleanRoomsMLAudienceModel', new RegExp(`^${pipeline}Model[0-9A-F]{8}$`)),
    configured: find('Custom::CleanRoomsMLConfiguredAudienceModel', new RegExp(`^${pipeline}Shared[0-9A-F]{8}$`)),
    job: find('Custom::CleanRoomsMLAudienceGenerationJob', new RegExp(`^${pipeline}Buyers[0-9A-F]{8}$`)),
    export: find('Custom::CleanRoomsMLAudienceExportJob', new RegExp(`^${pipeline}BuyersExport[0-9A-F]{8}$`)),
  };
}

/**
 * Whether a resource type stands for something the service holds: Clean Rooms
 * ML types, but not the wait resources (Custom::CleanRoomsMLWait), which only
 * wait on a model or job and hold nothing of their own.
 */
export function holdsServiceResource(resourceType: string): boolean {
  return /CleanRoomsML/.test(resourceType) && resourceType !== 'Custom::CleanRoomsMLWait';
}

/** Clean Rooms ML resources of a deployed stack: logical id → physical id. */
export function cleanRoomsPhysicalIds(result: Pick<StackOperationResult, 'resources'>): Record<string, string> {
  return Object.fromEntries(result.resources
    .filter((resource) => holdsServiceResource(resource.resourceType))
    .map((resource) => [resource.logicalResourceId, resource.physicalResourceId]));
}

/** One resource the emulator held: its kind, identity (ARN; generation job ARN + name for exports) and name. */
export interface HeldResource {
  readonly kind: 'training-dataset' | 'audience-model' | 'configured-audience-model' | 'audience-generation-job' | 'audience-export-job';
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Everything in an inventory, flattened. */
export function heldResources(inventory: EmulatorInventory): HeldResource[] {
  return [
    ...inventory.trainingDatasets.map((item) => ({ kind: 'training-dataset' as const, id: item.trainingDatasetArn, name: item.name, status: item.status, tags: item.tags })),
    ...inventory.audienceModels.map((item) => ({ kind: 'audience-model' as const, id: item.audienceModelArn, name: item.name, status: item.status, tags: item.tags })),
    ...inventory.configuredAudienceModels.map((item) => ({
      kind: 'configured-audience-model' as const, id: item.configuredAudienceModelArn, name: item.name, status: item.status, tags: item.tags,
    })),
    ...inventory.audienceGenerationJobs.map((item) => ({
      kind: 'audience-generation-job' as const, id: item.audienceGenerationJobArn, name: item.name, status: item.status, tags: item.tags,
    })),
    ...inventory.audienceExportJobs.map((item) => ({
      kind: 'audience-export-job' as const, id: `${item.audienceGenerationJobArn}|${item.name}`, name: item.name, status: item.status, tags: {},
    })),
  ];
}

/** Calls that make or remove a Clean Rooms ML resource, counted between two stats snapshots. */
export function lifecycleCalls(before: EmulatorStats, after: EmulatorStats): Record<string, number> {
  return Object.fromEntries(Object.entries(after.calls)
    .filter(([operation]) => /^(Create|Start|Delete)/.test(operation) && !operation.endsWith('Policy'))
    .map(([operation, count]) => [operation, count - (before.calls[operation] ?? 0)])
    .filter(([, count]) => count !== 0));
}

/** `kind name (status)` of what the emulator holds: `[]` when nothing leaked. */
export function leftovers(emulator: CleanRoomsMlEmulator): string[] {
  return heldResources(emulator.inventory()).map((item) => `${item.kind} ${item.name} (${item.status})`);
}

/**
 * Every distinct Clean Rooms ML resource the emulator held while watched,
 * seen at each stack event and each line a function logs (a handler logs
 * before it cleans up a half-made resource, so nothing is made and gone
 * between two looks). `creates()` counts them per logical resource: the
 * library's generated names carry the logical id, training datasets the
 * name in the template.
 */
export class EmulatorHistory {
  private readonly seen = new Map<string, HeldResource>();

  constructor(private readonly emulator: CleanRoomsMlEmulator) {}

  /** Runner options that look at the emulator on every event and function log line. */
  public watch(onEvent?: (event: DeploymentEvent) => void): Pick<RunnerOptions, 'onEvent' | 'onFunctionLog'> {
    return {
      onEvent: (event) => {
        this.look();
        onEvent?.(event);
      },
      onFunctionLog: (_entry: FunctionLogEntry) => this.look(),
    };
  }

  /** Where the history stands now: `createdFor` and `creates` count from such a mark (what one operation made). */
  public mark(): number {
    this.look();
    return this.seen.size;
  }

  public look(): void {
    for (const item of heldResources(this.emulator.inventory())) {
      if (!this.seen.has(`${item.kind} ${item.id}`)) this.seen.set(`${item.kind} ${item.id}`, item);
    }
  }

  /** Resources ever held (or first held after the mark `since`) whose name belongs to the logical resource. */
  public createdFor(logicalId: string, templateName?: string, since = 0): HeldResource[] {
    this.look();
    return [...this.seen.values()].slice(since).filter((item) => (templateName !== undefined
      ? item.name === templateName
      : item.name.includes(`-${logicalId.slice(0, 24)}-`)));
  }

  /** How many resources each Clean Rooms ML logical resource of the stack ever had (or got after the mark `since`). */
  public creates(result: ResourceList, namesInTemplate: Readonly<Record<string, string>>, since = 0): Record<string, number> {
    return Object.fromEntries(result.resources
      .filter((resource) => holdsServiceResource(resource.resourceType))
      .map(({ logicalResourceId }) => [logicalResourceId, this.createdFor(logicalResourceId, namesInTemplate[logicalResourceId], since).length]));
  }

  /** Every resource ever held. */
  public all(): HeldResource[] {
    this.look();
    return [...this.seen.values()];
  }
}

/** The training datasets' names, read from the assembly's template (their names are CDK-generated, not the logical ids). */
export function datasetNames(assembly: string): Record<string, string> {
  return Object.fromEntries(Object.entries(readTemplate(assembly).Resources)
    .filter(([, resource]) => resource.Type === 'AWS::CleanRoomsML::TrainingDataset' && typeof resource.Properties?.Name === 'string')
    .map(([logicalId, resource]) => [logicalId, resource.Properties!.Name as string]));
}

interface ExampleTemplate {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: { readonly Name?: unknown } }>;
}

function readTemplate(assembly: string): ExampleTemplate {
  return JSON.parse(readFileSync(join(assembly, `${EXAMPLE_STACK_NAME}.template.json`), 'utf8')) as ExampleTemplate;
}

/** The resource events of an operation, as `<logical id> <status>`. */
export function statusesOf(result: Pick<StackOperationResult, 'events'>, logicalId: string): string[] {
  return result.events.filter((event: StackEvent) => event.logicalResourceId === logicalId).map((event) => event.resourceStatus);
}
