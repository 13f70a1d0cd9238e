/**
 * One lifecycle of the campaign, drawn in full before anything runs: the
 * stack (1–3 pipelines of the example), the service's fault mix, and each
 * operation with the failure injected into it and the outcome it must have.
 * Deciding the outcome from the draws alone, never from what happened, is
 * what lets the campaign call an outcome unexpected.
 */
import { FAIL_MESSAGE_TAG, FAIL_TAG } from 'cdk-cleanrooms-ml-local';
import type { FailableResourceType, FaultOptions, StackStatus } from 'cdk-cleanrooms-ml-local';
import { Random } from './random';
import { AUDIENCE_SIZES } from '../examples/lookalike-pipeline/stack';
import type { ExampleVariant, PipelineIds } from '../test/support/pipeline-stacks';

/** The example's pipelines, in the order `synthExample` adds them. */
export const PIPELINES = ['Retail', 'Outlet', 'Online'] as const;
export type Pipeline = typeof PIPELINES[number];

/** The custom resources a handler creates (the training dataset is CloudFormation's own). */
export type CustomResourceKey = Exclude<keyof PipelineIds, 'dataset'>;

/** What the campaign does to the service or the runner around one operation. */
export type Injection =
  | { readonly kind: 'none' }
  /** The handler's environment dies right after its create call (`attempts` times in a row: Lambda retries twice). */
  | { readonly kind: 'crash'; readonly pipeline: Pipeline; readonly resource: CustomResourceKey; readonly attempts: 1 | 2 }
  /** The next create or delete of a resource type ends in CREATE_FAILED / DELETE_FAILED (emulator.failNext). */
  | { readonly kind: 'fail-next'; readonly resourceType: FailableResourceType; readonly phase: 'CREATE' | 'DELETE'; readonly message: string }
  /** Resources of one pipeline deleted by someone outside the stack before the operation, in this order. */
  | { readonly kind: 'deleted-outside'; readonly pipeline: Pipeline; readonly resources: ReadonlyArray<keyof PipelineIds> }
  /** The first pipeline's model is tagged to fail training (`emulator:fail`, in the operation's variant). */
  | { readonly kind: 'training-fails'; readonly message: string };

/** The outcome an operation must have. */
export interface Expectation {
  readonly status: StackStatus;
  /**
   * The resource the failure must name: the `resource` of one of `pipelines`
   * (several when the draws cannot tell which pipeline's resource the service
   * fails first), with `cause` in the reason.
   */
  readonly failure?: { readonly resource: keyof PipelineIds; readonly pipelines: readonly Pipeline[]; readonly cause: string };
}

export interface PlannedOperation {
  readonly kind: 'deploy' | 'destroy';
  /** What the operation stands for, as the report names it (`update: tags`, `destroy`...). */
  readonly label: string;
  /** The stack deployed (deploys only). */
  readonly variant?: ExampleVariant;
  readonly injection: Injection;
  readonly expected: Expectation;
  /**
   * After a destroy that fails on purpose: delete the resource that failed
   * outside the stack before the next destroy (as an operator would), or leave
   * it to the stack's own retry.
   */
  readonly deleteFailedOutside?: boolean;
}

export interface LifecyclePlan {
  /** 1-based, within the campaign. */
  readonly lifecycle: number;
  readonly faults: FaultOptions;
  readonly operations: readonly PlannedOperation[];
}

/** The fault mixes drawn from: up to the 30 % throttling and 20 % server errors issue 11 asks deployments to survive. */
const THROTTLE_RATES = [0, 0.1, 0.2, 0.3];
const SERVER_ERROR_RATES = [0, 0.05, 0.1, 0.2];
const LATENCIES_MS = [0, 0, 2, 10];

/**
 * Values each updatable field toggles between. Few on purpose: every
 * distinct variant is synthesized once, and synth is the slow part.
 */
const MORE_SIZES = [...AUDIENCE_SIZES, 200_000];
const NEW_PARTNER = '444455556666';
const RETRAINED = 'Lookalikes of our buyers, retrained by the chaos campaign';
const TAGS = { stage: 'chaos' };
const MODEL_NAMES = ['chaos-model-a', 'chaos-model-b'];

const TRAINING_FAILURE = 'not enough training data (chaos)';
const ONE_HOUR = 60;

/** Draws lifecycle `lifecycle` of the campaign seeded `seed`. */
export function drawPlan(seed: number, lifecycle: number): LifecyclePlan {
  const random = Random.forLifecycle(seed, lifecycle);
  const faults: FaultOptions = {
    throttleRate: random.pick(THROTTLE_RATES),
    serverErrorRate: random.pick(SERVER_ERROR_RATES),
    latencyMs: random.pick(LATENCIES_MS),
    seed: random.nextUint32(),
  };
  const planner = new Planner(random, withoutUndefined({
    pipelines: random.int(1, 3),
    modelName: random.chance(0.3) ? MODEL_NAMES[0] : undefined,
    // A model timeout of an hour needs no wait resources; the construct's default (24 hours) a chain of 24 per model,
    // which makes a lifecycle about twice as slow: a quarter of the stacks keep it, so that the chain is in the campaign.
    modelTimeoutMinutes: random.chance(0.25) ? undefined : ONE_HOUR,
  }));
  planner.create();
  const updates = random.int(1, 3);
  for (let update = 0; update < updates && planner.updatable; update++) planner.update();
  planner.destroy();
  return { lifecycle, faults, operations: planner.operations };
}

