/**
 * A process of the campaign (forked by run.ts): synthesizes the stack
 * variants it is given, then runs lifecycles one at a time. Lifecycles run in
 * processes of their own, never side by side in one: the local runner gives
 * each function invocation the process's environment and console.
 */
import { runLifecycle } from './lifecycle';
import type { LifecyclePlan } from './plan';
import { ExampleVariant, synthExample, useAssembly } from '../test/support/pipeline-stacks';
import { removeTemporaryDirectories } from '../test/support/temporary-directories';

/** What run.ts sends. */
export type WorkerRequest =
  | { readonly type: 'synth'; readonly variants: readonly string[] }
  | { readonly type: 'use'; readonly assemblies: ReadonlyArray<readonly [string, string]> }
  | { readonly type: 'run'; readonly plan: LifecyclePlan }
  | { readonly type: 'exit' };

/** What a worker answers. */
export type WorkerReply =
  | { readonly type: 'synthesized'; readonly assemblies: ReadonlyArray<readonly [string, string]> }
  | { readonly type: 'report'; readonly report: import('./lifecycle').LifecycleReport };

function reply(message: WorkerReply): void {
  process.send!(message);
}

process.on('message', (request: WorkerRequest) => {
  void handle(request).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'synth':
      // Variants travel as their JSON text: the key synthExample caches them under.
      reply({ type: 'synthesized', assemblies: request.variants.map((json) => [json, synthExample(JSON.parse(json) as ExampleVariant)] as const) });
      return;
    case 'use':
      request.assemblies.forEach(([json, outdir]) => useAssembly(JSON.parse(json) as ExampleVariant, outdir));
      return;
    case 'run':
      reply({ type: 'report', report: await runLifecycle(request.plan) });
      return;
    case 'exit':
      // Every process's lifecycles are over: the assemblies this one synthesized are no longer read by any.
      removeTemporaryDirectories();
      process.disconnect();
      return;
  }
}
