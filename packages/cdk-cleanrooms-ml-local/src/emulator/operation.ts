/**
 * What every resource module shares: the context an operation handler runs
 * in, the shape of a module's operation table, and the checks several
 * resource types make the same way (role account, unique names, quotas,
 * requested failures).
 */
import { AccountScope } from './arns';
import type { CollaborationDirectory } from './collaboration-directory';
import { FAIL_MESSAGE_TAG, FAIL_TAG } from './constraints';
import { accessDenied, conflict, quotaExceeded } from './errors';
import { FailableResourceType, FailureRequest, StatusDetails, Store, Tags } from './store';
import type { OperationName } from '../client/operations';

/** How many resources may be in flight at once (constraints.md "Timing and quotas"). */
export interface EmulatorQuotas {
  /** Audience models CREATE_PENDING or CREATE_IN_PROGRESS per account. @default 2 */
  readonly audienceModelTrainings: number;
  /** Audience generation jobs CREATE_PENDING or CREATE_IN_PROGRESS per account. @default 10 */
  readonly audienceGenerationJobs: number;
  /** Audience export jobs CREATE_PENDING or CREATE_IN_PROGRESS per account. @default 20 */
  readonly audienceExportJobs: number;
  /** Export jobs that have not failed, per generation job. @default 25 */
  readonly activeExportJobsPerGenerationJob: number;
}

export const DEFAULT_QUOTAS: EmulatorQuotas = {
  audienceModelTrainings: 2,
  audienceGenerationJobs: 10,
  audienceExportJobs: 20,
  activeExportJobsPerGenerationJob: 25,
};

export interface OperationContext {
  readonly store: Store;
  /** The calling account (the one whose access key signed the request) in the emulator's region. */
  readonly scope: AccountScope;
  /** What AWS Clean Rooms knows about collaborations, asked by cross-account generation jobs. */
  readonly collaborations: CollaborationDirectory;
  readonly quotas: EmulatorQuotas;
  /** The emulator clock's reading for this request (epoch milliseconds); one value for the whole request. */
  readonly now: number;
}

/** A validated input (see constraints.ts) in, the response body out (undefined for an empty reply). */
export type OperationHandler = (input: any, context: OperationContext) => object | undefined;

/** A resource module's handlers, by operation name (Clean Rooms ML's unless another service's names are given). */
export type OperationTable<Name extends string = OperationName> = { readonly [name in Name]?: OperationHandler };

/** Passing a role across accounts is not allowed (reference text, CreateTrainingDataset.roleArn). */
export function requireRoleInAccount(scope: AccountScope, field: string, roleArn: string): void {
  const roleAccount = roleArn.split(':')[4];
  if (roleAccount !== scope.accountId) {
    throw accessDenied(`Passing a role across AWS accounts is not allowed: ${field} ${roleArn} is not in account ${scope.accountId}`);
  }
}

export function requireUniqueName(names: Iterable<string>, name: string, what: string): void {
  for (const existing of names) {
    if (existing === name) {
      throw conflict(`A ${what} named "${name}" already exists`);
    }
  }
}

export function requireQuota(inUse: number, limit: number, quotaName: string, what: string): void {
  if (inUse >= limit) {
    throw quotaExceeded(quotaName, limit, `${quotaName} exceeded: ${inUse} ${what} already, the quota is ${limit}`);
  }
}

const DEFAULT_FAILURE_STATUS_CODE = 'EmulatedFailure';

/**
 * Whether this create or delete was asked to fail, and with what details: a
 * request queued with `failNext` wins, then the resource's `emulator:fail`
 * tag (value CREATE or DELETE, message from `emulator:fail-message`).
 */
export function requestedFailure(
  store: Store,
  resourceType: FailableResourceType,
  phase: FailureRequest['phase'],
  tags: Tags,
  defaultMessage: string,
): StatusDetails | undefined {
  const queued = store.takeFailure(resourceType, phase);
  if (queued) {
    return { statusCode: queued.statusCode ?? DEFAULT_FAILURE_STATUS_CODE, message: queued.message ?? defaultMessage };
  }
  if (tags[FAIL_TAG] === phase) {
    return { statusCode: DEFAULT_FAILURE_STATUS_CODE, message: tags[FAIL_MESSAGE_TAG] ?? defaultMessage };
  }
  return undefined;
}
