/**
 * One check of the training poller (the Step Functions state machine of
 * cdk-cleanrooms-ml/lib/constructs/private/training-poller.ts runs it in a
 * loop, in the isComplete function): reads the waited-for resource, signals
 * the wait conditions that continue its wait (contracts/wait.ts), and
 * returns the state for the next check.
 *
 * - While the resource is still being created, the wait condition in
 *   progress gets its SUCCESS signals spread over its window: one every
 *   WindowSeconds / Signals (2 hours at most, each a stack event), the last at
 *   the end of the window, which completes it and lets CloudFormation start
 *   the next one.
 * - Once the resource is ACTIVE, or has failed, or is gone, every remaining
 *   signal is sent at once, to the wait condition in progress and to each
 *   later one as soon as CloudFormation has started it: what comes after,
 *   the ready resource, reads the resource and reports its attributes, or
 *   the service's statusDetails. A FAILURE signal could carry no reason
 *   (SignalResource has none: notes/wait-facts.md §1), so failures are the
 *   ready resource's to report.
 * - The poller only signals a wait condition CloudFormation reports as
 *   CREATE_IN_PROGRESS (whether a signal sent earlier would be kept is not
 *   documented), and stops when a wait condition is in any other state
 *   (deleted, rolled back, failed), or has not started while the stack is no
 *   longer being created or updated (a rollback deleted it, or never
 *   created it), or the stack is gone: there is nothing left to wait for.
 *
 * A check never throws for a service's error: a failed read or signal is
 * tried again at the next check (a throw would end the execution, and the wait
 * condition would time out). A failed read of the resource still lets the
 * progress signals that are due by time go out.
 */
import {
  HANDOVER_CHECK_SECONDS, HANDOVER_FAST_SECONDS, MAX_WAIT_CONDITION_SECONDS, PollerState, WaitResourceKind,
} from 'cdk-cleanrooms-ml/lib/contracts/wait';
import type { CleanRoomsMlClient } from 'cdk-cleanrooms-ml-local/lib/client/client';
import { isNotFound } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { NOT_STARTED, STACK_GONE, StackSignals } from './stack-signals';
import { describeCause } from '../framework/errors';
import type { Logger } from '../framework/logger';

/** What a check works with; the Lambda entry point builds it from the environment. */
export interface PollerRuntime {
  readonly client: CleanRoomsMlClient;
  readonly stack: StackSignals;
  readonly log: Logger;
  /** Epoch milliseconds (the handlers' clock: scaled under the local runner). */
  readonly now: () => number;
}

/** Statuses of a resource still being created. */
const BEING_CREATED = new Set(['CREATE_PENDING', 'CREATE_IN_PROGRESS']);

const READERS: Record<WaitResourceKind, (client: CleanRoomsMlClient, arn: string) => Promise<{ readonly status: string }>> = {
  'audience-model': (client, arn) => client.getAudienceModel({ audienceModelArn: arn }),
  'audience-generation-job': (client, arn) => client.getAudienceGenerationJob({ audienceGenerationJobArn: arn }),
};

