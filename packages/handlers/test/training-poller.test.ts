/**
 * The training poller's checks (src/wait/poller.ts) against the emulator,
 * with the stack's wait conditions kept by a small in-memory stand-in that
 * follows CloudFormation's documented rules (a wait condition completes after
 * Count distinct SUCCESS signals; the next starts once it completes). The
 * whole-stack suites run the same code over the local runner's CloudFormation
 * endpoint.
 */
import { POLLER_EVENT_KIND, PollerState } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { HandlerTestbed, ManualClock, STACK_ID } from './harness';
import { Logger } from '../src/framework/logger';
import { checkAndSignal } from '../src/wait/poller';
import { NOT_STARTED, STACK_GONE, StackSignals, WaitConditionView } from '../src/wait/stack-signals';

const HOUR = 3_600_000;

/** Wait conditions in a chain, as CloudFormation runs them: one at a time, each completing after `count` distinct SUCCESS signals. */
class WaitConditions implements StackSignals {
  public readonly signals: Array<{ readonly logicalId: string; readonly uniqueId: string }> = [];
  public statuses: Record<string, string>;
  /** When CloudFormation started each wait condition (its LastUpdatedTimestamp until a signal). */
  public readonly startedAt: Record<string, number> = {};
  public stackGone = false;
  public stack = 'CREATE_IN_PROGRESS';
  public failNextSignal?: Error;
  /** The next signal is taken, but its answer is lost (the client sees this error, e.g. a timeout). */
  public loseNextAnswer?: Error;
  private readonly received = new Map<string, Set<string>>();

  constructor(private readonly logicalIds: string[], private readonly count: number, started = true) {
    this.statuses = {};
    if (started) this.startNext();
  }

  public async waitCondition(_stackId: string, logicalId: string): Promise<WaitConditionView> {
    if (this.stackGone) return { status: STACK_GONE };
    const status = this.statuses[logicalId];
    return status === undefined ? { status: NOT_STARTED } : { status, updatedAt: this.startedAt[logicalId] };
  }

  public async signal(_stackId: string, logicalId: string, uniqueId: string): Promise<void> {
    if (this.failNextSignal) {
      const error = this.failNextSignal;
      this.failNextSignal = undefined;
      throw error;
    }
    const status = this.statuses[logicalId];
    if (status !== 'CREATE_IN_PROGRESS') {
      // As the local runner words it: AWS does not document this refusal.
      throw Object.assign(new Error(`Resource ${logicalId} is in ${status ?? 'no'} state and cannot be signaled`), { name: 'ValidationError' });
    }
    this.signals.push({ logicalId, uniqueId });
    const received = this.received.get(logicalId) ?? new Set<string>();
    received.add(uniqueId);
    this.received.set(logicalId, received);
    if (received.size >= this.count) this.statuses[logicalId] = 'CREATE_COMPLETE';
    if (this.loseNextAnswer) {
      const error = this.loseNextAnswer;
      this.loseNextAnswer = undefined;
      throw error;
    }
  }

  public async stackStatus(): Promise<string> {
    return this.stackGone ? STACK_GONE : this.stack;
  }

  /** The distinct UniqueIds CloudFormation counted for a wait condition. */
  public countedBy(logicalId: string): number {
    return this.received.get(logicalId)?.size ?? 0;
  }

  /** CloudFormation starts the next wait condition once the one before completed. */
  public startNext(): void {
    const next = this.logicalIds.find((id) => this.statuses[id] === undefined);
    if (next) {
      this.statuses[next] = 'CREATE_IN_PROGRESS';
      this.startedAt[next] = clock.now();
    }
  }

  public signalsOf(logicalId: string): string[] {
    return this.signals.filter((signal) => signal.logicalId === logicalId).map((signal) => signal.uniqueId);
  }
}

let testbed: HandlerTestbed;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  // Training lasts 30 (emulator) hours: statuses move only when the test advances the clock.
  testbed = await HandlerTestbed.start({
    audienceModel: { createPendingMs: HOUR, createInProgressMs: 29 * HOUR, deletePendingMs: 1, deleteInProgressMs: 1 },
  }, clock.now);
});

afterEach(() => testbed.stop());

async function createModel(tags: Record<string, string> = {}): Promise<string> {
  const trainingDatasetArn = await testbed.trainingDataset();
  return (await testbed.client.createAudienceModel({ name: 'model', trainingDatasetArn, tags })).audienceModelArn;
}

function initialState(resourceArn: string, logicalIds: string[], signals: number, windowHours: number): PollerState {
  return {
    Kind: POLLER_EVENT_KIND,
    ResourceKind: 'audience-model',
    ResourceArn: resourceArn,
    StackId: STACK_ID,
    LogicalIds: logicalIds,
    Signals: signals,
    WindowSeconds: windowHours * 3600,
    IntervalSeconds: 60,
  };
}

