/**
 * The templates the project's outside checks (cfn-lint) run on: every stack
 * the example and the benchmark synthesize, at 1 and 3 pipelines and with
 * the audience model's timeout at 1 hour (no wait resources), 24 hours (the
 * default: 24 wait resources) and 72 hours (the longest accepted: 74), and
 * both stacks of the two-account collaboration example.
 *
 * Kept apart from the runner so that another check, or the same check under
 * another aws-cdk-lib, can synthesize the same list.
 */
import { mkdirSync } from 'fs';
import { join } from 'path';
import { App, Duration } from 'aws-cdk-lib';
import { CDK_CLI_DEFAULT_CONTEXT, PipelineVariant, synthesizeBenchApp } from '../bench/bench-app';
import { MODEL_OWNER_ENV, SEED_PROVIDER_ENV } from '../examples/collaboration/accounts';
import { ModelOwnerStack } from '../examples/collaboration/model-owner-stack';
import { SeedProviderStack } from '../examples/collaboration/seed-provider-stack';
import { EXAMPLE_ENV, LookalikePipelineStack } from '../examples/lookalike-pipeline/stack';

/** One template to check, synthesized on demand. */
export interface CheckedTemplate {
  /** Unique, usable as a directory name, e.g. `example-model-timeout-72h-3-pipelines`. */
  readonly name: string;
  /** Synthesizes the app into `outdir`; returns the template's path. */
  readonly synthesize: (outdir: string) => string;
}

/** The pipeline counts and model timeouts every library stack is checked at. */
export const PIPELINE_COUNTS = [1, 3] as const;
export const MODEL_TIMEOUT_HOURS = [1, 24, 72] as const;

/** The example stack (examples/lookalike-pipeline) as `cdk synth` writes it, with more pipelines and another model timeout. */
function exampleTemplate(pipelines: number, modelTimeoutHours: number): CheckedTemplate {
  const timeout = modelTimeoutHours === 24 ? '' : `-model-timeout-${modelTimeoutHours}h`;
  return {
    name: `example${timeout}-${pipelines}-pipeline${pipelines === 1 ? '' : 's'}`,
    synthesize: (outdir) => {
      const app = new App({ outdir, context: CDK_CLI_DEFAULT_CONTEXT });
      // 24 hours is the construct's default: left unset, as app.ts leaves it.
      const modelTimeout = modelTimeoutHours === 24 ? undefined : Duration.hours(modelTimeoutHours);
      const stack = new LookalikePipelineStack(app, 'LookalikePipeline', { env: EXAMPLE_ENV, modelTimeout });
      for (let index = 2; index <= pipelines; index++) {
        stack.addPipeline(`Pipeline${index}`, {
          tableName: `interactions_${index}`,
          dataPrefix: `interactions/${index}/`,
          seedKey: `seeds/buyers-${index}.csv`,
          outputPrefix: `lookalike/${index}/`,
          modelTimeout,
        });
      }
      app.synth();
      return join(outdir, `${stack.artifactId}.template.json`);
    },
  };
}

/** A stack of the benchmark (bench/bench-app.ts), as `cdk synth` writes it. */
function benchTemplate(variant: PipelineVariant, pipelines: number): CheckedTemplate {
  return {
    name: `bench-${variant}-${pipelines}-pipeline${pipelines === 1 ? '' : 's'}`,
    synthesize: (outdir) => {
      const stackName = synthesizeBenchApp({ variant, pipelines, mode: 'defaults', outdir, resourceLimitCheck: true });
      return join(outdir, `${stackName}.template.json`);
    },
  };
}

/** One stack of the two-account collaboration example (examples/collaboration), as `cdk synth` writes it. */
function collaborationTemplate(side: 'model-owner' | 'seed-provider'): CheckedTemplate {
  return {
    name: `collaboration-${side}`,
    synthesize: (outdir) => {
      const app = new App({ outdir, context: CDK_CLI_DEFAULT_CONTEXT });
      const stack = side === 'model-owner'
        ? new ModelOwnerStack(app, 'CollaborationModelOwner', { env: MODEL_OWNER_ENV, seedProviderAccountId: SEED_PROVIDER_ENV.account })
        : new SeedProviderStack(app, 'CollaborationSeedProvider', { env: SEED_PROVIDER_ENV });
      app.synth();
      return join(outdir, `${stack.artifactId}.template.json`);
    },
  };
}

/** Every template the project checks. */
export const CHECKED_TEMPLATES: readonly CheckedTemplate[] = [
  ...PIPELINE_COUNTS.flatMap((pipelines) => MODEL_TIMEOUT_HOURS.map((hours) => exampleTemplate(pipelines, hours))),
  ...PIPELINE_COUNTS.flatMap((pipelines) => (['library', 'library-model-timeout-1h', 'library-model-timeout-72h', 'aws-custom-resource'] as const)
    .map((variant) => benchTemplate(variant, pipelines))),
  collaborationTemplate('model-owner'),
  collaborationTemplate('seed-provider'),
];

/** A synthesized template: its name in CHECKED_TEMPLATES and its file. */
export interface SynthesizedTemplate {
  readonly name: string;
  readonly file: string;
}

/** Synthesizes `templates` (all by default) into subdirectories of `dir`, one app each. */
export function synthesizeTemplates(dir: string, templates: readonly CheckedTemplate[] = CHECKED_TEMPLATES): SynthesizedTemplate[] {
  return templates.map((template) => {
    const outdir = join(dir, template.name);
    mkdirSync(outdir, { recursive: true });
    return { name: template.name, file: template.synthesize(outdir) };
  });
}
