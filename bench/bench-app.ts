/**
 * The stacks the benchmark synthesizes: N lookalike pipelines written with
 * this library (examples/lookalike-pipeline's `LookalikePipeline`) or with
 * aws-cdk-lib's `AwsCustomResource` (aws-custom-resource-pipeline.ts), all
 * around the same buckets; an empty stack, the floor; and the example stack
 * itself, which the benchmark deploys on the emulator.
 *
 * The library's pipelines come in three configurations: as a user gets them
 * (`library`: the audience model's default 24-hour timeout, waited for
 * through wait conditions signalled by the stack's training poller, then one
 * ready resource), with the model's timeout set to one hour
 * (`library-model-timeout-1h`: nothing after the model's own resource, and
 * no longer a wait than the AwsCustomResource version could not do anyway),
 * and with the longest timeout the library takes
 * (`library-model-timeout-72h`: the most wait conditions).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsCustomResourcePipeline } from './aws-custom-resource-pipeline';
import { createAudienceBuckets, EXAMPLE_ENV, LookalikePipelineProps, useExampleFeatureFlags } from '../examples/lookalike-pipeline/environment';

/**
 * The example's stack module, loaded only by the stacks that use the library
 * (esbuild turns this `require` into a lazy initializer), so that the
 * hand-written and empty stacks' synth times do not include loading the
 * library, as in a user's app written without it.
 */
function example(): typeof import('../examples/lookalike-pipeline/stack') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../examples/lookalike-pipeline/stack');
}

/** Stacks of N pipelines. */
export type PipelineVariant = 'library' | 'library-model-timeout-1h' | 'library-model-timeout-72h' | 'aws-custom-resource';
export type StackVariant = PipelineVariant | 'empty' | 'example';

/** The timeout of the `library-model-timeout-1h` pipelines' audience models: the longest one custom resource waits, so no wait resource. */
export const ONE_HOUR_MODEL_TIMEOUT = Duration.hours(1);

/** The timeout of the `library-model-timeout-72h` pipelines' audience models: the longest AudienceModel takes, so the most wait conditions. */
export const SEVENTY_TWO_HOUR_MODEL_TIMEOUT = Duration.hours(72);

/** The audience model's timeout in each configuration of the library's pipelines (undefined: the construct's default). */
const MODEL_TIMEOUTS: Record<Exclude<PipelineVariant, 'aws-custom-resource'>, Duration | undefined> = {
  'library': undefined,
  'library-model-timeout-1h': ONE_HOUR_MODEL_TIMEOUT,
  'library-model-timeout-72h': SEVENTY_TWO_HOUR_MODEL_TIMEOUT,
};

/**
 * - `validation-off`: `app.synth({ skipValidation: true })`, aws-cdk-lib's
 *   only in-process validation switch (it skips every construct's
 *   `node.validate()`, the library's own checks included);
 * - `defaults`: validation on, and the context `cdk synth` gives an app by
 *   default (construct path and asset metadata, the version-reporting
 *   AWS::CDK::Metadata resource) — a synth as users run it.
 */
export type SynthMode = 'validation-off' | 'defaults';

export const SYNTH_MODES: readonly SynthMode[] = ['validation-off', 'defaults'];

/** What the CDK CLI (`cdk synth`, `cdk deploy`) puts in an app's context unless told otherwise. */
export const CDK_CLI_DEFAULT_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
};

/** aws-cdk-lib's context key for the resource count it allows a stack (0: no check). */
const RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

/** Name of every synthesized stack but the example's. */
export const BENCH_STACK_NAME = 'Bench';
export const EXAMPLE_STACK_NAME = 'LookalikePipeline';

export interface BenchAppOptions {
  readonly variant: StackVariant;
  /** Pipelines of a `PipelineVariant` stack. */
  readonly pipelines: number;
  readonly mode: SynthMode;
  readonly outdir: string;
  /**
   * Off: aws-cdk-lib does not refuse a stack of more than 500 resources, so
   * that stacks CloudFormation would refuse can still be timed.
   */
  readonly resourceLimitCheck: boolean;
}

/** Builds the app and synthesizes it into `outdir`; returns the stack's name. */
export function synthesizeBenchApp(options: BenchAppOptions): string {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...(options.mode === 'defaults' ? CDK_CLI_DEFAULT_CONTEXT : {}),
      ...(options.resourceLimitCheck ? {} : { [RESOURCE_LIMIT_CONTEXT]: 0 }),
    },
  });
  const stackName = defineStack(app, options.variant, options.pipelines);
  app.synth({ skipValidation: options.mode === 'validation-off' });
  return stackName;
}

function defineStack(app: App, variant: StackVariant, pipelines: number): string {
  switch (variant) {
    case 'empty':
      new Stack(app, BENCH_STACK_NAME, { env: EXAMPLE_ENV });
      return BENCH_STACK_NAME;
    case 'example':
      new (example().LookalikePipelineStack)(app, EXAMPLE_STACK_NAME, { env: EXAMPLE_ENV });
      return EXAMPLE_STACK_NAME;
    case 'library':
    case 'library-model-timeout-1h':
    case 'library-model-timeout-72h':
    case 'aws-custom-resource': {
      const stack = new Stack(app, BENCH_STACK_NAME, { env: EXAMPLE_ENV });
      const buckets = sharedBuckets(stack);
      for (let index = 1; index <= pipelines; index++) {
        const props = pipelineProps(index, buckets);
        if (variant === 'aws-custom-resource') {
          new AwsCustomResourcePipeline(stack, `Pipeline${index}`, props);
        } else {
          new (example().LookalikePipeline)(stack, `Pipeline${index}`, { ...props, modelTimeout: MODEL_TIMEOUTS[variant] });
        }
      }
      return BENCH_STACK_NAME;
    }
  }
}

interface SharedBuckets {
  readonly dataBucket: s3.IBucket;
  readonly audienceBucket: s3.IBucket;
}

/** The example stack's buckets, shared by every pipeline of either kind. */
function sharedBuckets(stack: Stack): SharedBuckets {
  // The example's feature flags, for the same buckets.
  useExampleFeatureFlags(stack);
  const dataBucket = s3.Bucket.fromBucketName(stack, 'Data', 'retail-interactions-data');
  const { audienceBucket } = createAudienceBuckets(stack);
  return { dataBucket, audienceBucket };
}

/** Pipeline `index` of a stack: its own table, seed and output prefix. */
function pipelineProps(index: number, buckets: SharedBuckets): LookalikePipelineProps {
  return {
    ...buckets,
    tableName: `interactions_${index}`,
    dataPrefix: `interactions/${index}/`,
    seedKey: `seeds/buyers-${index}.csv`,
    outputPrefix: `lookalike/${index}/`,
    partnerAccountId: '111122223333',
  };
}
