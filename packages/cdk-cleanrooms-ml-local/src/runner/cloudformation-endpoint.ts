/**
 * The CloudFormation endpoint the runner serves for each operation: the
 * functions it runs see it as AWS_ENDPOINT_URL_CLOUDFORMATION (the SDK's
 * service-specific endpoint variable,
 * https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html).
 * It speaks CloudFormation's AWS Query protocol (a form-encoded POST with
 * `Action` and `Version=2010-05-15`; XML answers, errors as
 * `<ErrorResponse><Error><Type>Sender</Type><Code>…`), as
 * @aws-sdk/client-cloudformation sends and parses it, for three actions:
 *
 * - SignalResource: delivers a signal to a wait condition of the operation
 *   that waits for signals (wait-conditions.ts);
 * - DescribeStackResource: a resource of the stack as the operation has it
 *   now (CREATE_IN_PROGRESS while a wait condition waits; one the operation
 *   deleted from a stack that still exists is no longer the stack's);
 * - DescribeStacks: the stack, with the status the operation has put it in
 *   (CREATE_IN_PROGRESS, ROLLBACK_IN_PROGRESS, UPDATE_IN_PROGRESS, …), for a
 *   caller that must stop once the operation is no longer in progress.
 *
 * The stack is found by its name or its stack id; once it is deleted
 * (DELETE_COMPLETE), by its stack id only ("Running stacks: You can specify
 * either the stack's name or its unique stack ID. Deleted stacks: You must
 * specify the unique stack ID.",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
 *
 * Any other action is refused, naming it. Requests are not checked for a
 * signature: the endpoint listens on 127.0.0.1 for one operation and its
 * callers are the functions the runner itself runs (and the runner's caller),
 * which it trusts as it trusts their code.
 */
import { randomUUID } from 'node:crypto';
import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResourceStatus, StackStatus } from './events';
import type { SignalStatus, WaitConditionSignals } from './wait-conditions';
import { WAIT_CONDITION_TYPE } from './wait-conditions';
import { readBody } from '../emulator/server';

const XML_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** A resource of the stack, as DescribeStackResource shows it. */
export interface StackResourceView {
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly resourceStatus: ResourceStatus;
  readonly physicalResourceId?: string;
  readonly resourceStatusReason?: string;
  /** ISO 8601. */
  readonly lastUpdatedTimestamp: string;
}

/** What the endpoint needs of the operation it serves (deployment.ts' StackOperation gives it). */
export interface CloudFormationStackView {
  readonly stackName: string;
  readonly stackId: string;
  /** ISO 8601. */
  readonly creationTime: string;
  /** The wait conditions of the operation waiting for signals. */
  readonly waitConditions: WaitConditionSignals;
  /** The stack's status now: its final one once the operation has ended. */
  status(): StackStatus;
  /** Why the stack is in its status (e.g. "User Initiated", the resources that failed), when the operation said. */
  statusReason(): string | undefined;
  /**
   * The resource now; undefined when the operation has not started it and the stack has no record of it, or
   * when the operation deleted it from a stack that still exists (a deleted stack keeps its resources' last views).
   */
  resource(logicalId: string): StackResourceView | undefined;
}

/**
 * Stack statuses in which a signal is taken. AWS documents the refusal for
 * CREATE_COMPLETE ("Stack arn:… is in CREATE_COMPLETE state and cannot be
 * signaled", https://github.com/aws-cloudformation/aws-cloudformation-templates/issues/34);
 * for the others (rollbacks, deletes) AWS does not document it: the runner
 * refuses them the same way.
 */
const SIGNALED_STACK_STATUSES: ReadonlySet<StackStatus> = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS']);

class ValidationError extends Error {}