class Planner {
  public readonly operations: PlannedOperation[] = [];
  /** False once an update left the stack UPDATE_ROLLBACK_FAILED: only a destroy may follow. */
  public updatable = true;
  /** A pipeline whose generation job is gone (deleted outside the stack): no outside delete of it again. */
  private jobGone?: Pipeline;

  constructor(private readonly random: Random, private variant: ExampleVariant) {}

  private get pipelines(): Pipeline[] {
    return PIPELINES.slice(0, this.variant.pipelines ?? 1);
  }

  /** The first deploy; when it is meant to fail, the failed stack is destroyed and deployed again. */
  public create(): void {
    const failure = this.random.weighted<'none' | 'crash' | 'training' | 'model' | 'job' | 'export'>([
      ['none', 4], ['crash', 3], ['training', 1], ['model', 0.5], ['job', 1], ['export', 1],
    ]);
    if (failure === 'none' || failure === 'crash') {
      this.deploy('create', this.variant, failure === 'none' ? NONE : this.crash(this.pipelines), 'CREATE_COMPLETE');
      return;
    }
    if (failure === 'training') {
      this.deploy('create: training fails', withFailingTraining(this.variant), { kind: 'training-fails', message: TRAINING_FAILURE }, 'ROLLBACK_COMPLETE', {
        resource: 'model', pipelines: ['Retail'], cause: TRAINING_FAILURE,
      });
    } else {
      const resource = failure === 'model' ? 'model' : failure;
      const injection = failNext(resource, 'CREATE');
      // The service fails whichever create of the type comes first: any of the pipelines' resources.
      this.deploy(`create: ${resource} fails`, this.variant, injection, 'ROLLBACK_COMPLETE', {
        resource, pipelines: this.pipelines, cause: injection.message,
      });
    }
    this.operations.push({ kind: 'destroy', label: 'destroy after a failed create', injection: NONE, expected: { status: 'DELETE_COMPLETE' } });
    this.deploy('create again', this.variant, this.random.chance(0.5) ? this.crash(this.pipelines) : NONE, 'CREATE_COMPLETE');
  }

  /** One update, drawn among those the stack allows. */
  public update(): void {
    const named = this.variant.modelName !== undefined;
    const count = this.pipelines.length;
    const kind = this.random.weighted<string>([
      ['tags', 2], ['sizes', 2], ['partner', 1], ['replace', 2], ['replace-fails', 1],
      ['add', count < 3 ? 2 : 0], ['remove', count > 1 ? 1 : 0], ['job-gone', this.jobGone ? 0 : 1],
    ]);
    const v = this.variant;
    switch (kind) {
      case 'tags':
        return this.deploy('update: tags', this.next({ tags: v.tags ? undefined : TAGS }), NONE, 'UPDATE_COMPLETE');
      case 'sizes':
        return this.deploy('update: size bins', this.next({ audienceSizes: v.audienceSizes ? undefined : MORE_SIZES }), NONE, 'UPDATE_COMPLETE');
      case 'partner':
        return this.deploy('update: partner', this.next({ partnerAccountId: v.partnerAccountId ? undefined : NEW_PARTNER }), NONE, 'UPDATE_COMPLETE');
      case 'replace': {
        const modelDescription = v.modelDescription ? undefined : RETRAINED;
        if (named && this.random.chance(0.5)) {
          // A user-named model cannot be replaced under the same name: CloudFormation's rule, kept by the handler.
          return this.deploy('update: replace named model (refused)', { ...v, modelDescription }, NONE, 'UPDATE_ROLLBACK_COMPLETE', {
            resource: 'model', pipelines: ['Retail'], cause: `cannot replace the audience model "${v.modelName}" to change Description`,
          });
        }
        return this.deploy(named ? 'update: replace named model (renamed)' : 'update: replace model',
          this.next({ modelDescription, modelName: named ? otherName(v.modelName!) : undefined }), NONE, 'UPDATE_COMPLETE');
      }
      case 'replace-fails': {
        const replaced = {
          ...v,
          modelDescription: v.modelDescription ? undefined : RETRAINED,
          modelName: named ? otherName(v.modelName!) : undefined,
        };
        return this.deploy('update: replacement fails training', withFailingTraining(replaced), { kind: 'training-fails', message: TRAINING_FAILURE },
          'UPDATE_ROLLBACK_COMPLETE', { resource: 'model', pipelines: ['Retail'], cause: TRAINING_FAILURE });
      }
      case 'add': {
        const added = PIPELINES[count];
        const failure = this.random.weighted<'none' | 'crash' | 'job' | 'export'>([['none', 2], ['crash', 2], ['job', 1], ['export', 1]]);
        if (failure === 'none' || failure === 'crash') {
          return this.deploy('update: add a pipeline', this.next({ pipelines: count + 1 }), failure === 'none' ? NONE : this.crash([added]), 'UPDATE_COMPLETE');
        }
        const injection = failNext(failure, 'CREATE');
        return this.deploy(`update: add a pipeline, its ${failure} fails`, { ...v, pipelines: count + 1 }, injection, 'UPDATE_ROLLBACK_COMPLETE', {
          resource: failure, pipelines: [added], cause: injection.message,
        });
      }
      case 'remove':
        return this.deploy('update: remove a pipeline', this.next({ pipelines: count - 1 }), NONE, 'UPDATE_COMPLETE');
      default: {
        // Someone deletes a generation job; the next update must re-tag it and cannot, nor can its rollback: the stack needs a destroy.
        const pipeline = this.random.pick(this.pipelines);
        this.jobGone = pipeline;
        this.updatable = false;
        return this.deploy('update: tags of a job deleted outside', this.next({ tags: v.tags ? undefined : TAGS }),
          { kind: 'deleted-outside', pipeline, resources: ['job'] }, 'UPDATE_ROLLBACK_FAILED',
          { resource: 'job', pipelines: [pipeline], cause: 'failed with ResourceNotFoundException' });
      }
    }
  }

