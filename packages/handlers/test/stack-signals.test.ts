/**
 * What the training poller reads of CloudFormation through the SDK client
 * (stack-signals.ts), with @aws-sdk/client-cloudformation replaced by a
 * recording stand-in that answers as the API reference describes.
 */
import { LOCAL_TIME_SCALE_ENV } from 'cdk-cleanrooms-ml-local/lib/runner/handler-environment';
import { STACK_ID } from './harness';
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