/** A CloudFormation Query endpoint on 127.0.0.1 serving the stack of one operation. */
export class CloudFormationEndpoint {
  public static async start(): Promise<CloudFormationEndpoint> {
    const endpoint = new CloudFormationEndpoint();
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  private readonly server: Server;
  private stack?: CloudFormationStackView;

  private constructor() {
    this.server = createServer((request, response) => {
      void readBody(request).then((bytes) => bytes.toString('utf8')).then((body) => this.answer(new URLSearchParams(body), response), () => response.destroy());
    });
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves this stack from now on (the operation's, once it has one). */
  public serve(stack: CloudFormationStackView): void {
    this.stack = stack;
  }

  public async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private answer(parameters: URLSearchParams, response: ServerResponse): void {
    const requestId = randomUUID();
    const action = parameters.get('Action') ?? '';
    try {
      switch (action) {
        case 'SignalResource':
          this.signalResource(parameters);
          reply(response, requestId, 200, `<SignalResourceResponse xmlns="${XML_NAMESPACE}">${metadata(requestId)}</SignalResourceResponse>`);
          return;
        case 'DescribeStackResource': {
          const detail = this.describeStackResource(parameters);
          reply(response, requestId, 200, `<DescribeStackResourceResponse xmlns="${XML_NAMESPACE}"><DescribeStackResourceResult>`
            + `<StackResourceDetail>${detail}</StackResourceDetail></DescribeStackResourceResult>${metadata(requestId)}</DescribeStackResourceResponse>`);
          return;
        }
        case 'DescribeStacks': {
          const stacks = this.describeStacks(parameters).map((stack) => `<member>${stack}</member>`).join('');
          reply(response, requestId, 200, `<DescribeStacksResponse xmlns="${XML_NAMESPACE}"><DescribeStacksResult>`
            + `<Stacks>${stacks}</Stacks></DescribeStacksResult>${metadata(requestId)}</DescribeStacksResponse>`);
          return;
        }
        default:
          throw new ValidationError(`The local runner's CloudFormation endpoint does not support the action ${action || '(none)'}: `
            + 'it serves SignalResource, DescribeStackResource and DescribeStacks only');
      }
    } catch (error) {
      const message = error instanceof ValidationError ? error.message : `Internal failure: ${(error as Error)?.message ?? String(error)}`;
      const [status, type, code] = error instanceof ValidationError ? [400, 'Sender', 'ValidationError'] : [500, 'Receiver', 'InternalFailure'];
      reply(response, requestId, status, `<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>${type}</Type><Code>${code}</Code>`
        + `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    }
  }

  /** https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SignalResource.html */
  private signalResource(parameters: URLSearchParams): void {
    const stackName = required(parameters, 'StackName');
    const logicalId = required(parameters, 'LogicalResourceId');
    const uniqueId = required(parameters, 'UniqueId');
    const status = required(parameters, 'Status');
    if (uniqueId.length > 64) {
      throw new ValidationError(`1 validation error detected: Value '${uniqueId}' at 'uniqueId' failed to satisfy constraint: `
        + 'Member must have length less than or equal to 64');
    }
    if (status !== 'SUCCESS' && status !== 'FAILURE') {
      throw new ValidationError(`1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: `
        + 'Member must satisfy enum value set: [SUCCESS, FAILURE]');
    }
    const stack = this.stackNamed(stackName);
    const stackStatus = stack.status();
    if (!SIGNALED_STACK_STATUSES.has(stackStatus)) {
      throw new ValidationError(`Stack ${stack.stackId} is in ${stackStatus} state and cannot be signaled`);
    }
    const resource = this.resourceOf(stack, logicalId);
    if (!stack.waitConditions.signal(logicalId, uniqueId, status as SignalStatus)) {
      // AWS does not document these refusals; the runner names the resource's status.
      throw new ValidationError(resource.resourceType === WAIT_CONDITION_TYPE
        ? `Resource ${logicalId} is in ${resource.resourceStatus} state and cannot be signaled`
        : `Resource ${logicalId} (${resource.resourceType}) is in ${resource.resourceStatus} state and cannot be signaled: `
          + `the local runner takes signals for ${WAIT_CONDITION_TYPE} resources only`);
    }
  }

  /** https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResource.html */
  private describeStackResource(parameters: URLSearchParams): string {
    const stack = this.stackNamed(required(parameters, 'StackName'));
    const resource = this.resourceOf(stack, required(parameters, 'LogicalResourceId'));
    return [
      element('StackName', stack.stackName),
      element('StackId', stack.stackId),
      element('LogicalResourceId', resource.logicalResourceId),
      element('PhysicalResourceId', resource.physicalResourceId),
      element('ResourceType', resource.resourceType),
      element('LastUpdatedTimestamp', resource.lastUpdatedTimestamp),
      element('ResourceStatus', resource.resourceStatus),
      element('ResourceStatusReason', resource.resourceStatusReason),
    ].join('');
  }

  /**
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
   * The stack's id, name, creation time, status and status reason: what a
   * caller waiting on the operation reads. The other fields of AWS's Stack
   * (Outputs, Parameters, LastUpdatedTime, …) are left out. Without a
   * StackName AWS lists every stack of the account; the endpoint knows only
   * the operation's, and lists that one (a deleted stack only by its stack id, as below).
   */
  private describeStacks(parameters: URLSearchParams): string[] {
    const stackName = parameters.get('StackName');
    const stack = stackName ? this.stackNamed(stackName) : this.stack;
    if (!stack || (!stackName && stack.status() === 'DELETE_COMPLETE')) return [];
    return [[
      element('StackId', stack.stackId),
      element('StackName', stack.stackName),
      element('CreationTime', stack.creationTime),
      element('StackStatus', stack.status()),
      element('StackStatusReason', stack.statusReason()),
    ].join('')];
  }

  /**
   * The stack served, by name or stack id (by stack id only once it is
   * deleted); else CloudFormation's answer for a stack it does not have. AWS
   * documents only that this is a ValidationError (API_DescribeStacks.html);
   * the message is the one its responses carry, e.g.
   * `<Code>ValidationError</Code><Message>Stack with id foo does not exist</Message>`
   * (https://github.com/boto/boto3/issues/2807).
   */
  private stackNamed(stackName: string): CloudFormationStackView {
    const stack = this.stack;
    const named = stack && (stackName === stack.stackId || (stackName === stack.stackName && stack.status() !== 'DELETE_COMPLETE'));
    if (!named) {
      throw new ValidationError(`Stack with id ${stackName} does not exist`);
    }
    return stack;
  }

  /**
   * A resource the operation has started (or the stack has from before).
   * AWS does not document the answer for one of the template that has not
   * started yet; the runner answers as for a logical id the stack does not have.
   */
  private resourceOf(stack: CloudFormationStackView, logicalId: string): StackResourceView {
    const resource = stack.resource(logicalId);
    if (!resource) throw new ValidationError(`Resource ${logicalId} does not exist for stack ${stack.stackName}`);
    return resource;
  }
}

function required(parameters: URLSearchParams, name: string): string {
  const value = parameters.get(name);
  if (value === null || value === '') {
    throw new ValidationError(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: `
      + 'Member must not be null');
  }
  return value;
}

function metadata(requestId: string): string {
  return `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
}

function element(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function reply(response: ServerResponse, requestId: string, statusCode: number, xml: string): void {
  response.writeHead(statusCode, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  response.end(xml);
}
