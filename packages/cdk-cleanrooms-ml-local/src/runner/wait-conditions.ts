/**
 * AWS::CloudFormation::WaitCondition with a CreationPolicy, signalled with
 * SignalResource (served by cloudformation-endpoint.ts):
 *
 * - create: CREATE_IN_PROGRESS until `ResourceSignal.Count` (default 1)
 *   SUCCESS signals with different UniqueIds have come, then CREATE_COMPLETE;
 *   a FAILURE signal, or too few signals within `ResourceSignal.Timeout`
 *   (default PT5M, at most PT12H, scaled by timeScale), fails it and the
 *   stack rolls back
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-waitcondition.html);
 * - update: nothing ("The creation policy is invoked only when CloudFormation
 *   creates the associated resource", same creation-policy page);
 * - delete: nothing exists outside the record.
 *
 * The handle style (Handle, Timeout and Count properties, signalled through a
 * WaitConditionHandle's presigned URL) is refused: the runner serves no
 * presigned URLs.
 */
import type { Provisioner, ProvisionResult, ResourceRequest } from './provisioning';
import { RefusedRequest, ResourceFailure } from './provisioning';
import type { Json, JsonObject } from './template';

export const WAIT_CONDITION_TYPE = 'AWS::CloudFormation::WaitCondition';

const CREATION_POLICY_PAGE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html';
const DEFAULT_COUNT = 1;
/** ResourceSignal.Timeout's default (transcriptions of the creation-policy page: see notes/wait-facts.md §1). */
const DEFAULT_TIMEOUT = 'PT5M';
/** "The maximum time that you can specify is 12 hours." (creation-policy page) */
const MAX_TIMEOUT_SECONDS = 12 * 3600;

export type SignalStatus = 'SUCCESS' | 'FAILURE';

/** A wait condition waiting for its signals. */
export interface WaitingCondition {
  readonly logicalId: string;
  readonly physicalResourceId: string;
  readonly count: number;
  /** The UniqueIds of the SUCCESS signals received so far. */
  readonly received: ReadonlySet<string>;
}

interface Waiter extends WaitingCondition {
  readonly received: Set<string>;
  readonly settle: (failure?: ResourceFailure) => void;
}

/**
 * The wait conditions of one operation that are waiting for signals: the
 * provisioner registers one while its create waits, the CloudFormation
 * endpoint delivers signals to it.
 */
export class WaitConditionSignals {
  private readonly waiters = new Map<string, Waiter>();

  /** `onSuccess`: an accepted SUCCESS signal (CloudFormation publishes each as a stack event of the resource). */
  constructor(private readonly onSuccess: (condition: WaitingCondition, uniqueId: string) => void) {}

  /** The wait condition `logicalId` when it is waiting for signals now. */
  public waiting(logicalId: string): WaitingCondition | undefined {
    return this.waiters.get(logicalId);
  }

  /**
   * Delivers a signal to a waiting wait condition (false when `logicalId` is
   * not waiting). A SUCCESS signal with a UniqueId already received counts
   * once ("each signal requires a different unique ID",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SignalResource.html);
   * AWS does not document what a repeated one does: the runner accepts it
   * and neither counts it nor publishes it again.
   */
  public signal(logicalId: string, uniqueId: string, status: SignalStatus): boolean {
    const waiter = this.waiters.get(logicalId);
    if (!waiter) return false;
    if (status === 'FAILURE') {
      waiter.settle(new ResourceFailure(`Received FAILURE signal with UniqueId ${uniqueId}`, waiter.physicalResourceId));
      return true;
    }
    if (waiter.received.has(uniqueId)) return true;
    waiter.received.add(uniqueId);
    this.onSuccess(waiter, uniqueId);
    if (waiter.received.size >= waiter.count) waiter.settle();
    return true;
  }

