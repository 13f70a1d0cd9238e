/**
 * How each kind of resource is created, updated and deleted:
 *
 * - custom resources served by an aws-cdk-lib custom-resources Provider: the
 *   Provider's user functions run in-process through the replayed framework
 *   (provider-framework.ts) with a CloudFormation request;
 * - other custom resources: recorded with a synthetic physical id;
 * - AWS::CleanRoomsML::TrainingDataset: created and deleted on the emulator
 *   with the project's client, tags updated in place (its schema makes every
 *   other property create-only, so changing one replaces it: see changes.ts);
 * - AWS::SecretsManager::Secret: in the runner's Secrets Manager emulator
 *   (secret-resources.ts);
 * - AWS::CleanRooms::Collaboration and ::Membership: on the emulator's AWS
 *   Clean Rooms endpoint (clean-rooms-resources.ts);
 * - AWS::CloudFormation::WaitCondition with a CreationPolicy: waits for
 *   SignalResource signals (wait-conditions.ts);
 * - everything else: recorded with a synthetic physical id and attributes;
 *   Lambda functions also get their code copied, so they can run later.
 */
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { StackSource } from './assembly';
import { collaborations, COLLABORATION_TYPE, MEMBERSHIP_TYPE, memberships } from './clean-rooms-resources';
import { camelCaseKeys, tagChanges, tagMap } from './cloudformation-properties';
import { failedInvocationRecord, invocationBusyMs, readInvocation } from './lambda';
import type { LambdaFunctionSpec } from './lambda';
import { runtimeRefusal } from './lambda-runtimes';
import {
  ASYNC_INVOCATION_RETRY_DELAYS_SECONDS,
  CloudFormationRequest,
  CloudFormationResponse,
  DEFAULT_QUERY_INTERVAL_SECONDS,
  DEFAULT_TOTAL_TIMEOUT_SECONDS,
  ProviderFunctions,
  RequestType,
  runProviderFramework,
  USER_IS_COMPLETE_FUNCTION_ARN_ENV,
  USER_ON_EVENT_FUNCTION_ARN_ENV,
  WAITER_STATE_MACHINE_ARN_ENV,
} from './provider-framework';
import { handlerCall, handlerFailure, isNotFoundError, ProvisionContext, Provisioner, ProvisionResult, RefusedRequest, ResourceFailure, ResourceRequest } from './provisioning';
import { SECRET_TYPE, secrets } from './secret-resources';
import type { FunctionCode, ResourceHandling, ResourceRecord } from './state';
import { generatedName, StackScope, syntheticResource } from './synthetic';
import { isCustomResourceType, Json, JsonObject } from './template';
import { WAIT_CONDITION_TYPE, waitConditions } from './wait-conditions';
import type { Dataset } from '../client/types';

export const TRAINING_DATASET_TYPE = 'AWS::CleanRoomsML::TrainingDataset';

/** How long CloudFormation waits for a custom resource's response without a ServiceTimeout property. */
const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

