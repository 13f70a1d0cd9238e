/** Stacks of the whole-stack suites, synthesized into temporary cloud assemblies. */
import { App, Stack } from 'aws-cdk-lib';
import { temporaryDirectory } from './temporary-directories';

/** Synthesizes one stack into a new cloud assembly directory and returns it. */
export function synth(build: (stack: Stack) => void, stackName = 'RunnerTestStack'): string {
  const outdir = temporaryDirectory('cdk-out-');
  const app = new App({ outdir });
  build(new Stack(app, stackName));
  app.synth();
  return outdir;
}