const silent = new Logger({}, [], () => undefined);

function check(state: PollerState, stack: StackSignals): Promise<PollerState> {
  return checkAndSignal(state, { client: testbed.client, stack, log: silent, now: clock.now });
}

test('while the model trains, each wait condition gets its signals spread over its window, then the next one takes over', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2'], 6, false);
  let state = initialState(arn, ['Wait1', 'Wait2'], 6, 11);

  // CloudFormation has not started the first wait condition yet (the model's own resource still waits).
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, WaitSeconds: 60, Condition: 0, Sent: 0 });
  expect(stack.signals).toEqual([]);

  stack.startNext();
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, WaitSeconds: 60, Sent: 0, StartedAt: clock.now() });

  // One signal per 11/6 hours: the stack shows progress less than 2 hours apart, each named after its due time.
  clock.advance(2 * HOUR);
  state = await check(state, stack);
  expect(stack.signalsOf('Wait1')).toEqual(['PROGRESS-1of6-after-1h50m']);
  clock.advance(9 * HOUR);
  state = await check(state, stack);
  // The window is over: the rest are sent, which completes it while the model still trains.
  expect(stack.signalsOf('Wait1')).toHaveLength(6);
  expect(new Set(stack.signalsOf('Wait1')).size).toBe(6);
  expect(stack.statuses.Wait1).toBe('CREATE_COMPLETE');
  expect(state).toMatchObject({ Done: false, Condition: 1, Sent: 0, WaitSeconds: 5 });
  expect(state.Outcome).toBeUndefined();

  // The next one, once CloudFormation has started it.
  stack.startNext();
  state = await check(state, stack);
  expect(state).toMatchObject({ Condition: 1, StartedAt: clock.now() });
  expect(stack.signalsOf('Wait2')).toEqual([]);
});

test('once the model is ACTIVE, every remaining signal goes out: to the wait condition in progress and to each later one as it starts', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2', 'Wait3'], 6);
  let state = await check(initialState(arn, ['Wait1', 'Wait2', 'Wait3'], 6, 11), stack);
  clock.advance(2 * HOUR);
  state = await check(state, stack);
  expect(stack.signalsOf('Wait1')).toHaveLength(1);

  clock.advance(29 * HOUR);
  state = await check(state, stack);
  expect(stack.signalsOf('Wait1')).toEqual(['PROGRESS-1of6-after-1h50m', ...[2, 3, 4, 5, 6].map((n) => `ACTIVE-${n}of6`)]);
  // The next one is not started yet: look again soon, not after a whole interval.
  expect(state).toMatchObject({ Done: false, Outcome: 'ACTIVE', Condition: 1, WaitSeconds: 5 });

  stack.startNext();
  state = await check(state, stack);
  expect(stack.signalsOf('Wait2')).toEqual([1, 2, 3, 4, 5, 6].map((n) => `ACTIVE-${n}of6`));
  stack.startNext();
  state = await check(state, stack);
  expect(stack.statuses).toEqual({ Wait1: 'CREATE_COMPLETE', Wait2: 'CREATE_COMPLETE', Wait3: 'CREATE_COMPLETE' });
  expect(state).toMatchObject({ Done: true, Reason: 'every wait condition has its signals' });
});

