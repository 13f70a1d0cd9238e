import { createHash } from 'crypto';
import { CfnResource, CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { checkRequired, DURATION } from './input-types';
import { CleanRoomsMlProvider, QUERY_INTERVAL, Tokenized } from './provider';
import { TrainingPoller } from './training-poller';
import { validationError } from './validation';
import {
  MAX_CHAINED_TIMEOUT_SECONDS,
  MAX_CUSTOM_RESOURCE_SECONDS,
  MIN_TIMEOUT_SECONDS,
  TIMEOUT_MARGIN_SECONDS,
  WAIT_WINDOW_SECONDS,
} from '../../contracts/framework';
import {
  MAX_WAIT_CONDITION_SECONDS,
  PROGRESS_SIGNAL_SECONDS,
  WAIT_CONDITION_MARGIN_SECONDS,
  WAIT_RESOURCE_TYPE,
  WaitConditionsPlan,
  WaitProperties,
} from '../../contracts/wait';

// Waits longer than CloudFormation's hour per custom resource.
//
// CloudFormation waits at most one hour for a custom resource (ServiceTimeout
// ≤ 3,600 s, and the Provider framework's totalTimeout at most as long), but
// an audience model "can take up to 24 hours to train". A construct whose
// `timeout` is longer than an hour waits in three parts (../../contracts/wait.ts):
// its own resource (one window of 58 minutes), then AWS::CloudFormation::WaitCondition
// resources with a CreationPolicy, chained, each up to 12 hours ("The maximum
// time that you can specify is 12 hours",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html),
// signalled with cloudformation:SignalResource by the stack's training
// poller (./training-poller.ts), then one wait resource that reads the
// resource and hands its attributes to what uses it.
//
// Why wait conditions: a resource per 12 hours instead of one per hour
// (24 hours: 2 wait conditions and 1 wait resource, where a chain of wait
// resources needed 24), and completing one costs no custom-resource round
// trip: when the model is ACTIVE early, the poller signals what remains and
// only the ready resource's one round trip stands between the ACTIVE model
// and what uses it. Each SUCCESS signal is a stack event ("Received SUCCESS
// signal with UniqueId …"), one every 2 hours at most while training.
//
// A CreationPolicy "is invoked only when CloudFormation creates the
// associated resource" (same page): a wait condition that already exists
// never waits again. So the wait conditions' logical ids end in a digest of
// the waited-for resource's create-only properties (and of the plan): a
// change that replaces the resource gives new wait conditions, which wait
// for the new one; an update that keeps it (tags) keeps them, and waits for
// nothing.

/** How a construct's timeout is spread over its own resource, the wait conditions and the ready resource. */
export interface WaitPlan {
  /** The construct's timeout in seconds (a token when unresolved). */
  readonly timeoutSeconds: number;
  /**
   * `TimeoutSeconds` of the construct's own resource: the whole timeout when
   * one custom resource can wait that long, else the most one can.
   */
  readonly resourceTimeoutSeconds: number;
  /** How many wait conditions follow the resource (0 for a timeout of 2 hours or less). */
  readonly waitConditions: number;
  /** How long the poller lets each wait condition wait, in seconds (under 12 hours, its CreationPolicy's limit). */
  readonly waitConditionSeconds: number;
  /** The SUCCESS signals each wait condition needs: one per PROGRESS_SIGNAL_SECONDS at most, with the margin. */
  readonly signals: number;
  /** The window of the ready resource in seconds; undefined when the resource's own window is the whole wait. */
  readonly readyWindowSeconds?: number;
  /** Seconds between the poller's checks. */
  readonly intervalSeconds: number;
}

/** The most history events one loop of the poller adds (Task, Choice, Wait), with retries aside. */
const EVENTS_PER_CHECK = 9;

/**
 * The poller's history-event budget: a Standard execution fails at 25,000
 * events ("If the execution history reaches this quota, the execution will
 * fail", https://docs.aws.amazon.com/step-functions/latest/dg/limits.html);
 * the rest is kept for retries and the hand-overs.
 */
const POLLER_EVENT_BUDGET = 20_000;

/**
 * The longest remainder left out of the wait rather than given a wait
 * condition (and the stack a poller) of its own: two windows cover up to
 * 1 h 58 min, and a timeout of up to 2 hours still needs neither.
 */
const DROPPED_REMAINDER_SECONDS = 2 * 3600 - TIMEOUT_MARGIN_SECONDS - 2 * WAIT_WINDOW_SECONDS;

/**
 * The parts a timeout needs. The whole wait ends TIMEOUT_MARGIN_SECONDS
 * before the timeout, as a single resource's does: the construct's resource
 * waits WAIT_WINDOW_SECONDS, then the wait conditions share what is left but
 * one more window, which is the ready resource's. Up to 2 hours, the two
 * windows are the whole wait (no wait condition, no poller): past 1 h 58 min
 * it ends up to DROPPED_REMAINDER_SECONDS earlier than the timeout asks. A
 * token timeout (unknown at synthesis) gets neither wait conditions nor a
 * ready resource.
 */
export function planWait(timeoutSeconds: number): WaitPlan {
  const single = {
    timeoutSeconds, resourceTimeoutSeconds: timeoutSeconds, waitConditions: 0, waitConditionSeconds: 0, signals: 0, intervalSeconds: 0,
  };
  if (Token.isUnresolved(timeoutSeconds) || timeoutSeconds <= MAX_CUSTOM_RESOURCE_SECONDS) {
    return single;
  }
  const remaining = timeoutSeconds - TIMEOUT_MARGIN_SECONDS - WAIT_WINDOW_SECONDS;
  if (remaining <= WAIT_WINDOW_SECONDS + DROPPED_REMAINDER_SECONDS) {
    // A custom resource waits one window at most: the ready resource cannot take the remainder.
    return { ...single, resourceTimeoutSeconds: MAX_CUSTOM_RESOURCE_SECONDS, readyWindowSeconds: Math.min(remaining, WAIT_WINDOW_SECONDS) };
  }
  const forWaitConditions = remaining - WAIT_WINDOW_SECONDS;
  const waitConditions = Math.ceil(forWaitConditions / (MAX_WAIT_CONDITION_SECONDS - WAIT_CONDITION_MARGIN_SECONDS));
  const waitConditionSeconds = Math.ceil(forWaitConditions / waitConditions);
  return {
    timeoutSeconds,
    resourceTimeoutSeconds: MAX_CUSTOM_RESOURCE_SECONDS,
    waitConditions,
    waitConditionSeconds,
    // A signal every 2 hours at most, even from a check that comes up to WAIT_CONDITION_MARGIN_SECONDS late.
    signals: Math.ceil(waitConditionSeconds / (PROGRESS_SIGNAL_SECONDS - WAIT_CONDITION_MARGIN_SECONDS)),
    readyWindowSeconds: WAIT_WINDOW_SECONDS,
    intervalSeconds: Math.max(QUERY_INTERVAL.toSeconds(), Math.ceil((timeoutSeconds * EVENTS_PER_CHECK) / POLLER_EVENT_BUDGET)),
  };
}

/**
 * Checks the `timeout` of a construct whose wait may continue past its own
 * resource (whole seconds, 5 minutes to 72 hours) and returns it in seconds.
 * A token passes.
 */
export function chainedTimeoutSeconds(scope: IConstruct, timeout: Duration): number {
  checkRequired(scope, 'timeout', timeout, DURATION);
  const seconds = timeout.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds)) {
    return timeout.toSeconds();
  }
  if (!Number.isInteger(seconds)) {
    throw validationError(scope, 'timeout', 'be a whole number of seconds', timeout.toHumanString());
  }
  if (seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_CHAINED_TIMEOUT_SECONDS) {
    throw validationError(
      scope,
      'timeout',
      `be between ${MIN_TIMEOUT_SECONDS / 60} minutes and ${MAX_CHAINED_TIMEOUT_SECONDS / 3600} hours`,
      timeout.toHumanString(),
    );
  }
  return seconds;
}