/** CloudFormation refuses custom resource responses larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

export { RefusedRequest, ResourceFailure } from './provisioning';
export type { ProvisionContext, Provisioner, ProvisionResult, ResourceRequest } from './provisioning';

export function provisionerFor(type: string): Provisioner {
  if (isCustomResourceType(type)) return customResources;
  if (type === TRAINING_DATASET_TYPE) return trainingDatasets;
  if (type === SECRET_TYPE) return secrets;
  if (type === COLLABORATION_TYPE) return collaborations;
  if (type === MEMBERSHIP_TYPE) return memberships;
  if (type === WAIT_CONDITION_TYPE) return waitConditions;
  return recordedResources;
}

// ---------------------------------------------------------------------------
// Custom resources
// ---------------------------------------------------------------------------

const customResources: Provisioner = {
  async create(context, request) {
    const serviceToken = serviceTokenOf(request);
    const provider = findProvider(context, serviceToken);
    const fn = provider ? undefined : findFunction(context, serviceToken);
    if (!provider && !fn) {
      return {
        physicalResourceId: generatedName(context.scope.stackName, request.logicalId, 128, false),
        attributes: {},
        handling: 'recorded',
        note: 'recorded only: its ServiceToken is neither a Lambda function nor an aws-cdk custom-resources Provider of this stack',
      };
    }
    const response = provider
      ? await sendRequest(context, provider, request, 'Create')
      : await sendToFunction(context, fn!.record, request, 'Create');
    const handling: ResourceHandling = provider ? 'provider-framework' : 'lambda-function';
    if (response.Status !== 'SUCCESS') {
      throw new ResourceFailure(response.Reason, response.PhysicalResourceId, handling);
    }
    return fromResponse(response, handling);
  },

  async update(context, request, current) {
    const serviceToken = serviceTokenOf(request);
    if (serviceToken !== current.properties.ServiceToken) {
      throw new RefusedRequest('Modifying service token is not allowed.');
    }
    if (current.handling !== 'provider-framework' && current.handling !== 'lambda-function') {
      return { physicalResourceId: current.physicalResourceId, attributes: { ...current.attributes }, handling: current.handling };
    }
    const response = await sendTo(context, current, request, 'Update');
    if (response.Status !== 'SUCCESS') {
      throw new ResourceFailure(response.Reason);
    }
    return fromResponse(response, current.handling);
  },

  async delete(context, logicalId, record) {
    if (record.handling !== 'provider-framework' && record.handling !== 'lambda-function') return;
    const request: ResourceRequest = { logicalId, type: record.type, properties: record.properties };
    const response = await sendTo(context, record, request, 'Delete');
    if (response.Status !== 'SUCCESS') {
      throw new ResourceFailure(response.Reason);
    }
  },
};

/** An Update or Delete, to whatever served the resource's Create. */
function sendTo(
  context: ProvisionContext,
  current: ResourceRecord,
  request: ResourceRequest,
  requestType: RequestType,
): Promise<CloudFormationResponse> {
  const serviceToken = String(current.properties.ServiceToken);
  if (current.handling === 'provider-framework') {
    return sendRequest(context, requireProvider(context, serviceToken), request, requestType, current);
  }
  const fn = findFunction(context, serviceToken);
  if (!fn) {
    throw new ResourceFailure(`The custom resource's function (${serviceToken}) is no longer part of stack ${context.stack.stackName}`);
  }
  return sendToFunction(context, fn.record, request, requestType, current);
}

function serviceTokenOf(request: ResourceRequest): string {
  const token = request.properties.ServiceToken;
  if (typeof token !== 'string' || token === '') {
    throw new RefusedRequest(`Properties validation failed for resource ${request.logicalId}: ServiceToken is required for custom resources`);
  }
  return token;
}

function fromResponse(response: CloudFormationResponse, handling: ResourceHandling): ProvisionResult {
  return {
    physicalResourceId: response.PhysicalResourceId,
    attributes: (response.Data ?? {}) as Record<string, Json>,
    handling,
    noEcho: response.NoEcho === true ? true : undefined,
  };
}

/** The Provider behind a ServiceToken: the framework onEvent function of this stack whose environment names the user functions. */
function findProvider(context: ProvisionContext, serviceToken: string): ProviderFunctions | undefined {
  const framework = findFunction(context, serviceToken);
  const environment = framework ? environmentOf(framework.record) : {};
  const onEventArn = environment[USER_ON_EVENT_FUNCTION_ARN_ENV];
  if (!framework || !onEventArn) return undefined;

  const userFunction = (arn: string): LambdaFunctionSpec => {
    const found = findFunction(context, arn);
    if (!found) {
      throw new ResourceFailure(`The Provider's function ${arn} is not part of stack ${context.stack.stackName}; the local runner can only run functions it deployed`);
    }
    return functionSpec(context, found.record);
  };
  const isCompleteArn = environment[USER_IS_COMPLETE_FUNCTION_ARN_ENV];
  const waiter = waiterSchedule(context, environment[WAITER_STATE_MACHINE_ARN_ENV]);
  return {
    onEvent: userFunction(onEventArn),
    isComplete: isCompleteArn ? userFunction(isCompleteArn) : undefined,
    ...waiter,
  };
}

function requireProvider(context: ProvisionContext, serviceToken: string): ProviderFunctions {
  const provider = findProvider(context, serviceToken);
  if (!provider) {
    throw new ResourceFailure(`The custom resource's provider (${serviceToken}) is no longer part of stack ${context.stack.stackName}`);
  }
  return provider;
}

/** The records of the resources that exist now: the stack's, then replaced ones awaiting deletion. */
function existingRecords(context: Pick<ProvisionContext, 'stack' | 'retired'>): ResourceRecord[] {
  return [...Object.values(context.stack.resources), ...context.retired];
}