/** Runs one check and returns the next state (Done when the poller has nothing more to do). */
export async function checkAndSignal(state: PollerState, runtime: PollerRuntime): Promise<PollerState> {
  const { log } = runtime;
  const since = state.Since ?? runtime.now();
  let next: PollerState = { ...state, Condition: state.Condition ?? 0, Sent: state.Sent ?? 0, Done: false, Since: since };
  // Each wait condition waits at most 12 hours from its start, after the resource's own window (an hour): past
  // that, none can still be waiting. A wait condition deleted by a rollback reads as not started, and a resource
  // kept by its removal policy gets no Delete to stop the execution: this bound ends it anyway.
  const longestMs = (next.LogicalIds.length * MAX_WAIT_CONDITION_SECONDS + 2 * 3600) * 1000;
  if (runtime.now() - since > longestMs) {
    return finished(next, 'past the longest its wait conditions can wait', log);
  }
  if (next.Outcome === undefined) {
    const status = await readStatus(next, runtime);
    if (status !== undefined && !BEING_CREATED.has(status)) {
      log.info('The resource is no longer being created: signalling what remains', { status });
      next = { ...next, Outcome: status };
    }
  }
  while (next.Condition! < next.LogicalIds.length) {
    const logicalId = next.LogicalIds[next.Condition!];
    let conditionStatus: string;
    let updatedAt: number | undefined;
    try {
      ({ status: conditionStatus, updatedAt } = await runtime.stack.waitCondition(next.StackId, logicalId));
    } catch (err) {
      log.warn('Could not read the wait condition; will check again', { logicalId, cause: describeCause(err) });
      return waitFor(next, next.IntervalSeconds);
    }
    if (conditionStatus === NOT_STARTED) {
      return notStarted(next, logicalId, runtime);
    }
    if (conditionStatus === STACK_GONE) {
      return finished(next, 'the stack no longer exists', log);
    }
    if (conditionStatus === 'CREATE_COMPLETE') {
      next = nextCondition(next);
      continue;
    }
    if (conditionStatus !== 'CREATE_IN_PROGRESS') {
      return finished(next, `the wait condition ${logicalId} is ${conditionStatus}`, log);
    }
    const now = runtime.now();
    // The window starts when CloudFormation started the wait condition, which is when its CreationPolicy's timeout
    // starts too (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html),
    // not when this poller first saw it (a late check, or a failed read, would push every signal and the hand-over
    // later, toward that timeout). Read once, at the first sighting, before any signal of ours: AWS does not
    // document whether a received signal moves LastUpdatedTimestamp. Never later than now (clock skew).
    const startedAt = next.StartedAt ?? Math.min(updatedAt ?? now, now);
    const due = next.Outcome !== undefined
      ? next.Signals
      : Math.min(next.Signals, Math.floor((now - startedAt) / ((next.WindowSeconds * 1000) / next.Signals)));
    let sent = next.Sent!;
    while (sent < due) {
      const uniqueId = signalId(next, sent + 1);
      try {
        await runtime.stack.signal(next.StackId, logicalId, uniqueId);
      } catch (err) {
        if (/^Stack .* cannot be signaled/.test((err as Error | undefined)?.message ?? '')) {
          // "Stack … is in <status> state and cannot be signaled": the operation is over.
          return finished({ ...next, Sent: sent, StartedAt: startedAt }, `the stack cannot be signaled: ${describeCause(err)}`, log);
        }
        // Anything else, a refusal of this wait condition included (AWS does not document the one for a wait condition
        // that already completed): the next check reads its status again and moves on if it has completed.
        log.warn('Could not signal the wait condition; will try again', { logicalId, cause: describeCause(err) });
        return waitFor({ ...next, Sent: sent, StartedAt: startedAt }, next.IntervalSeconds);
      }
      sent++;
      log.info('Signalled the wait condition', { logicalId, uniqueId, signals: `${sent}/${next.Signals}` });
    }
    if (sent < next.Signals) {
      return waitFor({ ...next, Sent: sent, StartedAt: startedAt }, next.IntervalSeconds);
    }
    next = nextCondition(next);
  }
  return finished(next, 'every wait condition has its signals', log);
}

function nextCondition(state: PollerState): PollerState {
  return { ...state, Condition: state.Condition! + 1, Sent: 0, StartedAt: undefined, HandoverSince: undefined };
}

/**
 * Stack statuses in which CloudFormation can still start a wait condition of
 * the template: it creates the template's new resources only while it
 * creates or updates the stack (the statuses:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html).
 * Not UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: by then the update has created
 * all of its resources and only removes the old ones
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html),
 * so a wait condition not there yet never will be (and none of ours can
 * have completed while we read: each needs our signals). Not the rollbacks
 * either: they return the stack to resources it already had, and a wait
 * condition's creation policy applies only when CloudFormation creates it.
 * Nor REVIEW_IN_PROGRESS or the imports, which create nothing of ours.
 */
const STARTS_WAIT_CONDITIONS = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS']);

