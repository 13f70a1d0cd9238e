/**
 * What the training poller reads of CloudFormation through the SDK client
 * (stack-signals.ts), with @aws-sdk/client-cloudformation replaced by a
 * recording stand-in that answers as the API reference describes.
 */
import { POLLER_EVENT_KIND, PollerState } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import type { CleanRoomsMlClient } from 'cdk-cleanrooms-ml-local/lib/client/client';
import { LOCAL_TIME_SCALE_ENV } from 'cdk-cleanrooms-ml-local/lib/runner/handler-environment';
import { STACK_ID } from './harness';
import { Logger } from '../src/framework/logger';
import { checkAndSignal } from '../src/wait/poller';
import { NOT_STARTED, STACK_GONE, stackSignalsFromEnvironment } from '../src/wait/stack-signals';

/** The calls the functions made, and the answers (or errors) each action gives. */
const cloudFormation = {
  calls: [] as Array<{ action: string; input: Record<string, unknown> }>,
  answers: {} as Record<string, () => unknown>,
};

function call(action: string, input: Record<string, unknown>): Promise<unknown> {
  cloudFormation.calls.push({ action, input });
  const answer = cloudFormation.answers[action];
  if (!answer) return Promise.reject(new Error(`no answer for ${action}`));
  try {
    return Promise.resolve(answer());
  } catch (err) {
    return Promise.reject(err);
  }
}

jest.mock('@aws-sdk/client-cloudformation', () => ({
  CloudFormation: class {
    public describeStackResource(input: Record<string, unknown>) { return call('DescribeStackResource', input); }
    public describeStacks(input: Record<string, unknown>) { return call('DescribeStacks', input); }
    public signalResource(input: Record<string, unknown>) { return call('SignalResource', input); }
  },
}));

/** An error as the SDK throws a CloudFormation ValidationError. */
function validationError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => {
  cloudFormation.calls = [];
  cloudFormation.answers = {};
});

describe('a wait condition', () => {
  test('is read with DescribeStackResource on the stack id: its status, and when CloudFormation last changed it', async () => {
    const updated = new Date('2025-06-01T10:00:00.000Z');
    cloudFormation.answers.DescribeStackResource = () => ({
      StackResourceDetail: { LogicalResourceId: 'Wait1', ResourceStatus: 'CREATE_IN_PROGRESS', LastUpdatedTimestamp: updated },
    });

    await expect(stackSignalsFromEnvironment({}).waitCondition(STACK_ID, 'Wait1')).resolves.toEqual({
      status: 'CREATE_IN_PROGRESS',
      updatedAt: updated.getTime(),
    });
    expect(cloudFormation.calls).toEqual([{ action: 'DescribeStackResource', input: { StackName: STACK_ID, LogicalResourceId: 'Wait1' } }]);
  });

  test('under the local deploy runner, its time is on the handlers\' scaled clock, as their now is', async () => {
    const updated = new Date('2025-06-01T10:00:00.000Z');
    cloudFormation.answers.DescribeStackResource = () => ({
      StackResourceDetail: { LogicalResourceId: 'Wait1', ResourceStatus: 'CREATE_IN_PROGRESS', LastUpdatedTimestamp: updated },
    });

    const view = await stackSignalsFromEnvironment({ [LOCAL_TIME_SCALE_ENV]: '0.001' }).waitCondition(STACK_ID, 'Wait1');

    expect(view.updatedAt).toBe(updated.getTime() / 0.001);
  });

  test.each([
    ['Resource Wait2 does not exist for stack LookalikeStack', NOT_STARTED],
    [`Stack with id ${STACK_ID} does not exist`, STACK_GONE],
  ])('"%s" reads as %s', async (message, status) => {
    cloudFormation.answers.DescribeStackResource = () => { throw validationError(message); };

    await expect(stackSignalsFromEnvironment({}).waitCondition(STACK_ID, 'Wait2')).resolves.toEqual({ status });
  });

  test('any other failure is the caller\'s to handle', async () => {
    cloudFormation.answers.DescribeStackResource = () => { throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }); };

    await expect(stackSignalsFromEnvironment({}).waitCondition(STACK_ID, 'Wait1')).rejects.toThrow('Rate exceeded');
  });

  test('is signalled with a SUCCESS signal of the given UniqueId', async () => {
    cloudFormation.answers.SignalResource = () => ({});

    await stackSignalsFromEnvironment({}).signal(STACK_ID, 'Wait1', 'PROGRESS-1of6-after-1h50m');

    expect(cloudFormation.calls).toEqual([{
      action: 'SignalResource',
      input: { StackName: STACK_ID, LogicalResourceId: 'Wait1', UniqueId: 'PROGRESS-1of6-after-1h50m', Status: 'SUCCESS' },
    }]);
  });
});

