/**
 * The runner's record of what it deployed, kept in a JSON file so deploy,
 * update and destroy work across invocations: per stack, its id, status,
 * the template last deployed, per logical id the physical id, the
 * properties last applied and the attributes Fn::GetAtt returns, and the
 * executions of its state machines (whose names stay taken across operations).
 *
 * Files next to the state file (same base name):
 * - `<base>.emulator.json`: the state of the emulator the runner starts itself;
 * - `<base>.secrets.json`: the secrets of the Secrets Manager emulator it starts;
 * - `<base>.functions/`: the code of the Lambda functions as deployed (as
 *   Lambda keeps a copy: a later destroy runs the code that was deployed,
 *   whatever cdk.out holds by then);
 * - `<base>.lambda.log`: what the functions logged.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { StackStatus, ResourceStatus } from './events';
import type { ExecutionSummary } from './step-functions';
import type { Json, Template } from './template';

export const STATE_FILE_VERSION = 1;

/** Where a Lambda function's code was copied to (relative to the state file's directory). */
export interface FunctionCode {
  readonly directory: string;
}

/** Who carries out a resource's lifecycle. */
/**
 * How the runner carries out a resource: `provider-framework`, a custom
 * resource of an aws-cdk-lib Provider; `lambda-function`, a custom resource
 * whose ServiceToken is a function of the stack, which answers at its
 * ResponseURL; `emulator`, on the emulator; `recorded`, recorded only.
 */
export type ResourceHandling = 'provider-framework' | 'lambda-function' | 'emulator' | 'recorded';

export interface ResourceRecord {
  readonly type: string;
  readonly handling: ResourceHandling;
  readonly physicalResourceId: string;
  /** The resolved properties last applied (custom resources: as sent, before string conversion). */
  readonly properties: { readonly [key: string]: Json };
  /** What Fn::GetAtt returns (custom resources: the response's Data). */
  readonly attributes: { readonly [key: string]: Json };
  readonly status: ResourceStatus;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  /** Logical ids this resource depends on, for deleting in reverse order. */
  readonly dependsOn: readonly string[];
  /** Lambda functions: their copied code. */
  readonly code?: FunctionCode;
  /** Custom resources: the response asked for NoEcho (Data hidden in status output). */
  readonly noEcho?: boolean;
  readonly lastUpdated: string;
}

/** A closed execution of one of the stack's state machines: an ExecutionSummary with ISO 8601 dates. */
export type ExecutionRecord = Omit<ExecutionSummary, 'startDate' | 'stopDate'> & {
  readonly startDate: string;
  readonly stopDate?: string;
};

export function executionRecord(summary: ExecutionSummary): ExecutionRecord {
  return { ...summary, startDate: summary.startDate.toISOString(), stopDate: summary.stopDate?.toISOString() };
}

export function executionSummary(record: ExecutionRecord): ExecutionSummary {
  return { ...record, startDate: new Date(record.startDate), stopDate: record.stopDate === undefined ? undefined : new Date(record.stopDate) };
}

export interface StackRecord {
  readonly stackName: string;
  readonly stackId: string;
  status: StackStatus;
  statusReason?: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The emulator the stack was deployed to when it was not the runner's own. */
  endpoint?: string;
  /** The template the resources below correspond to. */
  template: Template;
  parameters: { readonly [name: string]: string };
  resources: { [logicalId: string]: ResourceRecord };
  outputs: { readonly [name: string]: string };
  exports: { readonly [name: string]: string };
  /**
   * The export names the stack's template imports (Fn::ImportValue), as of
   * its last completed create or update: what CloudFormation's ListImports
   * counts, and what keeps the exporting stack from deleting or changing them.
   * Absent in state files written before imports were recorded.
   */
  imports?: readonly string[];
  /**
   * The executions of the stack's state machines, as of the end of its last
   * operation (each closed by then): on AWS an execution's name stays taken
   * for 90 days, whatever operation started it. Absent in state files
   * written before executions were kept.
   */
  executions?: readonly ExecutionRecord[];
  readonly creationTime: string;
  lastUpdatedTime: string;
}

export interface DeploymentStateFile {
  readonly version: number;
  stacks: { [stackName: string]: StackRecord };
}

/** The state file and the files kept next to it. */
export class DeploymentState {
  /** Reads the state file (an empty state if it does not exist yet). */
  public static load(stateFile: string): DeploymentState {
    const path = resolve(stateFile);
    if (!existsSync(path)) {
      return new DeploymentState(path, { version: STATE_FILE_VERSION, stacks: {} });
    }
    let data: DeploymentStateFile;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as DeploymentStateFile;
    } catch (error) {
      throw new Error(`Cannot read the deployment state file ${path}: ${(error as Error).message}`);
    }
    if (data?.version !== STATE_FILE_VERSION || typeof data.stacks !== 'object') {
      throw new Error(`${path} is not a cleanrooms-ml-local deployment state file (version ${STATE_FILE_VERSION})`);
    }
    return new DeploymentState(path, data);
  }

  private constructor(public readonly path: string, public readonly data: DeploymentStateFile) {}

  public get directory(): string {
    return dirname(this.path);
  }

  /** `<dir>/<base>`: the prefix of the files kept next to the state file. */
  public get prefix(): string {
    return join(this.directory, basename(this.path, extname(this.path)));
  }

  public get emulatorStateFile(): string {
    return `${this.prefix}.emulator.json`;
  }

  public get secretsManagerStateFile(): string {
    return `${this.prefix}.secrets.json`;
  }

  public get functionsDirectory(): string {
    return `${this.prefix}.functions`;
  }

  public get functionLogFile(): string {
    return `${this.prefix}.lambda.log`;
  }

  public stack(stackName: string): StackRecord | undefined {
    return this.data.stacks[stackName];
  }

  public putStack(record: StackRecord): void {
    this.data.stacks[record.stackName] = record;
  }

  public removeStack(stackName: string): void {
    delete this.data.stacks[stackName];
  }

  /** Writes the state atomically (a crash leaves the previous or the new file, never half of one). */
  public save(): void {
    mkdirSync(this.directory, { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.data, undefined, 2)}\n`);
    renameSync(temporary, this.path);
  }

  /** The other stacks that import `exportName`, by name. */
  public importersOf(exportName: string, exporter: string): string[] {
    return Object.values(this.data.stacks)
      .filter((stack) => stack.stackName !== exporter && (stack.imports ?? []).includes(exportName))
      .map((stack) => stack.stackName);
  }

  /** Every export of every stack, for Fn::ImportValue. */
  public exports(): Map<string, { readonly stackName: string; readonly value: string }> {
    const all = new Map<string, { readonly stackName: string; readonly value: string }>();
    for (const stack of Object.values(this.data.stacks)) {
      for (const [name, value] of Object.entries(stack.exports ?? {})) {
        all.set(name, { stackName: stack.stackName, value });
      }
    }
    return all;
  }
}
