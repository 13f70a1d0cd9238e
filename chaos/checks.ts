/**
 * What the campaign checks after each operation, each check a sentence per
 * problem found (none when all is well): the planned outcome, the stack's
 * record against what the service holds, and resources created twice.
 */
import type { EmulatorInventory } from 'cdk-cleanrooms-ml-local';
import { CREATE_FAILED_PHYSICAL_ID_MARKER, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import type { Expectation } from './plan';
import { heldResources, holdsServiceResource, PipelineIds } from '../test/support/pipeline-stacks';

/**
 * How the result differs from the planned outcome: another status, a
 * failure where none was planned, or a failure that does not name the
 * planned resource (`<logical id> (<type>): ...`) and cause.
 */
export function expectationProblems(expected: Expectation, result: StackOperationResult, ids: (pipeline: string) => PipelineIds): string[] {
  const got = `${result.status}${result.failure ? `: ${oneLine(result.failure.reason)}` : ''}${laterFailure(result)}`;
  if (result.status !== expected.status) return [`expected ${describe(expected)}, got ${got}`];
  if (!expected.failure) return result.failure ? [`expected ${describe(expected)}, got ${got}`] : [];
  const candidates = expected.failure.pipelines.map((pipeline) => ids(pipeline)[expected.failure!.resource]);
  const failure = result.failure;
  if (!failure || !candidates.includes(failure.logicalResourceId)) {
    return [`expected ${describe(expected)} naming ${candidates.join(' or ')}, got ${got}${failure ? ` (failed: ${failure.logicalResourceId})` : ''}`];
  }
  const named = failure.reason.startsWith(`${failure.logicalResourceId} (${failure.resourceType}): `);
  if (!named || !failure.reason.includes(expected.failure.cause)) {
    return [`expected a reason "${failure.logicalResourceId} (${failure.resourceType}): ...${expected.failure.cause}...", got "${oneLine(failure.reason)}"`];
  }
  return [];
}

/** Logical resources given more than one resource by one operation (a replacement makes one new resource, never two). */
export function duplicates(creates: Readonly<Record<string, number>>): string[] {
  return Object.entries(creates).filter(([, count]) => count > 1).map(([logicalId]) => logicalId);
}

/**
 * After an operation that ends in a *_COMPLETE state other than
 * DELETE_COMPLETE (checked as leftovers): the service holds exactly the
 * Clean Rooms ML resources the stack records — nothing an update or a
 * rollback made and lost track of, nothing the stack thinks it has and has not.
 */
export function agreement(result: StackOperationResult, inventory: EmulatorInventory): string[] {
  if (!/_COMPLETE$/.test(result.status) || result.status === 'DELETE_COMPLETE') return [];
  const recorded = new Map(result.resources
    .filter((resource) => holdsServiceResource(resource.resourceType)
      && resource.resourceStatus !== 'DELETE_COMPLETE'
      && resource.physicalResourceId !== CREATE_FAILED_PHYSICAL_ID_MARKER)
    .map((resource) => [resource.physicalResourceId, resource.logicalResourceId]));
  // An export's physical id is `<generation job ARN>/export/<name>`; the inventory knows it by job and name.
  const held = new Map(heldResources(inventory).map((item) => [item.id.replace('|', '/export/'), `${item.kind} ${item.name} (${item.status})`]));
  const problems: string[] = [];
  const orphans = [...held].filter(([id]) => !recorded.has(id)).map(([, description]) => description);
  if (orphans.length > 0) problems.push(`${result.status}, but the service holds what the stack does not record: ${orphans.join(', ')}`);
  const missing = [...recorded].filter(([id]) => !held.has(id)).map(([id, logicalId]) => `${logicalId} (${id})`);
  if (missing.length > 0) problems.push(`${result.status}, but the service does not hold what the stack records: ${missing.join(', ')}`);
  return problems;
}

/**
 * The last resource failure of the operation when it is not the first one
 * (`failure`): what made a rollback or a destroy fail after the failure that
 * started it, e.g. a delete the rollback could not carry out.
 */
function laterFailure(result: StackOperationResult): string {
  const last = [...result.events].reverse()
    .find((event) => /FAILED$/.test(event.resourceStatus) && event.resourceType !== 'AWS::CloudFormation::Stack' && event.resourceStatusReason);
  if (!last || last.resourceStatusReason === result.failure?.reason) return '';
  return `; then ${last.logicalResourceId} ${last.resourceStatus}: ${oneLine(last.resourceStatusReason!)}`;
}

function describe(expected: Expectation): string {
  if (!expected.failure) return expected.status;
  return `${expected.status} (${expected.failure.resource} of ${expected.failure.pipelines.join('/')} failing: "${expected.failure.cause}")`;
}

/** The first line of a reason, at most 400 characters: enough to name the resource, the call and the error. */
function oneLine(reason: string): string {
  const line = reason.split('\n')[0];
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
