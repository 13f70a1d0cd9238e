/**
 * The contract of a long wait, imported by both the constructs
 * (src/constructs/private/wait-chain.ts, which writes the properties) and the
 * handlers (which read them), so the two cannot drift apart. Types and
 * constants only.
 *
 * A construct whose `timeout` is longer than CloudFormation's hour per custom
 * resource (an audience model's training, a long audience generation job)
 * waits in three parts:
 *
 * 1. its own custom resource, up to one window (58 minutes);
 * 2. `AWS::CloudFormation::WaitCondition` resources with a CreationPolicy,
 *    chained by DependsOn, each up to 12 hours, which the stack's training
 *    poller (a Step Functions state machine that the resource's handler starts)
 *    signals: one SUCCESS signal every 2 hours at most while the resource is
 *    still being created (progress in the stack events), the rest at once when
 *    it is ACTIVE or has failed;
 * 3. one `Custom::CleanRoomsMLWait` (the "ready" resource) after the last wait
 *    condition: it reads the resource once, returns its attributes when ACTIVE,
 *    fails with the service's statusDetails when its creation failed, or waits
 *    one more window.
 *
 * What needs the resource ACTIVE reads its attributes from the ready
 * resource.
 */
/** The custom resource type. */
export const WAIT_RESOURCE_TYPE = 'Custom::CleanRoomsMLWait';

/** What a long wait waits for: the resource type in its ARN. */
export type WaitResourceKind = 'audience-model' | 'audience-generation-job';

export const WAIT_RESOURCE_KINDS: readonly WaitResourceKind[] = ['audience-model', 'audience-generation-job'];

/**
 * Properties of the ready resource of a long wait. `ResourceArn` is a
 * `Fn::GetAtt` of the waited-for resource: when that resource is replaced,
 * the property changes and CloudFormation sends the ready resource an
 * Update, which waits for the new one; an update that keeps the resource
 * leaves it untouched.
 *
 * (Earlier releases chained many wait resources, with the properties
 * ResourceKind, Link and Links. Upgraded stacks send those links only a
 * Delete, which reads no properties: see the handler.)
 *
 * The common `TimeoutSeconds` is the construct's whole timeout (for the
 * failure's message), not the ready resource's window.
 */
export interface WaitProperties {
  /** The waited-for resource: an audience model or generation job ARN (its resource type is the kind). */
  readonly ResourceArn: string;
  /**
   * How long it waits, in seconds, before failing with the resource's last status.
   * @default WAIT_WINDOW_SECONDS (contracts/framework.ts), a whole window
   */
  readonly WindowSeconds?: number;
  /**
   * Generation jobs only: the audience sizes whose relevance score the
   * template reads (see the generation job's contract), so it returns a
   * `RelevanceScore.<TYPE>.<value>` attribute for each.
   */
  readonly RelevanceScoreSizes?: string[];
}

/**
 * The plan of a long wait's wait conditions, carried by the waited-for
 * resource's own custom resource (common property `WaitConditions`): its
 * handler starts the training poller's execution with it on Create, and on
 * an Update that replaces the resource or changes the plan, and stops it on
 * Delete. The poller is the state machine whose ARN the onEvent function's
 * environment holds (POLLER_ARN_ENV); the stack is the request's StackId.
 */
export interface WaitConditionsPlan {
  /**
   * The wait conditions' logical ids, in chain order. They end in a digest of
   * the resource's create-only properties and of the plan, so a replaced
   * resource gets new ones (a CreationPolicy applies only when CloudFormation
   * creates a resource) and an update that keeps it keeps them.
   */
  readonly LogicalIds: string[];
  /** The SUCCESS signals each wait condition needs (its CreationPolicy's Count). */
  readonly Signals: number;
  /** How long the poller lets each wait condition wait while the resource is still being created, in seconds. */
  readonly WindowSeconds: number;
  /** Seconds between the poller's checks. */
  readonly IntervalSeconds: number;
}

/** The onEvent function's environment variable holding the training poller's ARN (set when the stack has one). */
export const POLLER_ARN_ENV = 'CLEANROOMS_ML_TRAINING_POLLER_ARN';

/** `Kind` of the training poller's execution input, which the isComplete function recognizes. */
export const POLLER_EVENT_KIND = 'CleanRoomsMlTrainingPoll';

/**
 * The training poller's state: its execution input, and what each check
 * returns for the next one (the state machine loops: check → Done? → wait
 * WaitSeconds → check).
 */
export interface PollerState extends WaitConditionsPlan {
  readonly Kind: typeof POLLER_EVENT_KIND;
  /** The stack whose wait conditions the poller signals (its id, an ARN). */
  readonly StackId: string;
  readonly ResourceKind: WaitResourceKind;
  readonly ResourceArn: string;
  /** The wait condition being signalled (index into LogicalIds). @default 0 */
  readonly Condition?: number;
  /** SUCCESS signals it has received from this poller. @default 0 */
  readonly Sent?: number;
  /** When the poller first saw it CREATE_IN_PROGRESS (epoch milliseconds). */
  readonly StartedAt?: number;
  /** The resource's status once it stopped being created (ACTIVE, CREATE_FAILED, …, or NOT_FOUND). */
  readonly Outcome?: string;
  /** Whether the poller has nothing more to do (the state machine's loop ends). */
  readonly Done?: boolean;
  /** Seconds to wait before the next check. */
  readonly WaitSeconds?: number;
  /** Why the poller stopped, for the execution's output. */
  readonly Reason?: string;
  /** When the execution's first check ran (epoch milliseconds): it ends once its wait conditions can no longer be waiting. */
  readonly Since?: number;
  /**
   * When the poller first looked for the current wait condition after the one
   * before it completed (or after the resource's outcome became known, for the
   * first), and CloudFormation had not started it yet (epoch milliseconds).
   */
  readonly HandoverSince?: number;
}

/**
 * The longest a wait condition with a CreationPolicy waits: "The maximum
 * time that you can specify is 12 hours"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html).
 */
export const MAX_WAIT_CONDITION_SECONDS = 12 * 3600;

/**
 * What the poller keeps of a wait condition's 12 hours for its own lateness:
 * it hands over to the next wait condition this long before the timeout.
 */
export const WAIT_CONDITION_MARGIN_SECONDS = 15 * 60;

/** At most this long between two progress signals (a stack event each). */
export const PROGRESS_SIGNAL_SECONDS = 2 * 3600;

/**
 * How long the poller waits before looking again for a wait condition
 * CloudFormation has not started yet, when it should start it soon (the one
 * before has completed, or the outcome is known), for the first
 * HANDOVER_FAST_SECONDS.
 */
export const HANDOVER_CHECK_SECONDS = 5;

/**
 * How long after a hand-over the poller checks every HANDOVER_CHECK_SECONDS;
 * then at its plan's interval. CloudFormation starts a resource as soon as
 * those it depends on are complete; a wait condition still not started
 * minutes later is not coming soon (the stack status, which the poller reads
 * at each of these checks, says whether it can still come at all).
 */
export const HANDOVER_FAST_SECONDS = 5 * 60;
