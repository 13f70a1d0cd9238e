/**
 * Reading what `cdk synth` wrote: the stack's template and where the code of
 * its Lambda functions is. The cloud assembly is read with aws-cdk-lib's own
 * reader (`cx-api`), so nested assemblies (stages) and manifest versions are
 * handled as the CDK CLI handles them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Template, TemplateValidationError } from './template';

/** One stack to deploy, with what is needed to find its assets. */
export interface StackSource {
  readonly stackName: string;
  readonly template: Template;
  /** The directory `aws:asset:path` metadata is relative to. */
  readonly assemblyDirectory: string;
  /** Asset object keys (`<hash>.zip`) and hashes → the asset's source path in the assembly. */
  readonly assets: ReadonlyMap<string, string>;
  /** The stack's environment when it names a concrete account and region. */
  readonly account?: string;
  readonly region?: string;
}

/** Reads a stack from a cdk.out directory or a template file. */
export function loadStack(assemblyOrTemplate: string, stackName?: string): StackSource {
  const path = resolve(assemblyOrTemplate);
  if (!existsSync(path)) {
    throw new Error(`${assemblyOrTemplate} does not exist: pass a cdk.out directory or a template file`);
  }
  if (statSync(path).isDirectory()) {
    return fromAssembly(path, stackName);
  }
  // A template inside a cloud assembly: read the assembly, for its asset manifests.
  const manifest = join(dirname(path), 'manifest.json');
  if (existsSync(manifest)) {
    const stack = readAssembly(dirname(path)).stacksRecursively.find((candidate) => resolve(candidate.templateFullPath) === path);
    if (stack && (stackName === undefined || stackName === stack.stackName)) {
      return fromArtifact(stack);
    }
  }
  let template: Template;
  try {
    template = JSON.parse(readFileSync(path, 'utf8')) as Template;
  } catch (error) {
    throw new TemplateValidationError(`Template format error: ${path} is not a JSON template (${(error as Error).message})`);
  }
  return {
    stackName: stackName ?? basename(path).replace(/(\.template)?\.json$/i, ''),
    template,
    assemblyDirectory: dirname(path),
    assets: new Map(),
  };
}

/** The names of the stacks of a cdk.out directory. */
export function listStacks(assemblyDirectory: string): string[] {
  return readAssembly(resolve(assemblyDirectory)).stacksRecursively.map((stack) => stack.stackName);
}

function fromAssembly(directory: string, stackName: string | undefined): StackSource {
  const stacks = readAssembly(directory).stacksRecursively;
  if (stacks.length === 0) {
    throw new Error(`${directory} holds no stack`);
  }
  if (stackName === undefined) {
    if (stacks.length > 1) {
      throw new Error(`${directory} holds ${stacks.length} stacks (${stacks.map((stack) => stack.stackName).join(', ')}): choose one with --stack`);
    }
    return fromArtifact(stacks[0]);
  }
  const stack = stacks.find((candidate) => candidate.stackName === stackName || candidate.hierarchicalId === stackName || candidate.id === stackName);
  if (!stack) {
    throw new Error(`${directory} has no stack named ${stackName} (it has ${stacks.map((candidate) => candidate.stackName).join(', ')})`);
  }
  return fromArtifact(stack);
}

function readAssembly(directory: string): cxapi.CloudAssembly {
  if (!existsSync(join(directory, 'manifest.json'))) {
    throw new Error(`${directory} is not a cloud assembly (no manifest.json): run \`cdk synth\` first`);
  }
  return new cxapi.CloudAssembly(directory, { skipVersionCheck: true });
}

function fromArtifact(stack: cxapi.CloudFormationStackArtifact): StackSource {
  const assets = new Map<string, string>();
  for (const dependency of stack.dependencies) {
    if (!cxapi.AssetManifestArtifact.isAssetManifestArtifact(dependency)) continue;
    const manifest = JSON.parse(readFileSync(dependency.file, 'utf8')) as AssetManifestFile;
    for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
      const source = asset.source?.path;
      if (!source) continue;
      const sourcePath = isAbsolute(source) ? source : join(dirname(dependency.file), source);
      assets.set(hash, sourcePath);
      for (const destination of Object.values(asset.destinations ?? {})) {
        if (destination.objectKey) assets.set(destination.objectKey, sourcePath);
      }
    }
  }
  const concrete = (value: string): string | undefined => (cxapi.UNKNOWN_ACCOUNT === value || cxapi.UNKNOWN_REGION === value ? undefined : value);
  return {
    stackName: stack.stackName,
    template: stack.template as Template,
    assemblyDirectory: stack.assembly.directory,
    assets,
    account: concrete(stack.environment.account),
    region: concrete(stack.environment.region),
  };
}

interface AssetManifestFile {
  readonly files?: {
    readonly [hash: string]: {
      readonly source?: { readonly path?: string };
      readonly destinations?: { readonly [id: string]: { readonly objectKey?: string } };
    };
  };
}
