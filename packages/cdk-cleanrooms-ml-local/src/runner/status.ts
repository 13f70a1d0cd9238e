/**
 * What the state file says is deployed: per stack, its status, resources and
 * outputs (as DescribeStacks and DescribeStackResources would show them).
 */
import type { ResourceSummary } from './deployment';
import type { StackStatus } from './events';
import { DeploymentState } from './state';

export interface StatusOptions {
  readonly stateFile: string;
  /** @default every stack of the state file */
  readonly stackName?: string;
}

export interface StackStatusReport {
  readonly stackName: string;
  readonly stackId: string;
  readonly status: StackStatus;
  readonly statusReason?: string;
  readonly creationTime: string;
  readonly lastUpdatedTime: string;
  readonly accountId: string;
  readonly region: string;
  /** The emulator the stack lives on: an endpoint, or the runner's own (state in `emulatorStateFile`). */
  readonly endpoint?: string;
  readonly emulatorStateFile?: string;
  readonly resources: readonly ResourceSummary[];
  readonly outputs: Readonly<Record<string, string>>;
}

/** The recorded stacks (or the one named); an unknown name is an error. */
export function stackStatus(options: StatusOptions): StackStatusReport[] {
  const state = DeploymentState.load(options.stateFile);
  const names = options.stackName === undefined ? Object.keys(state.data.stacks) : [options.stackName];
  return names.map((name) => {
    const stack = state.stack(name);
    if (!stack) {
      throw new Error(`Stack with id ${name} does not exist in ${state.path}`);
    }
    return {
      stackName: stack.stackName,
      stackId: stack.stackId,
      status: stack.status,
      ...(stack.statusReason ? { statusReason: stack.statusReason } : {}),
      creationTime: stack.creationTime,
      lastUpdatedTime: stack.lastUpdatedTime,
      accountId: stack.accountId,
      region: stack.region,
      ...(stack.endpoint ? { endpoint: stack.endpoint } : { emulatorStateFile: state.emulatorStateFile }),
      resources: Object.entries(stack.resources).map(([logicalResourceId, record]) => ({
        logicalResourceId,
        resourceType: record.type,
        physicalResourceId: record.physicalResourceId,
        resourceStatus: record.status,
      })),
      outputs: { ...stack.outputs },
    };
  });
}

/** A human-readable listing of status reports. */
export function formatStatus(reports: readonly StackStatusReport[]): string {
  if (reports.length === 0) {
    return 'No stack deployed.\n';
  }
  return reports.map((report) => {
    const lines = [
      `${report.stackName}  ${report.status}${report.statusReason ? `  (${report.statusReason})` : ''}`,
      `  ${report.stackId}`,
      `  account ${report.accountId}, region ${report.region}, emulator ${report.endpoint ?? `started by the runner (state in ${report.emulatorStateFile})`}`,
      `  last updated ${report.lastUpdatedTime}`,
    ];
    if (report.resources.length > 0) {
      const rows = report.resources.map((resource) =>
        [resource.logicalResourceId, resource.resourceType, resource.resourceStatus, resource.physicalResourceId]);
      const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
      lines.push('  Resources:');
      rows.forEach((row) => lines.push(`    ${row.slice(0, 3).map((cell, index) => cell.padEnd(widths[index])).join('  ')}  ${row[3]}`));
    }
    const outputs = Object.entries(report.outputs);
    if (outputs.length > 0) {
      lines.push('  Outputs:');
      outputs.forEach(([name, value]) => lines.push(`    ${report.stackName}.${name} = ${value}`));
    }
    return `${lines.join('\n')}\n`;
  }).join('\n');
}
