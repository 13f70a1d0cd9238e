/**
 * Compares the template an app in another jsii language synthesized with the
 * TypeScript example's (examples/lookalike-pipeline, default options),
 * resource by resource: the same logical ids, types, properties,
 * dependencies, conditions and policies, and the same parameters, rules,
 * conditions, mappings and outputs. Only what legitimately differs between
 * two languages' synths is set aside:
 *
 * - asset hashes (64 hex digits, in S3 keys and asset paths), which depend on
 *   where and how an asset was staged;
 * - the `aws:cdk:path` and `aws:asset:*` metadata of a resource (construct
 *   paths and staging directories, not what CloudFormation deploys);
 * - the `CDKMetadata` resource, whose analytics name the language and the
 *   versions of the runtime and libraries.
 *
 *   ts-node --project examples/tsconfig.json examples/compare-templates.ts <cdk.out> <language> [aws-cdk-lib package]
 *
 * exits 1, listing every difference, when the templates differ. The third
 * argument synthesizes the TypeScript example with another installed
 * aws-cdk-lib, e.g. `aws-cdk-lib-newest` (what the Go app runs on: README,
 * "Packages and languages"), every `aws-cdk-lib` import resolved to it, as
 * test:newest-aws-cdk-lib does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Json = any;

/** The stack every language's app declares. */
export const STACK_NAME = 'LookalikePipeline';

const ASSET_HASH = /[0-9a-f]{64}/g;
/** Resource metadata keys that name where the synth ran, not what is deployed. */
const SYNTH_METADATA = /^aws:(cdk:path|asset:)/;

/** The template with what may differ between two languages' synths set aside (see the file's comment). */
export function normalizeTemplate(template: Json): Json {
  const copy = JSON.parse(JSON.stringify(template, (_key, value) =>
    typeof value === 'string' ? value.replace(ASSET_HASH, '<asset hash>') : value));
  delete copy.Resources?.CDKMetadata;
  // The CDKMetadata resource's condition (environment-agnostic stacks only).
  delete copy.Conditions?.CDKMetadataAvailable;
  for (const resource of Object.values<Json>(copy.Resources ?? {})) {
    if (resource.Metadata) {
      for (const key of Object.keys(resource.Metadata)) {
        if (SYNTH_METADATA.test(key)) delete resource.Metadata[key];
      }
      if (Object.keys(resource.Metadata).length === 0) delete resource.Metadata;
    }
    // One dependency may be written as a string or a one-element list.
    if (typeof resource.DependsOn === 'string') resource.DependsOn = [resource.DependsOn];
    if (Array.isArray(resource.DependsOn)) resource.DependsOn = [...resource.DependsOn].sort();
  }
  return copy;
}

/**
 * Every difference between two normalized templates, as `path: expected …,
 * actual …` lines, resources first by logical id; empty when they are equal.
 */
export function templateDifferences(expected: Json, actual: Json, actualLabel = 'actual'): string[] {
  const differences: string[] = [];
  const describe = (value: Json) => (value === undefined ? '(absent)' : JSON.stringify(value));
  const walk = (path: string, a: Json, b: Json): void => {
    const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object'
      && Array.isArray(a) === Array.isArray(b);
    if (bothObjects) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of [...keys].sort()) walk(path ? `${path}.${key}` : key, a[key], b[key]);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      differences.push(`${path}: typescript ${describe(a)}, ${actualLabel} ${describe(b)}`);
    }
  };
  walk('', expected, actual);
  return differences;
}

/** Resolves every later `aws-cdk-lib` import of this process to another installed package. */
function resolveAwsCdkLibTo(pkg: string): void {
  const moduleInternals = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolveFilename = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = (request, ...rest) =>
    resolveFilename(request.replace(/^aws-cdk-lib(?=\/|$)/, pkg), ...rest);
}

/**
 * The TypeScript example's template, synthesized into a temporary directory
 * with `awsCdkLib` (call it before anything else of the process loads aws-cdk-lib).
 */
export function typescriptTemplate(awsCdkLib = 'aws-cdk-lib'): Json {
  if (awsCdkLib !== 'aws-cdk-lib') resolveAwsCdkLibTo(awsCdkLib);
  // Loaded here, after the resolution is settled (an import would load aws-cdk-lib first).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { EXAMPLE_ENV, LookalikePipelineStack } = require('./lookalike-pipeline/stack') as typeof import('./lookalike-pipeline/stack');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const outdir = mkdtempSync(join(tmpdir(), 'lookalike-ts-'));
  try {
    const app = new App({ outdir });
    new LookalikePipelineStack(app, STACK_NAME, { env: EXAMPLE_ENV });
    return app.synth().getStackByName(STACK_NAME).template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function main(argv: string[]): number {
  const [cdkOut, language, awsCdkLib] = argv;
  if (!cdkOut || !language) {
    console.error('usage: compare-templates.ts <cdk.out of the other app> <its language> [aws-cdk-lib package]');
    return 2;
  }
  const actual = JSON.parse(readFileSync(join(cdkOut, `${STACK_NAME}.template.json`), 'utf8'));
  const expected = typescriptTemplate(awsCdkLib);
  const version: string = JSON.parse(readFileSync(require.resolve(`${awsCdkLib ?? 'aws-cdk-lib'}/package.json`), 'utf8')).version;
  const normalizedExpected = normalizeTemplate(expected);
  const differences = templateDifferences(normalizedExpected, normalizeTemplate(actual), language);
  const resources = Object.keys(normalizedExpected.Resources ?? {}).length;
  if (differences.length > 0) {
    console.error(`${language}: the template differs from the TypeScript example's (aws-cdk-lib ${version}) in ${differences.length} place(s):`);
    differences.forEach((d) => console.error(`  ${d}`));
    return 1;
  }
  console.log(`${language}: template equal to the TypeScript example's (aws-cdk-lib ${version}): ${resources} resources, logical ids, types, properties and dependencies`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
