import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { CleanRoomsMlProvider, suppressNagFindings } from './provider';
import { POLLER_LOGICAL_ID_ENV } from '../../contracts/provider';
import { POLLER_ARN_ENV } from '../../contracts/wait';

// The stack's poller: one Step Functions state machine that runs the
// isComplete checks of every custom resource operation of the library in the
// stack until the operation is done and answered (contracts/provider.ts),
// and signals the wait conditions of every long wait in the stack
// (./wait-chain.ts). For the latter, the handler of the waited-for resource starts one
// execution per resource (states:StartExecution, on Create and on an Update
// that replaces it) and stops it on Delete, rollbacks included
// (states:StopExecution). Each execution loops: the provider's isComplete
// function checks the resource and signals (cloudformation:SignalResource),
// then the execution waits (a Wait state: nothing sleeps in a function) and
// checks again, until every wait condition of the resource has its signals.
//
// A Standard workflow, because a long wait lasts up to 72 hours ("The
// maximum wait time that you can specify for Standard Workflows and Express
// workflows is one year and five minutes respectively",
// https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html).
// The check is a Lambda task rather than AWS SDK integrations: the decision
// (which wait condition, how many signals, when) is the handlers' code,
// tested with them.

/**
 * The poller's definition: check (the isComplete function, with the state
 * as its event: contracts/wait.ts PollerState) → done? → wait → check. A
 * Task state whose Resource is a function's ARN passes its input as the event
 * and its answer on as the output
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html);
 * it is retried on the Lambda service's transient errors, and on any other
 * error for about an hour (the function itself answers every check, a
 * service's failure included).
 */
const POLLER_DEFINITION = {
  Comment: 'cdk-cleanrooms-ml: checks Clean Rooms ML operations until they are done, and signals the wait conditions of long waits',
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Task',
      Resource: '${IsCompleteArn}',
      Retry: [
        {
          ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
          IntervalSeconds: 2,
          MaxAttempts: 6,
          BackoffRate: 2,
        },
        // Anything else (a function timeout, a crash): try again for about an hour rather than end the execution,
        // which would leave the wait condition to time out with the resource ACTIVE.
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: 60, BackoffRate: 1 },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Choice', Choices: [{ Variable: '$.Done', BooleanEquals: true, Next: 'Finished' }], Default: 'Interval' },
    Interval: { Type: 'Wait', SecondsPath: '$.WaitSeconds', Next: 'Check' },
    Finished: { Type: 'Succeed' },
  },
};

/** Construct id of the poller under its stack. */
const POLLER_ID = 'CleanRoomsMlTrainingPoller';

/** The stack's poller, created with its custom resource provider. */
export class TrainingPoller extends Construct {
  /** The stack's poller, created on first use. */
  public static of(scope: IConstruct): TrainingPoller {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(POLLER_ID);
    return existing instanceof TrainingPoller ? existing : new TrainingPoller(stack, POLLER_ID);
  }

  public readonly stateMachineArn: string;
  /**
   * The handler role's permissions for the poller: starting and stopping its
   * executions, reading and signalling this stack's wait conditions, and
   * reading the stack's status, and invoking the isComplete function (the
   * onEvent function's on-failure destination: ./provider.ts).
   * Apart from the handler policy, because the onEvent function's on-failure
   * configuration must come after the permission to invoke isComplete (Lambda
   * refuses a destination the role may not use), and the handler policy comes
   * after that configuration (./provider.ts).
   */
  public readonly policy: iam.Policy;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const provider = CleanRoomsMlProvider.of(this);

    // Written as CloudFormation (CfnStateMachine, CfnRole with its one inline policy) rather than with the
    // StateMachine construct: a stack pays for it once, at every synthesis.
    const role = new iam.CfnRole(this, 'Role', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      policies: [{
        policyName: 'CheckWithIsComplete',
        policyDocument: {
          Version: '2012-10-17',
          // The unqualified function: the one the definition names.
          Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: provider.isCompleteFunction.functionArn }],
        },
      }],
    });
    const stateMachine = new sfn.CfnStateMachine(this, 'StateMachine', {
      roleArn: role.attrArn,
      definitionString: Fn.sub(JSON.stringify(POLLER_DEFINITION), { IsCompleteArn: provider.isCompleteFunction.functionArn }),
    });
    this.stateMachineArn = stateMachine.ref;
    // Where the handlers find the poller: one variable per stack rather than one property per waiting resource.
    provider.onEventFunction.addEnvironment(POLLER_ARN_ENV, this.stateMachineArn);
    // The isComplete function, which the definition names, gets the machine's logical id (a string, no reference).
    provider.isCompleteFunction.addEnvironment(POLLER_LOGICAL_ID_ENV, Stack.of(this).getLogicalId(stateMachine));

    const stack = Stack.of(this);
    const stateMachineName = stateMachine.attrName;
    this.policy = new iam.Policy(this, 'Policy', {
      roles: [provider.handlerRole],
      statements: [
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }),
        // Executions are named by the handler (one per waited-for resource and plan).
        // DescribeExecution: onEvent's check that a request delivered again is already being completed.
        new iam.PolicyStatement({
          actions: ['states:DescribeExecution', 'states:StopExecution'],
          resources: [stack.formatArn({
            service: 'states', resource: 'execution', resourceName: `${stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          })],
        }),
        // This stack only (its id is its ARN): the poller reads and signals the stack's own wait conditions, and reads
        // the stack's status (DescribeStacks on its id) to end once CloudFormation can no longer start one; isComplete,
        // answering a request whose onEvent invocations all failed, reads the poller's ARN (DescribeStackResource).
        new iam.PolicyStatement({
          actions: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks', 'cloudformation:SignalResource'],
          resources: [stack.stackId],
        }),
      ],
    });

    // Starting and stopping executions, and the poller's signals, need this policy: the onEvent function (and so
    // every custom resource, through the Provider's ServiceToken) comes after it, and a stack deletion keeps it
    // until the resources' Deletes (which stop the executions) have run.
    provider.onEventFunction.node.addDependency(this.policy);

    suppressNagFindings(stateMachine, [
      {
        id: 'AwsSolutions-SF1',
        reason: 'The poller does not log to CloudWatch Logs: that needs the log delivery actions on Resource "*"; each check logs in the isComplete function.',
      },
      { id: 'AwsSolutions-SF2', reason: 'The poller only calls the isComplete function in a loop; tracing it adds nothing.' },
    ]);
    suppressNagFindings(this.policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'The executions of the poller are named by the handler when it starts one per waited-for resource.',
      applies_to: [{ regex: '/^Resource::arn:<AWS::Partition>:states:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):execution:.*:\\*$/g' }],
    }]);
  }
}