describe('the training poller, over the SDK client, when its wait condition has not started', () => {
  const MODEL_ARN = 'arn:aws:cleanrooms-ml:us-east-1:123456789012:audience-model/4f2d4c1e-0b9a-4a7e-9d3c-1e2f3a4b5c6d';
  /** The model still trains: only the stack can say whether the wait is over. */
  const training = { getAudienceModel: async () => ({ status: 'CREATE_IN_PROGRESS' }) } as unknown as CleanRoomsMlClient;
  const state: PollerState = {
    Kind: POLLER_EVENT_KIND,
    ResourceKind: 'audience-model',
    ResourceArn: MODEL_ARN,
    StackId: STACK_ID,
    LogicalIds: ['ModelWait1', 'ModelWait2'],
    Signals: 7,
    WindowSeconds: 39_600,
    IntervalSeconds: 39,
    // The first wait condition is done: the poller waits for CloudFormation to start the second.
    Condition: 1,
    Sent: 0,
  };

  function check(): Promise<PollerState> {
    cloudFormation.answers.DescribeStackResource = () => { throw validationError('Resource ModelWait2 does not exist for stack LookalikeStack'); };
    const log = new Logger({}, [], () => undefined);
    return checkAndSignal(state, { client: training, stack: stackSignalsFromEnvironment({}), log, now: Date.now });
  }

  test.each(['ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    'DELETE_IN_PROGRESS', 'DELETE_COMPLETE'])('ends the execution when the stack is %s: CloudFormation will not start it', async (stackStatus) => {
    cloudFormation.answers.DescribeStacks = () => ({ Stacks: [{ StackId: STACK_ID, StackName: 'LookalikeStack', StackStatus: stackStatus }] });

    await expect(check()).resolves.toMatchObject({
      Done: true,
      Reason: `the wait condition ModelWait2 has not started and the stack is ${stackStatus}`,
    });
    expect(cloudFormation.calls.map(({ action }) => action)).toEqual(['DescribeStackResource', 'DescribeStacks']);
    expect(cloudFormation.calls[1].input).toEqual({ StackName: STACK_ID });
  });

  test('ends the execution when CloudFormation no longer knows the stack', async () => {
    cloudFormation.answers.DescribeStacks = () => { throw validationError(`Stack with id ${STACK_ID} does not exist`); };

    await expect(check()).resolves.toMatchObject({ Done: true, Reason: 'the stack no longer exists' });
  });

  test.each(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS'])('keeps waiting while the stack is %s: CloudFormation starts it soon', async (stackStatus) => {
    cloudFormation.answers.DescribeStacks = () => ({ Stacks: [{ StackId: STACK_ID, StackName: 'LookalikeStack', StackStatus: stackStatus }] });

    await expect(check()).resolves.toMatchObject({ Done: false, WaitSeconds: 5, Condition: 1 });
    expect(cloudFormation.calls.filter(({ action }) => action === 'SignalResource')).toEqual([]);
  });

  test('keeps waiting, at its interval, when the stack\'s status cannot be read', async () => {
    cloudFormation.answers.DescribeStacks = () => { throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }); };

    await expect(check()).resolves.toMatchObject({ Done: false, WaitSeconds: 39 });
  });
});