test('a failed training completes the wait conditions too: the ready resource after them reports the service\'s statusDetails', async () => {
  const arn = await createModel({ 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Not enough interactions' });
  const stack = new WaitConditions(['Wait1'], 3);

  // The emulator fails the training where it would have ended.
  clock.advance(31 * HOUR);
  const state = await check(initialState(arn, ['Wait1'], 3, 6), stack);

  expect(state).toMatchObject({ Done: true, Outcome: 'CREATE_FAILED' });
  expect(stack.signalsOf('Wait1')).toEqual(['CREATE_FAILED-1of3', 'CREATE_FAILED-2of3', 'CREATE_FAILED-3of3']);
});

test('a model deleted outside the stack ends the wait the same way', async () => {
  const arn = await createModel();
  await testbed.client.deleteAudienceModel({ audienceModelArn: arn });
  clock.advance(HOUR);
  const stack = new WaitConditions(['Wait1'], 2);

  const state = await check(initialState(arn, ['Wait1'], 2, 6), stack);

  expect(state).toMatchObject({ Done: true });
  expect(stack.signalsOf('Wait1')).toHaveLength(2);
  expect(stack.signalsOf('Wait1')[0]).toMatch(/^(NOT_FOUND|DELETE_PENDING|DELETE_IN_PROGRESS)-1of2$/);
});

test.each([
  ['the stack is gone', (stack: WaitConditions) => { stack.stackGone = true; }, 'the stack no longer exists'],
  ['the wait condition failed (a rollback)', (stack: WaitConditions) => { stack.statuses.Wait1 = 'CREATE_FAILED'; }, 'the wait condition Wait1 is CREATE_FAILED'],
  ['the wait condition was deleted', (stack: WaitConditions) => { stack.statuses.Wait1 = 'DELETE_COMPLETE'; }, 'the wait condition Wait1 is DELETE_COMPLETE'],
])('stops when %s: nothing is left to wait for', async (_case, change, reason) => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1'], 6);
  change(stack);

  await expect(check(initialState(arn, ['Wait1'], 6, 11), stack)).resolves.toMatchObject({ Done: true, Reason: reason });
  expect(stack.signals).toEqual([]);
});

test('stops when CloudFormation says the stack cannot be signaled; tries again later after any other failure, losing no signal', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1'], 6);
  let state = await check(initialState(arn, ['Wait1'], 6, 12), stack);
  clock.advance(2 * HOUR);

  stack.failNextSignal = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, Sent: 0, WaitSeconds: 60 });
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, Sent: 1 });
  expect(stack.signalsOf('Wait1')).toEqual(['PROGRESS-1of6-after-2h00m']);

  clock.advance(2 * HOUR);
  stack.failNextSignal = Object.assign(new Error('Stack arn:aws:cloudformation:… is in UPDATE_ROLLBACK_COMPLETE state and cannot be signaled'), {
    name: 'ValidationError',
  });
  await expect(check(state, stack)).resolves.toMatchObject({ Done: true, Reason: expect.stringMatching(/^the stack cannot be signaled: /) });
});

test('a signal whose answer was lost is sent again an interval later with the same UniqueId, so CloudFormation counts it once', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1'], 6);
  let state = await check(initialState(arn, ['Wait1'], 6, 11), stack);
  clock.advance(2 * HOUR);

  // CloudFormation took the signal, but the client saw a timeout after its retries.
  stack.loseNextAnswer = Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, Sent: 0, WaitSeconds: 60 });

  clock.advance(60_000);
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, Sent: 1 });
  expect(stack.signalsOf('Wait1')).toEqual(['PROGRESS-1of6-after-1h50m', 'PROGRESS-1of6-after-1h50m']);
  expect(stack.countedBy('Wait1')).toBe(1);

  // The rest of the window: the wait condition completes with the sixth signal, not the fifth.
  clock.advance(9 * HOUR);
  state = await check(state, stack);
  expect(stack.countedBy('Wait1')).toBe(6);
  expect(state).toMatchObject({ Done: true, Reason: 'every wait condition has its signals' });
});

test('a wait condition that completed before its last signal (one counted twice) is not the end: the next one gets its signals', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2', 'Wait3'], 2);
  let state = await check(initialState(arn, ['Wait1', 'Wait2', 'Wait3'], 2, 4), stack);
  clock.advance(2 * HOUR);
  stack.loseNextAnswer = Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
  state = await check(state, stack);
  expect(state).toMatchObject({ Sent: 0 });

  // The model is ACTIVE at the next check: its signals carry the outcome, so CloudFormation counts a second one
  // with the first's retry, and refuses the last.
  clock.advance(29 * HOUR);
  state = await check(state, stack);
  expect(stack.statuses.Wait1).toBe('CREATE_COMPLETE');
  expect(state).toMatchObject({ Done: false, Outcome: 'ACTIVE' });

  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, Condition: 1, WaitSeconds: 5 });
  stack.startNext();
  state = await check(state, stack);
  expect(stack.signalsOf('Wait2')).toEqual(['ACTIVE-1of2', 'ACTIVE-2of2']);
  expect(state).toMatchObject({ Done: false, Condition: 2 });
});

test('a read of the model that fails is tried again at the next check, and holds back no signal that time has made due', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2', 'Wait3'], 6);
  let state = await check(initialState(arn, ['Wait1', 'Wait2', 'Wait3'], 6, 11), stack);

  // Clean Rooms ML throttles every read (two attempts a check) for the rest of the window.
  testbed.emulator.setFaults({ throttleFirst: 1_000 });
  clock.advance(2 * HOUR);
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: false, WaitSeconds: 60, Sent: 1 });
  expect(state.Outcome).toBeUndefined();
  expect(stack.signalsOf('Wait1')).toEqual(['PROGRESS-1of6-after-1h50m']);

  // The window ends on time: the wait condition completes, and the next one starts, while the model cannot be read.
  clock.advance(9 * HOUR);
  state = await check(state, stack);
  expect(stack.statuses.Wait1).toBe('CREATE_COMPLETE');
  expect(state).toMatchObject({ Done: false, Condition: 1 });
  expect(state.Outcome).toBeUndefined();

  // Once it can be read again, the outcome completes what remains.
  testbed.emulator.setFaults({});
  stack.startNext();
  clock.advance(20 * HOUR);
  state = await check(state, stack);
  expect(stack.signalsOf('Wait2')).toEqual([1, 2, 3, 4, 5, 6].map((n) => `ACTIVE-${n}of6`));
  expect(state).toMatchObject({ Done: false, Outcome: 'ACTIVE', Condition: 2, WaitSeconds: 5 });
});