/**
 * The current wait condition is not started (or was deleted by a rollback,
 * which reads the same): keep waiting only while the stack can still start
 * it. Looking again soon while a hand-over is due (the one before has
 * completed, or the outcome is known: CloudFormation starts the next one at
 * once), for HANDOVER_FAST_SECONDS; then at the plan's interval.
 */
async function notStarted(state: PollerState, logicalId: string, runtime: PollerRuntime): Promise<PollerState> {
  const { log } = runtime;
  let stackStatus: string;
  try {
    stackStatus = await runtime.stack.stackStatus(state.StackId);
  } catch (err) {
    log.warn('Could not read the stack\'s status; will check again', { cause: describeCause(err) });
    return waitFor(state, state.IntervalSeconds);
  }
  if (stackStatus === STACK_GONE) {
    return finished(state, 'the stack no longer exists', log);
  }
  if (!STARTS_WAIT_CONDITIONS.has(stackStatus)) {
    return finished(state, `the wait condition ${logicalId} has not started and the stack is ${stackStatus}`, log);
  }
  if (state.Outcome === undefined && state.Condition === 0) {
    // The resource's own custom resource still waits its first window.
    return waitFor(state, state.IntervalSeconds);
  }
  const now = runtime.now();
  const handoverSince = state.HandoverSince ?? now;
  const seconds = now - handoverSince < HANDOVER_FAST_SECONDS * 1000 ? HANDOVER_CHECK_SECONDS : state.IntervalSeconds;
  return waitFor({ ...state, HandoverSince: handoverSince }, seconds);
}

/**
 * The resource's status, `NOT_FOUND` when the service no longer knows it, or
 * undefined when the read failed (throttling, an outage, a missing
 * permission). A failed read does not hold back the wait conditions: the
 * check still sends the progress signals that time has made due, which say
 * only that time passed; the ready resource after the wait conditions
 * reports the resource's real status. Otherwise a read outage around a
 * hand-over would let a wait condition time out with the resource training,
 * or ACTIVE, and the rollback delete it.
 */
async function readStatus(state: PollerState, runtime: PollerRuntime): Promise<string | undefined> {
  try {
    return (await READERS[state.ResourceKind](runtime.client, state.ResourceArn)).status;
  } catch (err) {
    if (isNotFound(err)) return 'NOT_FOUND';
    runtime.log.warn('Could not read the resource; sending the signals that time has made due, and will check again', { cause: describeCause(err) });
    return undefined;
  }
}

function waitFor(state: PollerState, seconds: number): PollerState {
  return { ...state, Done: false, WaitSeconds: seconds };
}

function finished(state: PollerState, reason: string, log: Logger): PollerState {
  log.info('The training poller is done', { reason });
  return { ...state, Done: true, WaitSeconds: 0, Reason: reason };
}

/**
 * The UniqueId of a wait condition's `k`-th signal (from 1): distinct for each
 * signal of a wait condition ("If you send multiple signals to a single
 * resource (such as signaling a wait condition), each signal requires a
 * different unique ID",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SignalResource.html),
 * and the same each time the same signal is tried again. A signal whose
 * answer was lost (a timeout after CloudFormation took it) is sent again at
 * the next check; CloudFormation counts unique ids, so a new id would count
 * it twice and complete the wait condition a period early. AWS does not
 * document what a repeated id does; we rely on it counting once.
 *
 * A progress signal is named after the time it is due in the window
 * (`k × WindowSeconds / Signals`), not the time it was sent, nor the
 * resource's status, which can change between two tries (CREATE_PENDING →
 * CREATE_IN_PROGRESS) or be unknown (a failed read). Once the outcome is
 * known, the signals that remain carry it: `ACTIVE-5of6`.
 */
function signalId(state: PollerState, k: number): string {
  const count = `${k}of${state.Signals}`;
  if (state.Outcome !== undefined) return `${state.Outcome}-${count}`;
  return `PROGRESS-${count}-after-${formatElapsed((k * state.WindowSeconds * 1000) / state.Signals)}`;
}

/** `2h05m`: how long a wait condition has waited when a progress signal is due, in its unique id. */
function formatElapsed(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
