/**
 * What the deploy, destroy and status commands share: the default state
 * file, number options, and how events and results are written (lines like
 * CloudFormation's stack events, or one JSON object per line with --json).
 */
import { join } from 'node:path';
import type { StackOperationResult } from './deployment';
import { DeploymentEvent, firstLine, formatDuration, formatEvent, FunctionLogEntry } from './events';

/** Where the deployment state lives unless --state-file says otherwise (relative to the working directory). */
export const DEFAULT_STATE_FILE = join('.cleanrooms-ml-local', 'state.json');

export class OptionError extends Error {}

/** A positive number option, or undefined when not given. */
export function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new OptionError(`${flag} must be a positive number, got "${text}"`);
  }
  return value;
}

/** An http(s) URL option, or undefined when not given. */
export function urlOption(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new OptionError(`${flag} must be an http or https URL, got "${text}"`);
  }
  return text;
}

/** `--parameter Key=Value` options as a map. */
export function parameterOptions(texts: readonly string[] | undefined): Record<string, string> | undefined {
  if (!texts || texts.length === 0) return undefined;
  const parameters: Record<string, string> = {};
  for (const text of texts) {
    const equals = text.indexOf('=');
    if (equals <= 0) throw new OptionError(`--parameter must look like Name=Value, got "${text}"`);
    parameters[text.slice(0, equals)] = text.slice(equals + 1);
  }
  return parameters;
}

/** Writes each event as it happens. */
export function eventWriter(out: NodeJS.WritableStream, json: boolean): (event: DeploymentEvent) => void {
  return (event) => out.write(json ? `${JSON.stringify(event)}\n` : `${formatEvent(event)}\n`);
}

/** Writes function logs as text lines (to stderr when asked for). */
export function functionLogWriter(out: NodeJS.WritableStream): (entry: FunctionLogEntry) => void {
  return (entry) => out.write(`[${entry.functionName}] ${entry.timestamp} ${entry.level} ${entry.message}\n`);
}

/** The closing summary: the result object with --json, otherwise a few lines. */
export function writeResult(out: NodeJS.WritableStream, result: StackOperationResult, json: boolean, functionLogFile?: string): void {
  if (json) {
    const { events: _events, ...rest } = result;
    out.write(`${JSON.stringify({ kind: 'result', ...rest })}\n`);
    return;
  }
  if (result.noChanges) {
    out.write(result.operation === 'deploy'
      ? `\n${result.stackName}: no changes (${result.status})\n`
      : `\n${result.stackName}: nothing to destroy\n`);
  } else {
    out.write(`\n${result.stackName}: ${result.status} in ${formatDuration(result.elapsedMs)}\n`);
  }
  if (result.failure) {
    out.write(`  ${result.failure.logicalResourceId} (${result.failure.resourceType}) failed: ${firstLine(result.failure.reason)}\n`);
    if (functionLogFile) out.write(`  Function logs: ${functionLogFile}\n`);
  }
  result.warnings.forEach((warning) => out.write(`  Warning: ${warning}\n`));
  const outputs = Object.entries(result.outputs);
  if (result.operation === 'deploy' && result.success && outputs.length > 0) {
    out.write('\nOutputs:\n');
    outputs.forEach(([name, value]) => out.write(`${result.stackName}.${name} = ${value}\n`));
  }
  if (result.operation === 'deploy' && result.success && result.stackId) {
    out.write(`\nStack ARN:\n${result.stackId}\n`);
  }
}