function findFunction(context: ProvisionContext, arn: string): { readonly record: ResourceRecord } | undefined {
  const record = existingRecords(context).find((candidate) => candidate.type === 'AWS::Lambda::Function' && candidate.attributes.Arn === arn);
  return record ? { record } : undefined;
}

/**
 * Runs a function of the stack for a Step Functions task (the training
 * poller's checks): by its ARN, a version or alias qualifier ignored (the
 * runner keeps one version of each function). Resolves what the function
 * returned; rejects with its error as Lambda reports it (errorType,
 * errorMessage), which the task's Retry and Catch match.
 */
export async function invokeStackFunction(context: ProvisionContext, functionArn: string, payload: unknown): Promise<unknown> {
  const found = findFunction(context, functionArn.split(':').slice(0, 7).join(':'));
  if (!found) {
    throw { errorType: 'Lambda.ResourceNotFoundException', errorMessage: `Function not found: ${functionArn}` };
  }
  const outcome = readInvocation(await context.lambda.invoke(functionSpec(context, found.record), payload));
  switch (outcome.kind) {
    case 'crashed':
      throw { errorType: 'Lambda.ServiceException', errorMessage: `${found.record.physicalResourceId} died without answering` };
    case 'malformed':
      // AWS does not document a payload that is not JSON (the Node.js runtime always answers JSON); the runner fails the task.
      throw { errorType: 'Lambda.Unknown', errorMessage: `${found.record.physicalResourceId} answered with a payload that is not JSON: ${outcome.payload}` };
    case 'failed':
      throw { errorType: outcome.error.errorType ?? 'Lambda.Unknown', errorMessage: outcome.error.errorMessage ?? 'error', trace: outcome.error.trace };
    case 'returned':
      return outcome.value === undefined ? null : outcome.value;
  }
}

/** The definition of a state machine of the stack, by ARN (its resolved DefinitionString). */
export function stateMachineDefinition(context: ProvisionContext, stateMachineArn: string): { readonly definition: string } | undefined {
  const record = existingRecords(context)
    .find((candidate) => candidate.type === 'AWS::StepFunctions::StateMachine' && candidate.physicalResourceId === stateMachineArn);
  const definition = record?.properties.DefinitionString;
  return typeof definition === 'string' ? { definition } : undefined;
}

/** IntervalSeconds and MaxAttempts of the waiter state machine's isComplete task, or the Provider's defaults. */
function waiterSchedule(context: ProvisionContext, stateMachineArn: string | undefined): Pick<ProviderFunctions, 'queryIntervalSeconds' | 'maxAttempts'> {
  const defaults = {
    queryIntervalSeconds: DEFAULT_QUERY_INTERVAL_SECONDS,
    maxAttempts: DEFAULT_TOTAL_TIMEOUT_SECONDS / DEFAULT_QUERY_INTERVAL_SECONDS,
  };
  const definitionText = stateMachineArn === undefined ? undefined : stateMachineDefinition(context, stateMachineArn)?.definition;
  if (definitionText === undefined) return defaults;
  try {
    type Retry = { readonly IntervalSeconds?: number; readonly MaxAttempts?: number };
    const definition = JSON.parse(definitionText) as { States?: Record<string, { Retry?: Retry[] }> };
    const retry = definition.States?.['framework-isComplete-task']?.Retry?.[0];
    return {
      queryIntervalSeconds: retry?.IntervalSeconds ?? defaults.queryIntervalSeconds,
      maxAttempts: retry?.MaxAttempts ?? defaults.maxAttempts,
    };
  } catch {
    return defaults;
  }
}

