/**
 * The lookalike pipeline example as a CDK app.
 *
 *   npx projen synth:example                       # writes examples/lookalike-pipeline/cdk.out
 *   cd examples/lookalike-pipeline && npx cdk synth  # or with the cdk CLI (cdk.json)
 *
 * `npx cleanrooms-ml-local deploy examples/lookalike-pipeline/cdk.out --stack LookalikePipeline`
 * then carries it out on the embedded emulator.
 */
import { App } from 'aws-cdk-lib';
import { EXAMPLE_ENV, LookalikePipelineStack } from './stack';

// The output directory comes from CDK_OUTDIR (set by the cdk CLI and by `synth:example`).
const app = new App();
new LookalikePipelineStack(app, 'LookalikePipeline', { env: EXAMPLE_ENV });
app.synth();