test('the window starts when CloudFormation started the wait condition, not when the poller first saw it', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2'], 6, false);
  let state = await check(initialState(arn, ['Wait1', 'Wait2'], 6, 11), stack);

  // CloudFormation starts the wait condition; the poller's next check comes 3 hours later (a late check, or reads that failed).
  stack.startNext();
  const startedAt = clock.now();
  clock.advance(3 * HOUR);
  state = await check(state, stack);
  expect(state).toMatchObject({ StartedAt: startedAt, Sent: 1 });
  expect(stack.signalsOf('Wait1')).toEqual(['PROGRESS-1of6-after-1h50m']);

  // The last signal is due 11 hours after CloudFormation started it (so within its 12-hour timeout), not 11 hours after the first sighting.
  clock.advance(8 * HOUR - 60_000);
  state = await check(state, stack);
  expect(stack.statuses.Wait1).toBe('CREATE_IN_PROGRESS');
  expect(state.Sent).toBe(5);
  clock.advance(60_000);
  state = await check(state, stack);
  expect(stack.statuses.Wait1).toBe('CREATE_COMPLETE');
  expect(state).toMatchObject({ Condition: 1 });
});

test('ends once its wait conditions can no longer be waiting, even when one never starts (deleted by a rollback, no Delete to stop it)', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2'], 6, false);
  let state = await check(initialState(arn, ['Wait1', 'Wait2'], 6, 11), stack);
  expect(state).toMatchObject({ Done: false, Since: clock.now() });

  // Two wait conditions of at most 12 hours each after the resource's own window: 26 hours at most.
  clock.advance(25 * HOUR);
  state = await check(state, stack);
  expect(state.Done).toBe(false);
  clock.advance(2 * HOUR);
  await expect(check(state, stack)).resolves.toMatchObject({ Done: true, Reason: 'past the longest its wait conditions can wait' });
  expect(stack.signals).toEqual([]);
});

test('after a hand-over, looks for the next wait condition every 5 seconds for 5 minutes, then at its interval, while the stack is in progress', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2'], 2);
  let state = await check(initialState(arn, ['Wait1', 'Wait2'], 2, 4), stack);
  clock.advance(4 * HOUR);
  state = await check(state, stack);
  expect(stack.statuses.Wait1).toBe('CREATE_COMPLETE');
  expect(state).toMatchObject({ Condition: 1, WaitSeconds: 5, HandoverSince: clock.now() });

  // CloudFormation is slow to start the next one (the stack is still being created).
  const waits: number[] = [];
  for (let elapsed = 0; elapsed <= 6 * 60_000; elapsed += state.WaitSeconds! * 1000) {
    clock.advance(state.WaitSeconds! * 1000);
    state = await check(state, stack);
    waits.push(state.WaitSeconds!);
  }
  expect(new Set(waits.slice(0, 59))).toEqual(new Set([5]));
  expect(waits.slice(-2)).toEqual([60, 60]);
  expect(state.Done).toBe(false);

  // Once it starts, the next hand-over is fast again.
  stack.startNext();
  clock.advance(4 * HOUR);
  state = await check(state, stack);
  expect(state).toMatchObject({ Done: true, Reason: 'every wait condition has its signals' });
});

test('a wait condition not started while the stack is no longer being created or updated (a rollback deleted it) ends the execution', async () => {
  const arn = await createModel();
  const stack = new WaitConditions(['Wait1', 'Wait2'], 2);
  let state = await check(initialState(arn, ['Wait1', 'Wait2'], 2, 4), stack);
  clock.advance(4 * HOUR);
  state = await check(state, stack);
  expect(state).toMatchObject({ Condition: 1, Done: false });

  // The stack rolled back (say another resource failed): Wait2 will never start, and a retained model gets no Delete.
  stack.stack = 'ROLLBACK_COMPLETE';
  clock.advance(5_000);
  await expect(check(state, stack)).resolves.toMatchObject({
    Done: true,
    Reason: 'the wait condition Wait2 has not started and the stack is ROLLBACK_COMPLETE',
  });
  expect(stack.signalsOf('Wait2')).toEqual([]);
});