function environmentOf(record: ResourceRecord): Record<string, string> {
  const variables = ((record.properties.Environment as JsonObject | undefined)?.Variables ?? {}) as JsonObject;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** How the runner invokes a recorded Lambda function. */
export function functionSpec(context: Pick<ProvisionContext, 'stateDirectory'>, record: ResourceRecord): LambdaFunctionSpec {
  const properties = record.properties;
  return {
    functionName: record.physicalResourceId,
    functionArn: String(record.attributes.Arn),
    handler: typeof properties.Handler === 'string' ? properties.Handler : '',
    runtime: typeof properties.Runtime === 'string' ? properties.Runtime : '',
    environment: environmentOf(record),
    timeoutSeconds: properties.Timeout === undefined ? undefined : Number(properties.Timeout),
    memorySize: properties.MemorySize === undefined ? undefined : Number(properties.MemorySize),
    codeDirectory: record.code ? resolve(context.stateDirectory, record.code.directory) : undefined,
  };
}

/** The request CloudFormation sends for `request`, answered at `responseUrl`. */
function cloudFormationRequest(
  context: ProvisionContext,
  request: ResourceRequest,
  requestType: RequestType,
  requestId: string,
  answerUrl: string,
  current?: ResourceRecord,
): CloudFormationRequest {
  return {
    RequestType: requestType,
    ServiceToken: String(request.properties.ServiceToken),
    ResponseURL: answerUrl,
    StackId: context.scope.stackId,
    RequestId: requestId,
    LogicalResourceId: request.logicalId,
    ResourceType: request.type,
    ...(current ? { PhysicalResourceId: current.physicalResourceId } : {}),
    ResourceProperties: cloudFormationStrings(request.properties) as Record<string, unknown>,
    ...(requestType === 'Update' && current ? { OldResourceProperties: cloudFormationStrings(current.properties) as Record<string, unknown> } : {}),
  };
}

/** How long CloudFormation waits for the response: the resource's ServiceTimeout, or its default. */
function serviceTimeoutOf(request: ResourceRequest): number {
  const seconds = Number(request.properties.ServiceTimeout ?? DEFAULT_SERVICE_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) ? seconds : DEFAULT_SERVICE_TIMEOUT_SECONDS;
}

async function sendRequest(
  context: ProvisionContext,
  provider: ProviderFunctions,
  request: ResourceRequest,
  requestType: RequestType,
  current?: ResourceRecord,
): Promise<CloudFormationResponse> {
  const requestId = randomUUID();
  const answerUrl = responseUrl(context.scope, request.logicalId, requestId);
  const cfnRequest = cloudFormationRequest(context, request, requestType, requestId, answerUrl, current);
  const outcome = await runProviderFramework(provider, cfnRequest, {
    invoke: (spec, event) => context.lambda.invoke(spec, event),
    timeScale: context.timeScale,
    serviceTimeoutSeconds: serviceTimeoutOf(request),
    onPoll: (attempt, maxAttempts) => context.onPoll(request.logicalId, request.type, attempt, maxAttempts),
  });
  return checkedResponse('noResponse' in outcome ? undefined : outcome.response, requestId);
}

/**
 * A request to a Lambda function that is the ServiceToken: CloudFormation
 * invokes it asynchronously and waits for the answer at the ResponseURL
 * until the ServiceTimeout ("CloudFormation invokes your Lambda function
 * asynchronously with an event that includes a callback URL",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-cloudformation.html).
 * Lambda runs an asynchronous invocation that fails (an error, or an
 * environment that died) twice more, one and then two minutes later
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html),
 * or as many times as its asynchronous invocation configuration says, and
 * then sends a record of it to the configuration's on-failure destination
 * (asynchronousInvocationConfig); whatever else the function starts (the
 * library's poller executions) runs in the runner meanwhile and may answer.
 */
async function sendToFunction(
  context: ProvisionContext,
  fn: ResourceRecord,
  request: ResourceRequest,
  requestType: RequestType,
  current?: ResourceRecord,
): Promise<CloudFormationResponse> {
  const requestId = randomUUID();
  const expected = context.responseUrls.expect(`${context.scope.stackId}|${request.logicalId}|${requestId}`);
  const cfnRequest = cloudFormationRequest(context, request, requestType, requestId, expected.url, current);
  const spec = functionSpec(context, fn);
  const asynchronous = asynchronousInvocationConfig(context, fn);
  let settled = false;
  let pauseTimer: NodeJS.Timeout | undefined;
  let endPause = (): void => undefined;
  // Lambda's retry delay, cut short once the outcome is known.
  const pause = (seconds: number) => new Promise<void>((resolvePause) => {
    endPause = resolvePause;
    pauseTimer = setTimeout(resolvePause, seconds * 1000 * context.timeScale);
  });
  const deliver = async (): Promise<void> => {
    for (let attempt = 0; !settled; attempt++) {
      const result = await expected.during(() => context.lambda.invoke(spec, cfnRequest), (invoked) => !invoked.crashed);
      if (!result.crashed && !result.functionError) return;
      if (attempt >= asynchronous.retries) {
        // Lambda invokes the destination asynchronously: the record is its event, and what it answers is not awaited by anyone.
        // AWS does not document retries of a destination function that fails; the runner invokes it once.
        if (!settled && asynchronous.onFailure) {
          await context.lambda.invoke(functionSpec(context, asynchronous.onFailure), failedInvocationRecord(spec, cfnRequest, attempt + 1, result));
        }
        return;
      }
      await pause(ASYNC_INVOCATION_RETRY_DELAYS_SECONDS[attempt]);
    }
  };
  const timeout = providerTimeout(serviceTimeoutOf(request), context.timeScale);
  const forget = context.awaitResponse(expected.url, request.logicalId, request.type);
  // An invocation the runner cannot even start (its error is the function's) is an attempt without an answer.
  const delivered = deliver().catch(() => undefined);
  try {
    const body = await Promise.race([expected.received, timeout.passed.then(() => undefined)]);
    return checkedResponse(body === undefined ? undefined : parseResponse(body), requestId);
  } finally {
    settled = true;
    clearTimeout(pauseTimer);
    endPause();
    forget();
    timeout.cancel();
    expected.cancel();
    // The invocation under way finishes before the resource's outcome is recorded (the runner runs one at a time).
    await delivered;
  }
}

/**
 * A function's asynchronous invocation configuration
 * (AWS::Lambda::EventInvokeConfig of `$LATEST`, the version the runner
 * invokes): Lambda's retries of a failed attempt (MaximumRetryAttempts, 0 to
 * 2, by default 2) and the function of the stack its on-failure destination
 * names (an ARN; a version or alias qualifier is ignored, as the runner keeps
 * one version of each function). Other destinations (SQS, SNS, EventBridge,
 * S3) and on-success destinations are ignored: the runner has none of those
 * services, and the library uses a function. MaximumEventAgeInSeconds is not
 * emulated: no event waits in a queue here (Lambda keeps one up to 6 hours
 * by default, https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
function asynchronousInvocationConfig(
  context: ProvisionContext,
  fn: ResourceRecord,
): { readonly retries: number; readonly onFailure?: ResourceRecord } {
  // FunctionName takes the function's name (what Ref gives) or its ARN.
  const config = existingRecords(context).find((candidate) => candidate.type === 'AWS::Lambda::EventInvokeConfig'
    && (candidate.properties.FunctionName === fn.physicalResourceId || candidate.properties.FunctionName === fn.attributes.Arn)
    && candidate.properties.Qualifier === '$LATEST');
  const lambdaMaximum = ASYNC_INVOCATION_RETRY_DELAYS_SECONDS.length;
  const maximum = Number(config?.properties.MaximumRetryAttempts ?? lambdaMaximum);
  const retries = Number.isInteger(maximum) && maximum >= 0 ? Math.min(maximum, lambdaMaximum) : lambdaMaximum;
  const destination = (config?.properties.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
  const unqualified = typeof destination === 'string' ? destination.split(':').slice(0, 7).join(':') : undefined;
  const onFailure = unqualified === undefined ? undefined : findFunction(context, unqualified)?.record;
  return { retries, onFailure };
}

/**
 * `seconds` of provider time from now: waits (the state machines' Wait
 * states, Lambda's retry delays) count scaled, the functions' run time as it
 * is, as the Provider framework replay counts its ServiceTimeout; otherwise a
 * small timeScale would turn each millisecond a function runs into many
 * seconds of CloudFormation's hour.
 */
function providerTimeout(seconds: number, timeScale: number): { readonly passed: Promise<void>; cancel(): void } {
  const startedAt = Date.now();
  const busyAtStart = invocationBusyMs();
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<void>((resolvePassed) => {
    const check = (): void => {
      const busy = invocationBusyMs() - busyAtStart;
      const elapsedMs = (Date.now() - startedAt - busy) / timeScale + busy;
      const remainingMs = seconds * 1000 - elapsedMs;
      if (remainingMs <= 0) {
        resolvePassed();
      } else {
        timer = setTimeout(check, Math.max(1, remainingMs * timeScale));
      }
    };
    check();
  });
  return { passed, cancel: () => clearTimeout(timer) };
}

/** A PUT body as CloudFormation reads it; a body it cannot read is a failure naming the request. */
function parseResponse(body: string): CloudFormationResponse {
  try {
    const response = JSON.parse(body) as CloudFormationResponse;
    if ((response.Status === 'SUCCESS' || response.Status === 'FAILED') && typeof response.PhysicalResourceId === 'string' && response.PhysicalResourceId !== '') {
      return response;
    }
  } catch {
    // Reported below, as CloudFormation does.
  }
  // AWS does not document the event's wording for an unreadable response; the runner names the rule.
  throw new ResourceFailure('Invalid response object: Status must be SUCCESS or FAILED and PhysicalResourceId a non-empty string');
}

/** The response CloudFormation accepts, or its failure: none before the ServiceTimeout, or too long. */
function checkedResponse(response: CloudFormationResponse | undefined, requestId: string): CloudFormationResponse {
  if (!response) {
    throw new ResourceFailure(
      `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}]. `
      + 'If you are using the Python cfn-response module, you may need to update your Lambda function code so that CloudFormation can attach the updated version.',
    );
  }
  if (response.Status === 'SUCCESS' && Buffer.byteLength(JSON.stringify(response), 'utf8') > MAX_RESPONSE_BYTES) {
    throw new ResourceFailure('Response object is too long.');
  }
  return response;
}

/** A pre-signed-looking S3 URL, as CloudFormation sends (handlers must treat it as a secret). */
function responseUrl(scope: StackScope, logicalId: string, requestId: string): string {
  const key = encodeURIComponent(`${scope.stackId}|${logicalId}|${requestId}`);
  const signature = createHash('sha256').update(`${key}${randomUUID()}`).digest('hex');
  return `https://cloudformation-custom-resource-response-${scope.region.replace(/-/g, '')}.s3.${scope.region}.${scope.urlSuffix}/${key}`
    + `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=19700101T000000Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`;
}

/** CloudFormation hands custom resources every scalar as a string. */
export function cloudFormationStrings(value: Json): Json {
  if (Array.isArray(value)) return value.map(cloudFormationStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cloudFormationStrings(item as Json)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

// ---------------------------------------------------------------------------
// AWS::CleanRoomsML::TrainingDataset, on the emulator
// ---------------------------------------------------------------------------

const TRAINING_DATASET_REQUIRED = ['Name', 'RoleArn', 'TrainingData'];

const trainingDatasets: Provisioner = {
  async create(context, request) {
    const properties = request.properties;
    const missing = TRAINING_DATASET_REQUIRED.filter((name) => properties[name] === undefined);
    if (missing.length > 0) {
      throw new RefusedRequest(`Properties validation failed for resource ${request.logicalId} with message: [#: required key [${missing.join(', ')}] not found]`);
    }
    const { client } = context.target;
    const { trainingDatasetArn } = await handlerCall(() => client.createTrainingDataset({
      name: String(properties.Name),
      roleArn: String(properties.RoleArn),
      trainingData: camelCaseKeys(properties.TrainingData) as Dataset[],
      description: typeof properties.Description === 'string' ? properties.Description : undefined,
      tags: tagMap(properties.Tags),
    }));
    // From here on the dataset exists: CloudFormation records a create that
    // succeeded before anything else can fail, so a failed read leaves its
    // physical id for the rollback to delete, never an unknown dataset.
    let dataset: { readonly status: string };
    try {
      dataset = await client.getTrainingDataset({ trainingDatasetArn });
    } catch (error) {
      throw handlerFailure(error, trainingDatasetArn);
    }
    return {
      physicalResourceId: trainingDatasetArn,
      attributes: { TrainingDatasetArn: trainingDatasetArn, Status: dataset.status },
      handling: 'emulator',
    };
  },

  async update(context, request, current) {
    const before = current.properties;
    const after = request.properties;
    const arn = current.physicalResourceId;
    const { removed, changed } = tagChanges(before.Tags, after.Tags);
    const { client } = context.target;
    if (removed.length > 0) await handlerCall(() => client.untagResource({ resourceArn: arn, tagKeys: removed }));
    if (Object.keys(changed).length > 0) await handlerCall(() => client.tagResource({ resourceArn: arn, tags: changed }));
    const dataset = await handlerCall(() => client.getTrainingDataset({ trainingDatasetArn: arn }));
    return { physicalResourceId: arn, attributes: { TrainingDatasetArn: arn, Status: dataset.status }, handling: 'emulator' };
  },

  async delete(context, _logicalId, record) {
    try {
      await context.target.client.deleteTrainingDataset({ trainingDatasetArn: record.physicalResourceId });
    } catch (error) {
      // Already gone is deleted (CloudFormation's handlers treat NotFound on delete as success).
      if (isNotFoundError(error)) return;
      throw handlerFailure(error);
    }
  },
};

// ---------------------------------------------------------------------------
// Recorded resources
// ---------------------------------------------------------------------------

const recordedResources: Provisioner = {
  async create(context, request) {
    refuseBlockedRuntime(request, 'create');
    const { physicalResourceId, attributes } = syntheticResource(request.type, request.logicalId, request.properties, context.scope);
    return {
      physicalResourceId,
      attributes,
      handling: 'recorded',
      code: request.type === 'AWS::Lambda::Function' ? captureCode(context, request) : undefined,
    };
  },

  async update(context, request, current) {
    refuseBlockedRuntime(request, 'update');
    return {
      physicalResourceId: current.physicalResourceId,
      attributes: { ...current.attributes },
      handling: 'recorded',
      code: request.type === 'AWS::Lambda::Function' ? captureCode(context, request) : undefined,
    };
  },

  async delete() {
    // Nothing exists outside the record.
  },
};

/** Lambda refuses to create or update a function on a runtime past its block date; so does the runner. */
function refuseBlockedRuntime(request: ResourceRequest, operation: 'create' | 'update'): void {
  if (request.type !== 'AWS::Lambda::Function' || typeof request.properties.Runtime !== 'string') return;
  const refusal = runtimeRefusal(request.properties.Runtime, operation, new Date());
  if (refusal) throw new ResourceFailure(refusal);
}

/**
 * Copies a Lambda function's code out of the assembly into the state's
 * functions directory (as Lambda keeps its own copy): from the asset
 * directory named by `aws:asset:path` metadata or by the asset manifest entry
 * whose object key is Code.S3Key, or inline Code.ZipFile as index.js.
 */
function captureCode(context: ProvisionContext, request: ResourceRequest): FunctionCode | undefined {
  const code = (request.properties.Code ?? {}) as JsonObject;
  if (typeof code.ZipFile === 'string') {
    const zipFile = code.ZipFile;
    const directory = join(context.functionsDirectory, `inline-${createHash('sha256').update(zipFile).digest('hex').slice(0, 32)}`);
    placeDirectory(directory, (staging) => {
      mkdirSync(staging);
      writeFileSync(join(staging, 'index.js'), zipFile);
    });
    return { directory: relative(context.stateDirectory, directory) };
  }
  const source = assetSource(context.source, request, code);
  if (!source || !existsSync(source) || !statSync(source).isDirectory()) return undefined;
  const name = /^asset\.[0-9a-f]{16,}$/.test(basename(source)) ? basename(source) : `code-${directoryDigest(source)}`;
  const directory = join(context.functionsDirectory, name);
  placeDirectory(directory, (staging) => cpSync(source, staging, { recursive: true, dereference: true }));
  return { directory: relative(context.stateDirectory, directory) };
}

/**
 * Makes `directory` once, whole: `fill` builds it under a name of its own,
 * then one rename puts it in place. Its name is a digest of its content, so
 * when it exists (another deploy sharing the state directory made it, maybe
 * at this very moment) it is the same and is kept; a run never loads code
 * from a directory another run is still copying.
 */
function placeDirectory(directory: string, fill: (staging: string) => void): void {
  if (existsSync(directory)) return;
  mkdirSync(dirname(directory), { recursive: true });
  const staging = `${directory}.partial-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    fill(staging);
    renameSync(staging, directory);
  } catch (error) {
    // Another run renamed the same directory into place first.
    if (!existsSync(directory)) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function assetSource(source: StackSource | undefined, request: ResourceRequest, code: JsonObject): string | undefined {
  if (!source) return undefined;
  const metadataPath = request.metadata?.['aws:asset:path'];
  const metadataProperty = request.metadata?.['aws:asset:property'];
  if (typeof metadataPath === 'string' && (metadataProperty === undefined || metadataProperty === 'Code')) {
    return isAbsolute(metadataPath) ? metadataPath : join(source.assemblyDirectory, metadataPath);
  }
  const key = code.S3Key;
  if (typeof key !== 'string') return undefined;
  return source.assets.get(key) ?? source.assets.get(basename(key).replace(/\.zip$/, ''));
}

function directoryDigest(directory: string): string {
  const hash = createHash('sha256');
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(current, entry.name);
      hash.update(relative(directory, path));
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hash.update(readFileSync(path));
    }
  };
  walk(directory);
  return hash.digest('hex').slice(0, 32);
}