  /**
   * Waits for `count` SUCCESS signals; rejects with the resource's failure
   * on a FAILURE signal or after `timeoutMs`. The wait condition is
   * registered before this returns, so a signal can be delivered as soon as
   * the resource's CREATE_IN_PROGRESS event has been emitted.
   */
  public wait(logicalId: string, physicalResourceId: string, count: number, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const settle = (failure?: ResourceFailure): void => {
        if (this.waiters.get(logicalId) !== waiter) return;
        this.waiters.delete(logicalId);
        clearTimeout(timer);
        if (failure) reject(failure);
        else resolve();
      };
      const waiter: Waiter = { logicalId, physicalResourceId, count, received: new Set(), settle };
      this.waiters.set(logicalId, waiter);
      // The reason a CreationPolicy shows on EC2 (https://github.com/widdix/aws-ec2-ssh/issues/103); which
      // reason a CreationPolicy WaitCondition shows is not documented (notes/wait-facts.md §1): the runner uses it too.
      timer = setTimeout(() => settle(new ResourceFailure(`Failed to receive ${count} resource signal(s) within the specified duration`,
        physicalResourceId)), timeoutMs);
    });
  }
}

export const waitConditions: Provisioner = {
  async create(context, request) {
    const { count, timeoutSeconds } = resourceSignal(request);
    const physicalResourceId = physicalIdOf(context, request.logicalId);
    await context.waitConditions.wait(request.logicalId, physicalResourceId, count, timeoutSeconds * 1000 * context.timeScale);
    return result(physicalResourceId);
  },

  async update(_context, request, current) {
    refuseHandleStyle(request);
    return result(current.physicalResourceId);
  },

  async delete() {
    // Nothing exists outside the record.
  },
};

function result(physicalResourceId: string): ProvisionResult {
  // AWS does not document Data for a wait condition signalled with SignalResource, which carries no data:
  // the runner gives an empty JSON object, as a handle-style wait condition that received no data would.
  return { physicalResourceId, attributes: { Data: '{}' }, handling: 'recorded' };
}

/**
 * AWS does not document the physical id of a CreationPolicy-style wait
 * condition; the runner uses `<stack id>/<logical id>`, shaped like the ARNs
 * CloudFormation gives the resources it owns itself.
 */
function physicalIdOf(context: { readonly scope: { readonly stackId: string } }, logicalId: string): string {
  return `${context.scope.stackId}/${logicalId}`;
}

function refuseHandleStyle(request: ResourceRequest): void {
  const properties = Object.keys(request.properties);
  if (properties.length > 0 || request.creationPolicy === undefined) {
    throw new RefusedRequest(`WaitCondition ${request.logicalId}: the local runner supports only wait conditions with a CreationPolicy `
      + `(ResourceSignal) and no properties, signalled with SignalResource; ${properties.length > 0 ? `this one sets ${properties.join(', ')}` : 'this one has no CreationPolicy'}`
      + ' (the handle style, signalled through a WaitConditionHandle\'s presigned URL, is not supported).'
      + ' "If you use a CreationPolicy with a wait condition, don\'t specify any of the wait condition\'s properties."'
      + ' (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-waitcondition.html)');
  }
}

/** Count and Timeout (in seconds) of the resource's CreationPolicy.ResourceSignal, checked. */
function resourceSignal(request: ResourceRequest): { readonly count: number; readonly timeoutSeconds: number } {
  refuseHandleStyle(request);
  const signal = (request.creationPolicy?.ResourceSignal ?? {}) as JsonObject;
  const countValue: Json = signal.Count ?? DEFAULT_COUNT;
  const count = Number(countValue);
  if (!Number.isInteger(count) || count < 1) {
    throw new RefusedRequest(`WaitCondition ${request.logicalId}: CreationPolicy.ResourceSignal.Count must be a positive whole number, got ${JSON.stringify(countValue)}`);
  }
  const timeout = signal.Timeout ?? DEFAULT_TIMEOUT;
  const timeoutSeconds = typeof timeout === 'string' ? isoDurationSeconds(timeout) : undefined;
  if (timeoutSeconds === undefined) {
    throw new RefusedRequest(`WaitCondition ${request.logicalId}: CreationPolicy.ResourceSignal.Timeout must be an ISO 8601 duration of the form PT#H#M#S, `
      + `got ${JSON.stringify(timeout)} (${CREATION_POLICY_PAGE})`);
  }
  if (timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new RefusedRequest(`WaitCondition ${request.logicalId}: CreationPolicy.ResourceSignal.Timeout ${timeout} is longer than 12 hours (PT12H), `
      + `the maximum CloudFormation allows (${CREATION_POLICY_PAGE})`);
  }
  return { count, timeoutSeconds };
}

/** Seconds of `PT#H#M#S` (each part optional, at least one), else undefined. */
export function isoDurationSeconds(text: string): number | undefined {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text);
  if (!match || text === 'PT') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}