/** What `addWaitChain` needs. */
export interface WaitChainOptions {
  /** The construct's own custom resource, whose wait the chain continues. */
  readonly waited: CustomResource;
  /** The attribute of `waited` holding its ARN. */
  readonly arnAttribute: string;
  readonly plan: WaitPlan;
  /**
   * The create-only properties of `waited` (tags aside), as the construct
   * writes them: a change of their resolved value replaces the resource, and
   * so gives it new wait conditions.
   */
  readonly replacementKey: unknown;
  /** Properties only the ready resource carries: those of the attributes the app reads of it. */
  readonly lastLinkProperties?: Tokenized<Pick<WaitProperties, 'RelevanceScoreSizes'>>;
}

/** The CloudFormation type the long wait waits in. */
const WAIT_CONDITION_TYPE = 'AWS::CloudFormation::WaitCondition';

/**
 * Adds the plan's wait conditions (`Wait<i><digest>`) and ready resource
 * (`Ready`) under `scope`, each
 * depending on the one before (the first on `waited`), and gives `waited` the
 * plan its handler starts the poller with. Children of the construct, so a
 * dependency on the construct waits for the last of them.
 *
 * @returns the ready resource, whose attributes are those of the ACTIVE
 * resource; undefined when the plan has none
 */
export function addWaitChain(scope: Construct, options: WaitChainOptions): CustomResource | undefined {
  const { plan } = options;
  if (plan.readyWindowSeconds === undefined) {
    return undefined;
  }
  const provider = CleanRoomsMlProvider.of(scope);
  let previous: CfnResource = options.waited.node.defaultChild as CfnResource;
  if (plan.waitConditions > 0) {
    // The stack's poller signals them (created with the first long wait).
    TrainingPoller.of(scope);
    const digest = replacementDigest(scope, options.replacementKey, plan);
    const waitConditions: CfnResource[] = [];
    for (let index = 1; index <= plan.waitConditions; index++) {
      // A CfnResource, not aws-cdk-lib's CfnWaitCondition: that class lives in the module of all of CloudFormation's own
      // resource types (144 kB of JavaScript, about 3 ms of every synth to load) and adds nothing to a resource without properties.
      const waitCondition = new CfnResource(scope, `Wait${index}${digest}`, { type: WAIT_CONDITION_TYPE });
      // With a CreationPolicy a wait condition takes no properties: "If you use a CreationPolicy with a wait condition, don't
      // specify any of the wait condition's properties"
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-waitcondition.html).
      // Its Timeout is the most allowed: the poller hands over WAIT_CONDITION_MARGIN_SECONDS before it.
      waitCondition.cfnOptions.creationPolicy = {
        resourceSignal: { count: plan.signals, timeout: `PT${MAX_WAIT_CONDITION_SECONDS / 3600}H` },
      };
      // A construct dependency: CfnResource.addDependency is deprecated in newer aws-cdk-lib releases.
      waitCondition.node.addDependency(previous);
      waitConditions.push(waitCondition);
      previous = waitCondition;
    }
    const waitConditionsPlan: Tokenized<WaitConditionsPlan> = {
      LogicalIds: waitConditions.map((waitCondition) => waitCondition.logicalId),
      Signals: plan.signals,
      WindowSeconds: plan.waitConditionSeconds,
      IntervalSeconds: plan.intervalSeconds,
    };
    (options.waited.node.defaultChild as CfnResource).addPropertyOverride('WaitConditions', waitConditionsPlan);
  }
  const ready = provider.customResource<WaitProperties>(scope, 'Ready', {
    resourceType: WAIT_RESOURCE_TYPE,
    // The whole timeout (for the failure's message), not the ready resource's window.
    common: { TimeoutSeconds: plan.timeoutSeconds },
    properties: {
      // A replaced resource changes this, so the ready resource reads the new one.
      ResourceArn: options.waited.getAttString(options.arnAttribute),
      // Only when shorter than the handler's default, a whole window.
      WindowSeconds: plan.readyWindowSeconds < WAIT_WINDOW_SECONDS ? plan.readyWindowSeconds : undefined,
      ...options.lastLinkProperties,
    },
    // Through ResourceArn it comes after `waited`, which depends on the handler policy.
    dependsOnHandlerPolicy: false,
  });
  // Without wait conditions, ResourceArn (a GetAtt of `waited`) already orders it after `waited`;
  // a DependsOn on it too would be redundant (cfn-lint W3005).
  if (plan.waitConditions > 0) {
    ready.node.addDependency(previous);
  }
  return ready;
}

/**
 * Eight hex digits of the resolved create-only properties and the plan.
 * References resolve to their expressions (`Fn::GetAtt` …), so a resource
 * referenced by the key gives its own replacement key when it can be
 * replaced (see `replacementKeyOf`).
 */
function replacementDigest(scope: IConstruct, key: unknown, plan: WaitPlan): string {
  const resolved = Stack.of(scope).resolve({ key, plan });
  return createHash('sha256').update(JSON.stringify(resolved)).digest('hex').slice(0, 8).toUpperCase();
}