  /** The destroy; when a delete is made to fail, the destroy is retried. */
  public destroy(): void {
    // A job deleted outside the stack cannot be made to fail its delete: the other pipelines' jobs can.
    const withJobs = this.pipelines.filter((pipeline) => pipeline !== this.jobGone);
    const failure = this.random.weighted<'none' | 'outside' | 'model' | 'job'>([
      ['none', 4], ['outside', this.jobGone ? 0 : 2], ['model', 1], ['job', withJobs.length > 0 ? 1 : 0],
    ]);
    if (failure === 'none' || failure === 'outside') {
      const injection: Injection = failure === 'none' ? NONE : {
        kind: 'deleted-outside',
        pipeline: this.random.pick(this.pipelines),
        // The service refuses to delete a parent before its dependants: the chain is deleted from the job up.
        resources: (['job', 'configured', 'model', 'dataset'] as const).slice(0, this.random.int(1, 4)),
      };
      this.operations.push({ kind: 'destroy', label: failure === 'none' ? 'destroy' : 'destroy after deletes outside', injection, expected: { status: 'DELETE_COMPLETE' } });
      return;
    }
    const injection = failNext(failure, 'DELETE');
    this.operations.push({
      kind: 'destroy',
      label: `destroy: ${failure} delete fails`,
      injection,
      expected: { status: 'DELETE_FAILED', failure: { resource: failure, pipelines: failure === 'job' ? withJobs : this.pipelines, cause: injection.message } },
      deleteFailedOutside: this.random.chance(0.5),
    });
    this.operations.push({ kind: 'destroy', label: 'destroy again', injection: NONE, expected: { status: 'DELETE_COMPLETE' } });
  }

  /** The variant with the changes; it becomes the stack's. */
  private next(changes: Partial<ExampleVariant>): ExampleVariant {
    this.variant = withoutUndefined({ ...this.variant, ...changes });
    return this.variant;
  }

  private crash(pipelines: readonly Pipeline[]): Injection {
    return {
      kind: 'crash',
      pipeline: this.random.pick(pipelines),
      resource: this.random.pick(['model', 'configured', 'job', 'export'] as const),
      attempts: this.random.chance(0.75) ? 1 : 2,
    };
  }

  /** An operation expected to fail is given its variant without `next`: the rollback leaves the stack as it was. */
  private deploy(label: string, variant: ExampleVariant, injection: Injection, status: StackStatus, failure?: Expectation['failure']): void {
    this.operations.push({ kind: 'deploy', label, variant: withoutUndefined(variant), injection, expected: { status, failure } });
  }
}

const NONE: Injection = { kind: 'none' };

function failNext(resource: 'model' | 'job' | 'export', phase: 'CREATE' | 'DELETE'): Extract<Injection, { kind: 'fail-next' }> {
  const resourceType: FailableResourceType = resource === 'model' ? 'audience-model' : resource === 'job' ? 'audience-generation-job' : 'audience-export-job';
  return { kind: 'fail-next', resourceType, phase, message: `the chaos campaign failed this ${resourceType} ${phase.toLowerCase()}` };
}

function withFailingTraining(variant: ExampleVariant): ExampleVariant {
  return { ...variant, modelTags: { [FAIL_TAG]: 'CREATE', [FAIL_MESSAGE_TAG]: TRAINING_FAILURE } };
}

function otherName(name: string): string {
  return MODEL_NAMES.find((candidate) => candidate !== name)!;
}

/**
 * Variants are synthesized once per JSON text (synthExample's cache, and the
 * campaign's): `{ tags: undefined }` and `{}`, or the same fields in another
 * order, must be one variant.
 */
function withoutUndefined(variant: ExampleVariant): ExampleVariant {
  return Object.fromEntries(Object.entries(variant)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))) as ExampleVariant;
}
