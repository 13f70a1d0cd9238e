/**
 * One measured synthesis, in a process of its own so that its peak memory is
 * the process's (bench/run.ts bundles this file with esbuild and runs it with
 * plain `node`, the way `cdk synth` runs a compiled app):
 *
 *   node synth-child.js <variant> <pipelines> <mode> <outdir> [no-resource-limit]
 *
 * Prints `{"stackName":…,"maxRssKb":…}` on stdout; the parent times the process.
 */
import { StackVariant, SynthMode, synthesizeBenchApp } from './bench-app';

const [variant, pipelines, mode, outdir, limit] = process.argv.slice(2);
const stackName = synthesizeBenchApp({
  variant: variant as StackVariant,
  pipelines: Number(pipelines),
  mode: mode as SynthMode,
  outdir,
  resourceLimitCheck: limit !== 'no-resource-limit',
});
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(JSON.stringify({ stackName, maxRssKb: process.resourceUsage().maxRSS }));
