/**
 * The handler of a resource whose wait continues in wait conditions starts
 * the training poller's execution (Create, and an Update that replaces the
 * resource or changes the wait conditions) and stops it on Delete.
 */
import { WaitConditionsPlan } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { CustomResourceEvents, HandlerTestbed, STACK_ID } from './harness';
import { AudienceModelHandler } from '../src/audience-model/handler';
import type { CustomResourceEvent } from '../src/framework/events';
import { Logger } from '../src/framework/logger';
import { executionArnOf, PollerExecutions } from '../src/framework/poller-executions';

const events = new CustomResourceEvents('Custom::CleanRoomsMLAudienceModel');

function plan(logicalIds = ['ModelWait1AAAAAAAA', 'ModelWait2AAAAAAAA']): WaitConditionsPlan {
  return { LogicalIds: logicalIds, Signals: 6, WindowSeconds: 39_660, IntervalSeconds: 44 };
}

/** Records what the handler asks of the poller; `failStart` makes StartExecution fail. */
class RecordedExecutions implements PollerExecutions {
  public readonly started: Array<{ name: string; input: unknown }> = [];
  public readonly stopped: string[] = [];
  public failStart?: Error;

  public async start(name: string, input: unknown): Promise<void> {
    if (this.failStart) throw this.failStart;
    this.started.push({ name, input });
  }

  public async stop(name: string): Promise<void> {
    this.stopped.push(name);
  }

  public async exists(name: string): Promise<boolean> {
    return this.started.some((execution) => execution.name === name);
  }
}

let testbed: HandlerTestbed;
let executions: RecordedExecutions;
let trainingDatasetArn: string;

beforeEach(async () => {
  testbed = await HandlerTestbed.start();
  executions = new RecordedExecutions();
  trainingDatasetArn = await testbed.trainingDataset();
});

afterEach(() => testbed.stop());

function onEvent(event: CustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  const runtime = { client: testbed.client, log: new Logger({}, [], () => undefined), now: Date.now, executions };
  return new AudienceModelHandler(runtime, event).onEvent();
}

function properties(waitConditions?: WaitConditionsPlan, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { TrainingDatasetArn: trainingDatasetArn, TimeoutSeconds: 3600, WaitLinks: 3, WaitConditions: waitConditions, ...extra };
}

test('a Create starts one execution for the new model, named after it, with the plan and the request\'s stack as input', async () => {
  const { PhysicalResourceId: arn } = await onEvent(events.create(properties(plan())));

  expect(executions.started).toEqual([{
    name: expect.stringMatching(new RegExp(`^${arn.split('/').pop()}-[0-9a-f]{16}$`)),
    input: {
      Kind: 'CleanRoomsMlTrainingPoll',
      ResourceKind: 'audience-model',
      ResourceArn: arn,
      StackId: STACK_ID,
      LogicalIds: plan().LogicalIds,
      Signals: 6,
      WindowSeconds: 39_660,
      IntervalSeconds: 44,
    },
  }]);
  expect(executions.started[0].name.length).toBeLessThanOrEqual(80);
});

test('a Create without wait conditions (a timeout of an hour or two) starts none', async () => {
  await onEvent(events.create(properties(undefined, { WaitLinks: undefined })));

  expect(executions.started).toEqual([]);
});

test('an Update that keeps the model and its wait conditions (tags) starts none; one that changes them starts one for the same model', async () => {
  const { PhysicalResourceId: arn } = await onEvent(events.create(properties(plan())));
  executions.started.length = 0;

  await onEvent(events.update(arn, properties(plan()), properties(plan(), { Tags: { team: 'growth' } })));
  expect(executions.started).toEqual([]);

  const moreWaitConditions = plan(['ModelWait1BBBBBBBB', 'ModelWait2BBBBBBBB', 'ModelWait3BBBBBBBB']);
  const { PhysicalResourceId: same } = await onEvent(events.update(arn, properties(plan()), properties(moreWaitConditions)));
  expect(same).toBe(arn);
  expect(executions.started).toEqual([
    expect.objectContaining({ input: expect.objectContaining({ ResourceArn: arn, LogicalIds: moreWaitConditions.LogicalIds }) }),
  ]);
});

test('an Update that replaces the model starts an execution for the new one', async () => {
  const { PhysicalResourceId: arn } = await onEvent(events.create(properties(plan())));
  executions.started.length = 0;
  const newPlan = plan(['ModelWait1CCCCCCCC', 'ModelWait2CCCCCCCC']);

  const { PhysicalResourceId: replaced } = await onEvent(events.update(arn, properties(plan()), properties(newPlan, { Description: 'v2' })));

  expect(replaced).not.toBe(arn);
  expect(executions.started).toEqual([expect.objectContaining({ input: expect.objectContaining({ ResourceArn: replaced }) })]);
});

test('an Update that replaces the model but keeps its wait conditions warns that the wait falls back to the ready resource\'s window', async () => {
  const { PhysicalResourceId: arn } = await onEvent(events.create(properties(plan())));
  const lines: string[] = [];
  const runtime = { client: testbed.client, log: new Logger({}, [], (line) => lines.push(line)), now: Date.now, executions };
  const warnings = () => lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'WARN');

  // A replacement the construct could not see at synthesis (a replaced KMS key): same wait conditions.
  const update = events.update(arn, properties(plan()), properties(plan(), { KmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/v2' }));
  const { PhysicalResourceId: replaced } = await new AudienceModelHandler(runtime, update).onEvent();

  expect(replaced).not.toBe(arn);
  expect(warnings()).toEqual([expect.objectContaining({
    message: expect.stringMatching(/was replaced but its wait conditions were not: the wait for the new one falls back to the ready resource's window/),
    arn: replaced,
    waitConditions: plan().LogicalIds,
  })]);
});

test('a Delete (a stack deletion, a replaced model\'s cleanup, a rollback) stops the model\'s execution', async () => {
  const { PhysicalResourceId: arn } = await onEvent(events.create(properties(plan())));
  const { name } = executions.started[0];

  await onEvent(events.delete(arn, properties(plan())));

  expect(executions.stopped).toEqual([name]);
});

test('a Create whose execution cannot start deletes the model it made and fails, naming the cause', async () => {
  executions.failStart = Object.assign(new Error('User is not authorized to perform: states:StartExecution'), { name: 'AccessDeniedException' });

  await expect(onEvent(events.create(properties(plan())))).rejects.toThrow(
    /^could not start the training poller that signals the wait conditions: .*not authorized to perform: states:StartExecution/,
  );
  const models = testbed.emulator.inventory().audienceModels;
  expect(models.every((model) => model.status.startsWith('DELETE'))).toBe(true);
});

test('the executions of the stack\'s poller: the state machine the onEvent function\'s environment names, each execution under it', () => {
  const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:TrainingPoller-abc';
  expect(executionArnOf(stateMachineArn, 'model-1-0123456789abcdef')).toBe('arn:aws:states:us-east-1:123456789012:execution:TrainingPoller-abc:model-1-0123456789abcdef');
});
