/**
 * Carries out a stack create, update or delete the way CloudFormation would,
 * one resource at a time in dependency order (CloudFormation runs
 * independent resources in parallel; the outcome is the same, the order of
 * events is deterministic here):
 *
 * - create: every active resource after what it depends on; on a failure,
 *   ROLLBACK: delete what this operation created (the failed resource too
 *   when it has a physical id), in reverse order → ROLLBACK_COMPLETE;
 * - update: resources whose resolved properties changed are updated in
 *   place, or replaced when their type's schema says so (changes.ts) or a
 *   custom resource's handler returns a new physical id; the old one is
 *   deleted in the cleanup phase after every resource is done; new resources created;
 *   removed ones deleted in the cleanup phase. On a failure, UPDATE_ROLLBACK:
 *   in-place updates (the failed one included) get an Update back to the old
 *   properties, replaced resources return to the old physical id, and the
 *   cleanup deletes what the update created;
 * - delete: every resource in reverse dependency order; DeletionPolicy
 *   Retain (and UpdateReplacePolicy Retain for replaced resources) skips the
 *   delete; a resource that fails to delete keeps what it depends on.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadStack, StackSource } from './assembly';
import { resourceChange } from './changes';
import { CloudFormationEndpoint, CloudFormationStackView, StackResourceView } from './cloudformation-endpoint';
import { connectEmulator, EmulatorTarget } from './emulator-target';
import {
  DeploymentEvent,
  formatDuration,
  FunctionLogEntry,
  ResourceStatus,
  STACK_RESOURCE_TYPE,
  StackEvent,
  StackStatus,
} from './events';
import { LOCAL_TIME_SCALE_ENV } from './handler-environment';
import { IntrinsicError, StackOutputReference, TemplateResolver } from './intrinsics';
import { LocalLambda, outsideFunctions, RunnerFaults } from './lambda';
import { invokeStackFunction, ProvisionContext, provisionerFor, ProvisionResult, RefusedRequest, ResourceFailure, stateMachineDefinition } from './resources';
import { ResponseUrls } from './response-urls';
import { connectSecretsManager, SecretsManagerTarget } from './secrets-manager-target';
import { DeploymentState, executionRecord, executionSummary, ResourceRecord, StackRecord } from './state';
import { StepFunctionsEndpoint } from './step-functions';
import { genericAttribute, physicalNameOf, StackScope } from './synthetic';
import {
  dependenciesOf,
  deploymentOrder,
  importValueArguments,
  Json,
  jsonEqual,
  JsonObject,
  Template,
  TemplateOutput,
  TemplateValidationError,
  topologicalOrder,
  validateTemplate,
} from './template';
import { WAIT_CONDITION_TYPE, WaitConditionSignals } from './wait-conditions';
import type { CleanRoomsMlEmulatorOptions } from '../emulator';
import type { EmulatorCredentials } from '../emulator/signature';

/** Options every runner operation takes. */
export interface RunnerOptions {
  /** The deployment state file; the runner's own emulator keeps its state next to it. */
  readonly stateFile: string;
  /**
   * A Clean Rooms ML emulator already running (e.g. `cleanrooms-ml-local emulator`).
   * @default the one the stack was deployed to, else an emulator the runner starts for the operation
   */
  readonly endpoint?: string;
  /**
   * Real time per unit of CloudFormation / Provider framework time: the waiter's
   * queryInterval and totalTimeout, and ServiceTimeout, are multiplied by it.
   * @default 0.01 (a 5 s query interval becomes 50 ms)
   */
  readonly timeScale?: number;
  /**
   * Receives every stack event and progress note as it happens. When it
   * returns a promise (an async function), the operation goes on, and the runner keeps its local
   * endpoints (CloudFormation, the emulator it started, Secrets Manager)
   * serving until the promise settles, even past the stack's final status:
   * e.g. a caller that signals a wait condition on an event. What the promise
   * rejects with is the caller's: the runner ignores it.
   */
  readonly onEvent?: (event: DeploymentEvent) => void;
  /**
   * Told the URL of the CloudFormation endpoint the runner serves for the
   * operation (SignalResource, DescribeStackResource, DescribeStacks; the functions see it as
   * AWS_ENDPOINT_URL_CLOUDFORMATION) once it listens, before the first
   * event: for a caller that signals the stack's wait conditions itself.
   */
  readonly onCloudFormationEndpoint?: (endpoint: string) => void;
  /**
   * Receives what the Lambda functions log.
   * @default appended to `<state file base>.lambda.log`
   */
  readonly onFunctionLog?: (entry: FunctionLogEntry) => void;
  /** A progress note is emitted when a resource has been waited for this long without another event. @default 5000 */
  readonly progressIntervalMs?: number;
  /**
   * Options for the emulator the runner starts (timings, faults, region, and
   * its accounts: `accountId` / `credentials` for the default one, `accounts`
   * for more, so stacks of several accounts deploy against one emulator).
   */
  readonly emulator?: CleanRoomsMlEmulatorOptions;
  /**
   * The key the functions and the runner sign with, which decides the account
   * they call as. A stack whose environment names an account must be deployed
   * with that account's key: with the emulator the runner starts, the runner
   * takes it from the emulator's accounts; with one at `endpoint`, give it here.
   * @default the stack's account's key (the runner's own emulator), else test / test
   */
  readonly credentials?: EmulatorCredentials;
  /**
   * A Secrets Manager endpoint of the caller's that the functions use
   * (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), e.g. one serving the secrets a stack
   * imports. The runner cannot create the stack's own
   * `AWS::SecretsManager::Secret` resources there: they are only recorded.
   * @default a SecretsManagerEmulator the runner starts for the operation (its
   * secrets kept next to the state file), where it creates the stack's secrets
   */
  readonly secretsManagerEndpoint?: string;
  /**
   * Faults to inject, for tests of what a stack survives (e.g. a handler that
   * dies right after creating its resource). See RunnerFaults.
   * @default none
   */
  readonly faults?: RunnerFaults;
}

export interface DeployOptions extends RunnerOptions {
  /** A cdk.out directory, or a template file. */
  readonly assembly: string;
  /** @default the assembly's only stack */
  readonly stackName?: string;
  /** Template parameter values. @default each parameter's Default */
  readonly parameters?: Readonly<Record<string, string>>;
}

export interface DestroyOptions extends RunnerOptions {
  /** @default the only stack of the state file (or of `assembly`) */
  readonly stackName?: string;
  /** Only used to find the stack name. */
  readonly assembly?: string;
}

export interface ResourceSummary {
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly physicalResourceId: string;
  readonly resourceStatus: ResourceStatus;
}

export interface StackOperationResult {
  readonly operation: 'deploy' | 'destroy';
  readonly stackName: string;
  readonly stackId?: string;
  /** Where the stack ended up (DELETE_COMPLETE once destroyed). */
  readonly status: StackStatus;
  /** The stack reached CREATE_COMPLETE, UPDATE_COMPLETE or DELETE_COMPLETE (or nothing had to change). */
  readonly success: boolean;
  /** The template and parameters equal the deployed ones ("No updates are to be performed."), or there was nothing to destroy. */
  readonly noChanges: boolean;
  readonly outputs: Readonly<Record<string, string>>;
  readonly resources: readonly ResourceSummary[];
  /** The first resource that failed, and why. */
  readonly failure?: { readonly logicalResourceId: string; readonly resourceType: string; readonly reason: string };
  readonly events: readonly StackEvent[];
  readonly endpoint: string;
  readonly elapsedMs: number;
  /**
   * Things left behind: deletes that failed in a cleanup phase (CloudFormation carries on without them), and
   * executions of the stack's state machines still RUNNING when the operation ended, which the runner stopped
   * (on AWS they would run on: nothing stops them but their own logic or a StopExecution).
   */
  readonly warnings: readonly string[];
}

const DEFAULT_TIME_SCALE = 0.01;

/** A resource's last status once it is deleted, retained and let go, or forgotten after a failed cleanup delete. */
const DELETED_STATUSES: ReadonlySet<ResourceStatus> = new Set(['DELETE_COMPLETE', 'DELETE_SKIPPED', 'DELETE_FAILED']);
const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;

/** Deploys (creates or updates) a stack of a cloud assembly on the emulator. */
export async function deployStack(options: DeployOptions): Promise<StackOperationResult> {
  const source = loadStack(options.assembly, options.stackName);
  validateTemplate(source.template);
  const state = DeploymentState.load(options.stateFile);
  let existing = state.stack(source.stackName);
  // A failed rollback or delete, or an operation that was interrupted (*_IN_PROGRESS), leaves a stack only destroy can handle.
  if (existing && (['ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED'].includes(existing.status) || existing.status.endsWith('_IN_PROGRESS'))) {
    throw new TemplateValidationError(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated. Destroy it first.`);
  }
  if (existing?.status === 'ROLLBACK_COMPLETE') {
    // As the CDK CLI does: a stack whose creation was rolled back is replaced by a new one.
    state.removeStack(existing.stackName);
    existing = undefined;
  }
  const parameters = parameterValues(source.template, options.parameters ?? {});
  return withTarget(state, options, existing, source, async (endpoints) => {
    const operation = existing
      ? new StackOperation('deploy', state, existing, endpoints, options, source)
      : new StackOperation('deploy', state, newStackRecord(source, endpoints.target, parameters, options.endpoint), endpoints, options, source);
    if (existing) {
      await operation.update(source.template, parameters);
    } else {
      await operation.create();
    }
    return operation.finish();
  });
}

/** Deletes a deployed stack's resources in reverse dependency order. */
export async function destroyStack(options: DestroyOptions): Promise<StackOperationResult> {
  const state = DeploymentState.load(options.stateFile);
  const stackName = options.stackName
    ?? (options.assembly ? loadStack(options.assembly).stackName : undefined)
    ?? onlyStack(state);
  const stack = state.stack(stackName);
  if (!stack) {
    return {
      operation: 'destroy',
      stackName,
      status: 'DELETE_COMPLETE',
      success: true,
      noChanges: true,
      outputs: {},
      resources: [],
      events: [],
      endpoint: options.endpoint ?? '',
      elapsedMs: 0,
      warnings: [],
    };
  }
  return withTarget(state, options, stack, undefined, async (endpoints) => {
    const operation = new StackOperation('destroy', state, stack, endpoints, options);
    await operation.destroy();
    return operation.finish();
  });
}

function onlyStack(state: DeploymentState): string {
  const names = Object.keys(state.data.stacks);
  if (names.length !== 1) {
    throw new Error(names.length === 0
      ? `${state.path} records no deployed stack`
      : `${state.path} records ${names.length} stacks (${names.join(', ')}): choose one with --stack`);
  }
  return names[0];
}

/** The services an operation works with and hands to the functions it runs. */
interface OperationEndpoints {
  readonly target: EmulatorTarget;
  readonly secretsManager: SecretsManagerTarget;
  /** Serves SignalResource, DescribeStackResource and DescribeStacks for the operation's stack. */
  readonly cloudFormation: CloudFormationEndpoint;
  /** Runs the executions of the stack's state machines (the training poller's). */
  readonly stepFunctions: StepFunctionsEndpoint;
  /** What the Step Functions endpoint asks of the operation: set by the operation it serves. */
  readonly stepFunctionsHost: StepFunctionsHost;
  /** Where functions answer the custom resource requests the operation sends them. */
  readonly responseUrls: ResponseUrls;
}

/** The operation's functions and state machines, for the Step Functions endpoint (created before the operation). */
interface StepFunctionsHost {
  context?: () => ProvisionContext;
  /** An execution's Wait state started (see StackOperation.executionWaits). */
  onWait?: (execution: { readonly name: string; readonly input: string }, seconds: number) => void;
}

async function withTarget(
  state: DeploymentState,
  options: RunnerOptions,
  stack: StackRecord | undefined,
  source: StackSource | undefined,
  run: (endpoints: OperationEndpoints) => Promise<StackOperationResult>,
): Promise<StackOperationResult> {
  const target = await connectEmulator({
    endpoint: options.endpoint ?? stack?.endpoint,
    stateFile: state.emulatorStateFile,
    accountId: stack?.accountId ?? source?.account,
    region: stack?.region ?? source?.region ?? options.emulator?.region,
    credentials: options.credentials,
    emulatorOptions: options.emulator,
  });
  let secretsManager: SecretsManagerTarget | undefined;
  let cloudFormation: CloudFormationEndpoint | undefined;
  let stepFunctions: StepFunctionsEndpoint | undefined;
  let responseUrls: ResponseUrls | undefined;
  try {
    if (stack && (stack.accountId !== target.accountId || stack.region !== target.region)) {
      throw new Error(`Stack ${stack.stackName} lives in account ${stack.accountId}, region ${stack.region}; the emulator at ${target.endpoint} serves account ${target.accountId}, region ${target.region}`);
    }
    secretsManager = await connectSecretsManager({ endpoint: options.secretsManagerEndpoint, stateFile: state.secretsManagerStateFile });
    cloudFormation = await CloudFormationEndpoint.start();
    options.onCloudFormationEndpoint?.(cloudFormation.endpoint);
    const stepFunctionsHost: StepFunctionsHost = {};
    const hostContext = (): ProvisionContext => {
      if (!stepFunctionsHost.context) throw new Error('no stack operation is running');
      return stepFunctionsHost.context();
    };
    stepFunctions = await StepFunctionsEndpoint.start({
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      onWait: (execution, seconds) => stepFunctionsHost.onWait?.(execution, seconds),
      closedExecutions: stack?.executions?.map(executionSummary),
      invokeFunction: (functionArn, payload) => invokeStackFunction(hostContext(), functionArn, payload),
      stateMachine: (stateMachineArn) => (stepFunctionsHost.context
        ? stateMachineDefinition(stepFunctionsHost.context(), stateMachineArn)
        : undefined),
    });
    responseUrls = await ResponseUrls.start();
    return await run({ target, secretsManager, cloudFormation, stepFunctions, stepFunctionsHost, responseUrls });
  } finally {
    // StackOperation.finish has stopped, and reported, the executions still running; this stops those of an operation that threw.
    await stepFunctions?.stop();
    await responseUrls?.close();
    await cloudFormation?.close();
    await secretsManager?.close();
    await target.close();
  }
}

function newStackRecord(source: StackSource, target: EmulatorTarget, parameters: Record<string, string>, endpoint: string | undefined): StackRecord {
  const now = new Date().toISOString();
  return {
    stackName: source.stackName,
    stackId: `arn:${target.partition}:cloudformation:${target.region}:${target.accountId}:stack/${source.stackName}/${randomUUID()}`,
    status: 'CREATE_IN_PROGRESS',
    accountId: target.accountId,
    region: target.region,
    partition: target.partition,
    endpoint: target.owned ? undefined : endpoint,
    template: source.template,
    parameters,
    resources: {},
    outputs: {},
    exports: {},
    imports: [],
    creationTime: now,
    lastUpdatedTime: now,
  };
}

/** Parameter values: given ones, else defaults. SSM parameter types keep their default (the parameter's name). */
function parameterValues(template: Template, given: Readonly<Record<string, string>>): Record<string, string> {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    const value = given[name] ?? (parameter.Default === undefined ? undefined : String(parameter.Default));
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) {
    throw new TemplateValidationError(`Parameters: [${missing.join(', ')}] must have values`);
  }
  const unknown = Object.keys(given).filter((name) => !(name in values));
  if (unknown.length > 0) {
    throw new TemplateValidationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  }
  return values;
}

/** One step of an update, for the rollback. */
interface JournalEntry {
  readonly logicalId: string;
  readonly action: 'create' | 'update' | 'replace' | 'failed-update';
  readonly before?: ResourceRecord;
  readonly after?: ResourceRecord;
  /** failed-update: the properties the failed Update asked for (the rollback's OldResourceProperties). */
  readonly attempted?: JsonObject;
}

interface Failure {
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly reason: string;
}

class StackOperation {
  public readonly events: StackEvent[] = [];
  private readonly warnings: string[] = [];
  private readonly startedAt = Date.now();
  private lastOutputAt = Date.now();
  private readonly lambda: LocalLambda;
  private readonly timeScale: number;
  private failure?: Failure;
  private noChanges = false;
  /** Replaced physical resources that still exist until the cleanup deletes them. */
  private readonly retired: ResourceRecord[] = [];
  private resolver?: { readonly template: Template; readonly parameters: Readonly<Record<string, string>>; readonly resolver: TemplateResolver };
  private readonly target: EmulatorTarget;
  private readonly secretsManager: SecretsManagerTarget;
  private readonly stepFunctions: StepFunctionsEndpoint;
  /** The wait conditions waiting for SignalResource now. */
  private readonly waitConditions: WaitConditionSignals;
  private readonly responseUrls: ResponseUrls;
  /** Custom resource requests sent to a function whose answer the operation waits for, by ResponseURL. */
  private readonly awaitedResponses = new Map<string, { readonly logicalId: string; readonly type: string; checks: number }>();
  /** Each resource as this operation's last event about it left it (what DescribeStackResource shows). */
  private readonly resourceViews = new Map<string, StackResourceView>();
  /** What onEvent returned that has not settled yet: the endpoints keep serving until it has. */
  private readonly pending: Array<Promise<unknown>> = [];

  constructor(
    private readonly operation: 'deploy' | 'destroy',
    private readonly state: DeploymentState,
    private readonly stack: StackRecord,
    endpoints: OperationEndpoints,
    private readonly options: RunnerOptions,
    private readonly source?: StackSource,
  ) {
    const { target, secretsManager, cloudFormation, stepFunctions, stepFunctionsHost, responseUrls } = endpoints;
    this.responseUrls = responseUrls;
    stepFunctionsHost.context = () => this.context();
    stepFunctionsHost.onWait = (execution) => this.executionWaits(execution.input);
    this.target = target;
    this.secretsManager = secretsManager;
    this.stepFunctions = stepFunctions;
    // CloudFormation publishes each valid signal as a stack event of the resource
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html).
    this.waitConditions = new WaitConditionSignals((condition, uniqueId) =>
      this.emit(condition.logicalId, WAIT_CONDITION_TYPE, 'CREATE_IN_PROGRESS', condition.physicalResourceId, `Received SUCCESS signal with UniqueId ${uniqueId}`));
    cloudFormation.serve(this.cloudFormationView());
    this.timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
    if (!(this.timeScale > 0)) {
      throw new Error(`timeScale must be a positive number, got ${options.timeScale}`);
    }
    const logFile = state.functionLogFile;
    this.lambda = new LocalLambda({
      baseEnvironment: {
        AWS_REGION: target.region,
        AWS_DEFAULT_REGION: target.region,
        AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_CLEANROOMSML: target.endpoint,
        // The SDK's service-specific endpoint variable for AWS Clean Rooms (https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html).
        AWS_ENDPOINT_URL_CLEANROOMS: target.cleanRoomsEndpoint,
        // The handlers' deadlines and wait windows run on the same scaled time as the waiter.
        [LOCAL_TIME_SCALE_ENV]: String(this.timeScale),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
        // SignalResource, DescribeStackResource and DescribeStacks of this operation's stack (the training poller's).
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.endpoint,
        // StartExecution and StopExecution of the stack's state machines (the training poller's).
        AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      },
      onLog: options.onFunctionLog ?? ((entry) => {
        mkdirSync(dirname(logFile), { recursive: true });
        appendFileSync(logFile, `${entry.timestamp}\t${entry.functionName}\t${entry.requestId}\t${entry.level}\t${entry.message}\n`);
      }),
      faults: options.faults,
    });
  }

  // -------------------------------------------------------------------------
  // Create
  // -------------------------------------------------------------------------

  public async create(): Promise<void> {
    const template = this.stack.template;
    this.state.putStack(this.stack);
    this.setStackStatus('CREATE_IN_PROGRESS', 'User Initiated');
    const active = this.activeResources(template);
    const order = deploymentOrder(template, active);
    for (const logicalId of order) {
      if (!(await this.createResource(template, logicalId, active))) break;
    }
    if (!this.failure) {
      this.completeOutputs(template, active);
    }
    if (!this.failure) {
      this.setStackStatus('CREATE_COMPLETE');
      return;
    }
    this.setStackStatus('ROLLBACK_IN_PROGRESS', this.stackFailed()
      ? this.failure.reason
      : `The following resource(s) failed to create: [${this.failure.logicalResourceId}]. Rollback requested by user.`);
    const deleted = await this.deleteInReverseOrder(Object.keys(this.stack.resources), { createdByThisOperation: true });
    this.setStackStatus(deleted ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
  }

  /** Creates one resource; false when it failed (recorded with CREATE_FAILED when it has a physical id). */
  private async createResource(template: Template, logicalId: string, active: ReadonlySet<string>): Promise<boolean> {
    const resource = template.Resources[logicalId];
    let properties: JsonObject;
    try {
      properties = this.resolveProperties(template, logicalId);
    } catch (error) {
      this.fail(logicalId, resource.Type, 'CREATE_FAILED', reasonOf(error));
      return false;
    }
    this.emit(logicalId, resource.Type, 'CREATE_IN_PROGRESS');
    const base = {
      type: resource.Type,
      properties,
      deletionPolicy: this.policy(template, resource.DeletionPolicy),
      updateReplacePolicy: this.policy(template, resource.UpdateReplacePolicy),
      dependsOn: dependenciesOf(resource, active),
    };
    try {
      const creationPolicy = resource.CreationPolicy === undefined
        ? undefined
        : this.resolverFor(template).resolve(resource.CreationPolicy) as JsonObject;
      const request = { logicalId, type: resource.Type, properties, metadata: resource.Metadata, creationPolicy };
      const result = await provisionerFor(resource.Type).create(this.context(), request);
      this.record(logicalId, { ...base, ...recordFields(result), status: 'CREATE_COMPLETE' });
      this.emit(logicalId, resource.Type, 'CREATE_COMPLETE', result.physicalResourceId, result.note);
      return true;
    } catch (error) {
      const physicalResourceId = error instanceof ResourceFailure ? error.physicalResourceId : undefined;
      if (physicalResourceId) {
        // CloudFormation deletes a failed resource that has a physical id during the rollback.
        const handling = (error as ResourceFailure).handling ?? 'provider-framework';
        this.record(logicalId, { ...base, physicalResourceId, attributes: {}, handling, status: 'CREATE_FAILED' });
      }
      this.fail(logicalId, resource.Type, 'CREATE_FAILED', reasonOf(error), physicalResourceId);
      return false;
    }
  }

  // -------------------------------------------------------------------------
  // Update
  // -------------------------------------------------------------------------

  public async update(template: Template, parameters: Record<string, string>): Promise<void> {
    const { template: previousTemplate, parameters: previousParameters, resources, outputs, exports, imports } = this.stack;
    const previous = structuredClone({ template: previousTemplate, parameters: previousParameters, resources, outputs, exports, imports });
    const active = this.activeResources(template, parameters);
    const typeChanges = [...active].filter((id) => previous.resources[id] && previous.resources[id].type !== template.Resources[id].Type);
    if (typeChanges.length > 0) {
      throw new TemplateValidationError(`Update of resource type is not permitted. The new template modifies resource type of the following resources: [${typeChanges.join(', ')}]`);
    }
    if (jsonEqual(previous.template, template) && jsonEqual(previous.parameters, parameters)) {
      this.noChanges = true;
      return;
    }

    this.stack.parameters = parameters;
    this.setStackStatus('UPDATE_IN_PROGRESS', 'User Initiated');
    const journal: JournalEntry[] = [];
    for (const logicalId of deploymentOrder(template, active)) {
      const before = this.stack.resources[logicalId];
      if (!before) {
        const created = await this.createResource(template, logicalId, active);
        if (this.stack.resources[logicalId]) journal.push({ logicalId, action: 'create' });
        if (!created) break;
        continue;
      }
      if (!(await this.updateResource(template, logicalId, before, active, journal))) break;
    }
    if (!this.failure) {
      this.completeOutputs(template, active);
    }

    if (!this.failure) {
      this.setStackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      const removed = Object.keys(previous.resources).filter((id) => !active.has(id));
      const replaced = new Map(journal.filter((entry) => entry.action === 'replace').map((entry) => [entry.logicalId, entry.before!]));
      // Until deleted, replaced resources still exist (e.g. a replaced provider function serves the deletes of what it served).
      this.retired.push(...replaced.values());
      for (const logicalId of deletionOrder(previous.resources)) {
        if (replaced.has(logicalId)) {
          const old = replaced.get(logicalId)!;
          const deleted = await this.deleteOne(logicalId, old, { policy: old.updateReplacePolicy });
          if (!deleted) this.warnings.push(`the replaced ${logicalId} (${old.physicalResourceId}) could not be deleted and was left behind`);
        } else if (removed.includes(logicalId)) {
          const record = this.stack.resources[logicalId];
          const deleted = await this.deleteOne(logicalId, record, { policy: record.deletionPolicy });
          // A failed cleanup delete does not fail the update: CloudFormation forgets the resource.
          if (!deleted) this.warnings.push(`${logicalId} (${record.physicalResourceId}) could not be deleted and was left behind`);
          delete this.stack.resources[logicalId];
        }
      }
      this.stack.template = template;
      this.setStackStatus('UPDATE_COMPLETE');
      return;
    }

    const failedAction = this.failure.resourceType !== STACK_RESOURCE_TYPE && !previous.resources[this.failure.logicalResourceId] ? 'create' : 'update';
    this.setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS', this.stackFailed()
      ? this.failure.reason
      : `The following resource(s) failed to ${failedAction}: [${this.failure.logicalResourceId}].`);
    const rolledBack = await this.rollBackUpdate(previous, journal);
    this.stack.template = previous.template;
    this.stack.parameters = previous.parameters;
    this.stack.outputs = previous.outputs;
    this.stack.exports = previous.exports;
    this.stack.imports = previous.imports;
    this.setStackStatus(rolledBack ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED');
  }

  /** Updates one existing resource if its resolved properties changed; false when it failed. */
  private async updateResource(
    template: Template,
    logicalId: string,
    before: ResourceRecord,
    active: ReadonlySet<string>,
    journal: JournalEntry[],
  ): Promise<boolean> {
    const resource = template.Resources[logicalId];
    let properties: JsonObject;
    try {
      properties = this.resolveProperties(template, logicalId);
    } catch (error) {
      this.fail(logicalId, resource.Type, 'UPDATE_FAILED', reasonOf(error), before.physicalResourceId);
      return false;
    }
    const fields = {
      deletionPolicy: this.policy(template, resource.DeletionPolicy),
      updateReplacePolicy: this.policy(template, resource.UpdateReplacePolicy),
      dependsOn: dependenciesOf(resource, active),
    };
    const change = resourceChange(resource.Type, before.properties, properties);
    if (change === 'none') {
      // Only policies, metadata or dependencies changed: nothing is sent to the resource.
      this.stack.resources[logicalId] = { ...before, ...fields };
      return true;
    }

    this.emit(logicalId, resource.Type, 'UPDATE_IN_PROGRESS', before.physicalResourceId);
    const provisioner = provisionerFor(resource.Type);
    const request = { logicalId, type: resource.Type, properties, metadata: resource.Metadata };
    let result: ProvisionResult;
    if (change === 'replace') {
      const name = physicalNameOf(resource.Type, properties);
      if (name !== undefined && name === physicalNameOf(resource.Type, before.properties)) {
        this.fail(logicalId, resource.Type, 'UPDATE_FAILED',
          `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${name} and update the stack again.`, before.physicalResourceId);
        return false;
      }
      this.emit(logicalId, resource.Type, 'UPDATE_IN_PROGRESS', before.physicalResourceId, 'Requested update requires the creation of a new physical resource; hence creating one.');
      try {
        result = await provisioner.create(this.context(), request);
      } catch (error) {
        // A replacement that was created before it failed (its read failed)
        // is recorded, so the rollback deletes it as it deletes a replacement.
        const started = error instanceof ResourceFailure ? error.physicalResourceId : undefined;
        if (started) {
          const after: ResourceRecord = { ...before, ...fields, properties, physicalResourceId: started, attributes: {}, status: 'UPDATE_FAILED' };
          journal.push({ logicalId, action: 'replace', before, after });
        }
        this.fail(logicalId, resource.Type, 'UPDATE_FAILED', reasonOf(error), before.physicalResourceId);
        return false;
      }
    } else {
      try {
        result = await provisioner.update(this.context(), request, before);
      } catch (error) {
        // A refusal before anything was sent (e.g. a changed ServiceToken) leaves nothing to roll back.
        if (!(error instanceof RefusedRequest)) journal.push({ logicalId, action: 'failed-update', before, attempted: properties });
        this.fail(logicalId, resource.Type, 'UPDATE_FAILED', reasonOf(error), before.physicalResourceId);
        return false;
      }
    }
    const after = this.record(logicalId, { ...before, ...fields, ...recordFields(result), properties, status: 'UPDATE_COMPLETE' });
    const replaced = result.physicalResourceId !== before.physicalResourceId;
    journal.push({ logicalId, action: replaced ? 'replace' : 'update', before, after });
    this.emit(logicalId, resource.Type, 'UPDATE_COMPLETE', result.physicalResourceId, result.note);
    return true;
  }

  /**
   * Undoes an update, last step first: in-place updates (and the failed one)
   * get an Update back to the old properties; replaced resources get their old
   * physical id back; then the cleanup deletes what the update created.
   */
  private async rollBackUpdate(
    previous: { readonly template: Template; readonly resources: Readonly<Record<string, ResourceRecord>> },
    journal: readonly JournalEntry[],
  ): Promise<boolean> {
    let succeeded = true;
    const toDelete: Array<{ readonly logicalId: string; readonly record: ResourceRecord; readonly created: boolean }> = [];
    for (const entry of [...journal].reverse()) {
      const { logicalId } = entry;
      switch (entry.action) {
        case 'create':
          toDelete.push({ logicalId, record: this.stack.resources[logicalId], created: true });
          break;
        case 'replace':
          this.emit(logicalId, entry.before!.type, 'UPDATE_IN_PROGRESS', entry.before!.physicalResourceId);
          this.stack.resources[logicalId] = entry.before!;
          this.emit(logicalId, entry.before!.type, 'UPDATE_COMPLETE', entry.before!.physicalResourceId);
          toDelete.push({ logicalId, record: entry.after!, created: false });
          break;
        case 'update':
        case 'failed-update': {
          const before = entry.before!;
          const current = entry.action === 'failed-update'
            ? { ...this.stack.resources[logicalId], properties: entry.attempted! }
            : this.stack.resources[logicalId];
          this.emit(logicalId, before.type, 'UPDATE_IN_PROGRESS', current.physicalResourceId);
          try {
            // The Update goes to the resource as it is now, asking for the old properties back.
            const request = { logicalId, type: before.type, properties: before.properties };
            const result = await provisionerFor(before.type).update(this.context(), request, current);
            if (result.physicalResourceId !== current.physicalResourceId) {
              toDelete.push({ logicalId, record: current, created: false });
            }
            this.record(logicalId, { ...before, ...recordFields(result), status: 'UPDATE_COMPLETE' });
            this.emit(logicalId, before.type, 'UPDATE_COMPLETE', result.physicalResourceId);
          } catch (error) {
            succeeded = false;
            this.emit(logicalId, before.type, 'UPDATE_FAILED', current.physicalResourceId, reasonOf(error));
          }
          break;
        }
      }
    }
    // Resources the update did not send anything to keep their previous record (policies and dependencies included).
    const touched = new Set(journal.map((entry) => entry.logicalId));
    for (const [logicalId, record] of Object.entries(previous.resources)) {
      if (!touched.has(logicalId)) this.stack.resources[logicalId] = record;
    }
    this.retired.push(...toDelete.filter((item) => !item.created).map((item) => item.record));
    this.setStackStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    for (const { logicalId, record, created } of toDelete) {
      const deleted = await this.deleteOne(logicalId, record, {
        policy: created ? record.deletionPolicy : undefined,
        createdByThisOperation: created,
      });
      if (!deleted) this.warnings.push(`${logicalId} (${record.physicalResourceId}) could not be deleted and was left behind`);
      if (created) delete this.stack.resources[logicalId];
    }
    // Resources the previous template does not have (created, then rolled back) are gone from the record.
    for (const logicalId of Object.keys(this.stack.resources)) {
      if (!previous.template.Resources[logicalId]) delete this.stack.resources[logicalId];
    }
    return succeeded;
  }

  // -------------------------------------------------------------------------
  // Delete
  // -------------------------------------------------------------------------

  public async destroy(): Promise<void> {
    const inUse = Object.keys(this.stack.exports ?? {})
      .map((name) => ({ name, importers: this.state.importersOf(name, this.stack.stackName) }))
      .find(({ importers }) => importers.length > 0);
    if (inUse) {
      // CloudFormation refuses before deleting anything: the stack keeps its status, the reason says why
      // (e.g. "Export vpc-demo:DemoVPCPublicSubnetIDs0C2D9BEE cannot be deleted as it is in use by
      // cdk-vpc-to-cfn-elb-demo and elb-cfn-demo", https://github.com/aws/aws-cdk/issues/604).
      const reason = exportInUse(inUse.name, 'deleted', inUse.importers);
      this.fail(this.stack.stackName, STACK_RESOURCE_TYPE, undefined, reason);
      this.setStackStatus(this.stack.status, reason);
      return;
    }
    this.setStackStatus('DELETE_IN_PROGRESS', 'User Initiated');
    const deleted = await this.deleteInReverseOrder(Object.keys(this.stack.resources), {});
    if (deleted) {
      this.setStackStatus('DELETE_COMPLETE');
      this.state.removeStack(this.stack.stackName);
      this.state.save();
      return;
    }
    const failed = Object.entries(this.stack.resources).filter(([, record]) => record.status === 'DELETE_FAILED').map(([id]) => id);
    this.setStackStatus('DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}].`);
  }

  /**
   * Deletes recorded resources, dependants first. When one fails, what it
   * depends on is kept (CloudFormation would not delete it either). True when
   * every resource was deleted or retained.
   */
  private async deleteInReverseOrder(logicalIds: readonly string[], options: { readonly createdByThisOperation?: boolean }): Promise<boolean> {
    const keep = new Set<string>();
    let succeeded = true;
    for (const logicalId of deletionOrder(this.stack.resources).filter((id) => logicalIds.includes(id))) {
      const record = this.stack.resources[logicalId];
      if (keep.has(logicalId)) {
        record.dependsOn.forEach((id) => keep.add(id));
        continue;
      }
      if (await this.deleteOne(logicalId, record, { policy: record.deletionPolicy, createdByThisOperation: options.createdByThisOperation })) {
        delete this.stack.resources[logicalId];
        this.state.save();
      } else {
        succeeded = false;
        record.dependsOn.forEach((id) => keep.add(id));
      }
    }
    return succeeded;
  }

  /** Deletes (or retains) one physical resource; false when the delete failed. */
  private async deleteOne(
    logicalId: string,
    record: ResourceRecord,
    options: { readonly policy?: string; readonly createdByThisOperation?: boolean },
  ): Promise<boolean> {
    const retained = options.policy === 'Retain' || (options.policy === 'RetainExceptOnCreate' && !options.createdByThisOperation);
    if (retained) {
      this.emit(logicalId, record.type, 'DELETE_SKIPPED', record.physicalResourceId);
      return true;
    }
    this.emit(logicalId, record.type, 'DELETE_IN_PROGRESS', record.physicalResourceId);
    try {
      await provisionerFor(record.type).delete(this.context(), logicalId, record);
      this.emit(logicalId, record.type, 'DELETE_COMPLETE', record.physicalResourceId);
      return true;
    } catch (error) {
      const reason = reasonOf(error);
      if (this.stack.resources[logicalId] === record) {
        this.stack.resources[logicalId] = { ...record, status: 'DELETE_FAILED' };
      }
      this.failure ??= { logicalResourceId: logicalId, resourceType: record.type, reason };
      this.emit(logicalId, record.type, 'DELETE_FAILED', record.physicalResourceId, reason);
      return false;
    }
  }

  // -------------------------------------------------------------------------
  // Templates
  // -------------------------------------------------------------------------

  private activeResources(template: Template, parameters: Readonly<Record<string, string>> = this.stack.parameters): Set<string> {
    const resolver = this.resolverFor(template, parameters);
    return new Set(Object.entries(template.Resources)
      .filter(([, resource]) => resource.Condition === undefined || resolver.condition(resource.Condition))
      .map(([logicalId]) => logicalId));
  }

  private resolveProperties(template: Template, logicalId: string): JsonObject {
    return (this.resolverFor(template).resolve(template.Resources[logicalId].Properties ?? {}) ?? {}) as JsonObject;
  }

  private policy(template: Template, value: unknown): string | undefined {
    const resolved = this.resolverFor(template).resolve(value);
    return typeof resolved === 'string' ? resolved : undefined;
  }

  /**
   * Resolves the outputs and exports after every resource is done, and
   * records the exports the template imports; a failure fails the stack.
   * An export that another stack imports can be neither removed nor changed
   * ("After another stack imports an output value, you can't delete the stack
   * that is exporting the output value or modify the exported output value",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-importvalue.html).
   */
  private completeOutputs(template: Template, active: ReadonlySet<string>): void {
    const resolver = this.resolverFor(template);
    const outputs: Record<string, string> = {};
    const exports: Record<string, string> = {};
    const activeOutputs: TemplateOutput[] = [];
    try {
      for (const [name, output] of Object.entries(template.Outputs ?? {})) {
        if (output.Condition !== undefined && !resolver.condition(output.Condition)) continue;
        activeOutputs.push(output);
        const value = resolver.resolve(output.Value);
        outputs[name] = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : JSON.stringify(value);
        if (output.Export) {
          const exportName = String(resolver.resolve(output.Export.Name));
          const owner = this.state.exports().get(exportName);
          if (owner && owner.stackName !== this.stack.stackName) {
            throw new IntrinsicError(`Export with name ${exportName} is already exported by stack ${owner.stackName}`);
          }
          exports[exportName] = outputs[name];
        }
      }
      // The wording of CloudFormation's stack events, e.g. "Export A:B cannot be updated as it is in use by C"
      // (https://github.com/linz/geostore/issues/630) and "... cannot be deleted as it is in use by ..."
      for (const [exportName, value] of Object.entries(this.stack.exports ?? {})) {
        const importers = this.state.importersOf(exportName, this.stack.stackName);
        if (importers.length === 0) continue;
        if (!(exportName in exports)) throw new IntrinsicError(exportInUse(exportName, 'deleted', importers));
        if (exports[exportName] !== value) throw new IntrinsicError(exportInUse(exportName, 'updated', importers));
      }
    } catch (error) {
      this.fail(this.stack.stackName, STACK_RESOURCE_TYPE, undefined, reasonOf(error));
      return;
    }
    this.stack.outputs = outputs;
    this.stack.exports = exports;
    this.stack.imports = this.importedExports(template, active, activeOutputs);
  }

  /**
   * The export names the active resources and outputs import. Both branches
   * of an Fn::If count (as written, not as taken): an import the stack does
   * not use can only keep an export longer than CloudFormation would.
   */
  private importedExports(template: Template, active: ReadonlySet<string>, outputs: readonly TemplateOutput[]): string[] {
    const resolver = this.resolverFor(template);
    const fragments = [...[...active].map((logicalId) => template.Resources[logicalId].Properties ?? {}), ...outputs.map((output) => output.Value)];
    const names = new Set<string>();
    for (const argument of importValueArguments(fragments)) {
      try {
        const name = resolver.resolve(argument);
        if (typeof name === 'string') names.add(name);
      } catch (error) {
        // A name that cannot be resolved names no export in use.
        if (!(error instanceof IntrinsicError)) throw error;
      }
    }
    return [...names].sort();
  }

  /** Whether the operation failed at the stack level (outputs, exports) rather than on a resource. */
  private stackFailed(): boolean {
    return this.failure?.resourceType === STACK_RESOURCE_TYPE && this.failure.logicalResourceId === this.stack.stackName;
  }

  /**
   * `Fn::GetStackOutput`: the output as last recorded for the producing stack,
   * looked up by name in the region given (default: this stack's) and the
   * account of the role given (default: this stack's). A weak reference: the
   * producer records nothing about it and may be destroyed or changed freely.
   */
  private stackOutput(reference: StackOutputReference): string {
    const region = reference.region ?? this.stack.region;
    const accountId = reference.roleArn === undefined ? this.stack.accountId : roleAccount(reference.roleArn);
    const where = `account ${accountId}, region ${region}`;
    const producer = this.state.stack(reference.stackName);
    if (!producer || producer.region !== region || producer.accountId !== accountId || producer.stackName === this.stack.stackName) {
      throw new IntrinsicError(`Fn::GetStackOutput: stack ${reference.stackName} is not deployed in ${where}: `
        + `deploy it before ${this.stack.stackName}, which reads its output ${reference.outputName}`);
    }
    const value = producer.outputs[reference.outputName];
    if (value === undefined) {
      const known = Object.keys(producer.outputs);
      throw new IntrinsicError(`Fn::GetStackOutput: stack ${reference.stackName} (${producer.status}) has no output ${reference.outputName}`
        + ` (its outputs: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
    return value;
  }

  /**
   * The resolver of `template` with `parameters`, kept while they stay the
   * same (its conditions are evaluated once). Resources are looked up when a
   * value is resolved, so it sees each resource as it is at that moment.
   */
  private resolverFor(template: Template, parameters: Readonly<Record<string, string>> = this.stack.parameters): TemplateResolver {
    if (this.resolver?.template !== template || this.resolver.parameters !== parameters) {
      const scope = this.scope();
      const resolver = new TemplateResolver({
        template,
        parameters,
        pseudoParameters: {
          'AWS::AccountId': scope.accountId,
          'AWS::Region': scope.region,
          'AWS::Partition': scope.partition,
          'AWS::StackName': scope.stackName,
          'AWS::StackId': scope.stackId,
          'AWS::URLSuffix': scope.urlSuffix,
          'AWS::NotificationARNs': [],
        },
        resourceRef: (logicalId) => {
          const record = this.stack.resources[logicalId];
          if (!record) throw new IntrinsicError(`Template error: instance of Fn::GetAtt / Ref references undefined resource ${logicalId}`);
          return record.physicalResourceId;
        },
        attribute: (logicalId, name) => this.attribute(logicalId, name, scope),
        exports: () => new Map([...this.state.exports()].map(([name, { value }]) => [name, value])),
        stackOutput: (reference) => this.stackOutput(reference),
      });
      this.resolver = { template, parameters, resolver };
    }
    return this.resolver.resolver;
  }

  private attribute(logicalId: string, attribute: string, scope: StackScope): Json {
    const record = this.stack.resources[logicalId];
    if (!record) throw new IntrinsicError(`Template error: instance of Fn::GetAtt references undefined resource ${logicalId}`);
    if (Object.prototype.hasOwnProperty.call(record.attributes, attribute)) {
      return record.attributes[attribute];
    }
    switch (record.handling) {
      case 'provider-framework':
      case 'lambda-function':
        throw new IntrinsicError(`CustomResource attribute error: Vendor response doesn't contain ${attribute} key in object ${scope.stackId}|${logicalId}|${record.physicalResourceId}`);
      case 'emulator':
        throw new IntrinsicError(`Template error: resource ${logicalId} does not support attribute type ${attribute} in Fn::GetAtt`);
      default:
        return genericAttribute(record.type, record.physicalResourceId, attribute, scope);
    }
  }

  // -------------------------------------------------------------------------
  // Bookkeeping
  // -------------------------------------------------------------------------

  private scope(): StackScope {
    return {
      stackName: this.stack.stackName,
      stackId: this.stack.stackId,
      accountId: this.stack.accountId,
      region: this.stack.region,
      partition: this.stack.partition,
      urlSuffix: this.target.urlSuffix,
    };
  }

  private context(): ProvisionContext {
    return {
      stack: this.stack,
      retired: this.retired,
      scope: this.scope(),
      target: this.target,
      secretsManager: this.secretsManager,
      lambda: this.lambda,
      stateDirectory: this.state.directory,
      functionsDirectory: this.state.functionsDirectory,
      source: this.source,
      timeScale: this.timeScale,
      waitConditions: this.waitConditions,
      responseUrls: this.responseUrls,
      awaitResponse: (responseUrl, logicalId, type) => {
        this.awaitedResponses.set(responseUrl, { logicalId, type, checks: 0 });
        return () => this.awaitedResponses.delete(responseUrl);
      },
      onPoll: (logicalId, resourceType, attempt, maxAttempts) => this.progress(logicalId, resourceType, attempt, maxAttempts),
    };
  }

  private record(logicalId: string, record: Omit<ResourceRecord, 'lastUpdated'>): ResourceRecord {
    const full: ResourceRecord = { ...record, lastUpdated: new Date().toISOString() };
    this.stack.resources[logicalId] = full;
    this.state.save();
    return full;
  }

  private fail(logicalId: string, type: string, status: ResourceStatus | undefined, reason: string, physicalResourceId?: string): void {
    this.failure ??= { logicalResourceId: logicalId, resourceType: type, reason };
    if (status) this.emit(logicalId, type, status, physicalResourceId, reason);
  }

  private setStackStatus(status: StackStatus, reason?: string): void {
    this.stack.status = status;
    this.stack.statusReason = reason;
    this.stack.lastUpdatedTime = new Date().toISOString();
    this.emit(this.stack.stackName, STACK_RESOURCE_TYPE, status, this.stack.stackId, reason);
    if (status !== 'DELETE_COMPLETE') this.state.save();
  }

  private emit(logicalId: string, type: string, status: ResourceStatus | StackStatus, physicalResourceId?: string, reason?: string): void {
    const now = Date.now();
    this.lastOutputAt = now;
    const event: StackEvent = {
      kind: 'event',
      timestamp: new Date(now).toISOString(),
      elapsedMs: now - this.startedAt,
      stackName: this.stack.stackName,
      logicalResourceId: logicalId,
      resourceType: type,
      resourceStatus: status,
      ...(physicalResourceId !== undefined ? { physicalResourceId } : {}),
      ...(reason !== undefined ? { resourceStatusReason: reason } : {}),
    };
    this.events.push(event);
    // The delete of a physical resource the logical id no longer names (the old one of a replacement, or the new one
    // a rollback gives up) is an event of the stack, but DescribeStackResource goes on showing the current resource.
    const current = this.stack.resources[logicalId];
    const retiredDelete = status.startsWith('DELETE_') && current !== undefined && current.physicalResourceId !== physicalResourceId;
    if (!(type === STACK_RESOURCE_TYPE && logicalId === this.stack.stackName) && !retiredDelete) {
      const known = this.resourceViews.get(logicalId);
      this.resourceViews.set(logicalId, {
        logicalResourceId: logicalId,
        resourceType: type,
        resourceStatus: status as ResourceStatus,
        physicalResourceId: physicalResourceId ?? known?.physicalResourceId,
        resourceStatusReason: reason,
        lastUpdatedTimestamp: event.timestamp,
      });
    }
    this.notify(event);
  }

  /** Hands an event or note to onEvent, keeping what it returns to wait for (see settled). */
  private notify(event: DeploymentEvent): void {
    // Typed `void` so that any callback fits (e.g. `events.push`), which also lets an async one through.
    // An event can come while a function runs (a signal from the training poller): the caller's console, not the function's log.
    const returned: unknown = outsideFunctions(() => this.options.onEvent?.(event));
    if (returned instanceof Promise) this.pending.push(returned.catch(() => undefined));
  }

  /**
   * Ends the operation once every promise onEvent returned has settled: stops the executions of the stack's state
   * machines still running (with a warning each: on AWS they would run on, so a stack whose executions do not end
   * by themselves shows here), and keeps every execution in the stack's record, so that their names stay taken in
   * its next operations. Returns the operation's result as it was when the operation ended.
   */
  public async finish(): Promise<StackOperationResult> {
    const result = this.result();
    await this.settled();
    const stopped = await this.stepFunctions.stopAll(`The local runner's ${this.operation} of stack ${this.stack.stackName} ended`);
    if (this.state.stack(this.stack.stackName) === this.stack) {
      this.stack.executions = this.stepFunctions.executions().map(executionRecord);
      this.state.save();
    }
    return {
      ...result,
      warnings: [
        ...result.warnings,
        ...stopped.map((execution) => `the execution ${execution.name} of ${execution.stateMachineArn} was still RUNNING when the ${this.operation} ended: `
          + 'the runner stopped it (on AWS it would have run on)'),
      ],
    };
  }

  /** Settles when every promise onEvent returned has settled (including those returned meanwhile). */
  private async settled(): Promise<void> {
    while (this.pending.length > 0) {
      await Promise.all(this.pending.splice(0));
    }
  }

  /** What the CloudFormation endpoint sees of this operation. */
  private cloudFormationView(): CloudFormationStackView {
    return {
      stackName: this.stack.stackName,
      stackId: this.stack.stackId,
      creationTime: this.stack.creationTime,
      status: () => this.stack.status,
      statusReason: () => this.stack.statusReason,
      resource: (logicalId) => {
        const view = this.resourceViews.get(logicalId);
        const record = this.stack.resources[logicalId];
        if (view && !record && DELETED_STATUSES.has(view.resourceStatus) && this.stack.status !== 'DELETE_COMPLETE') {
          // Deleted by this operation (or retained and let go) from a stack that still exists: no longer the stack's.
          // AWS does not document DescribeStackResource for such a resource; the runner answers as for one the stack
          // never had, so that nothing can rely on a DELETE_COMPLETE view that AWS may not give. A deleted stack
          // (described by its stack id) keeps the views of its deleted resources.
          return undefined;
        }
        if (view) return { ...view, physicalResourceId: view.physicalResourceId ?? this.waitConditions.waiting(logicalId)?.physicalResourceId };
        return record && {
          logicalResourceId: logicalId,
          resourceType: record.type,
          resourceStatus: record.status,
          physicalResourceId: record.physicalResourceId,
          lastUpdatedTimestamp: record.lastUpdated,
        };
      },
      waitConditions: this.waitConditions,
    };
  }

  /**
   * An execution whose input carries the ResponseURL of a custom resource
   * request the operation waits on works on that request (the library's
   * provider hands its operations to such executions): each of its Wait
   * states is a check that found the operation not done, reported as the
   * resource's progress.
   */
  private executionWaits(input: string): void {
    for (const [responseUrl, awaited] of this.awaitedResponses) {
      if (input.includes(JSON.stringify(responseUrl).slice(1, -1))) {
        awaited.checks += 1;
        this.progressMessage(awaited.logicalId, awaited.type, `still in progress: checked ${awaited.checks} times`);
      }
    }
  }

  private progress(logicalId: string, type: string, attempt: number, maxAttempts: number): void {
    this.progressMessage(logicalId, type, `still in progress: isComplete asked ${attempt} of up to ${maxAttempts + 1} times`);
  }

  private progressMessage(logicalId: string, type: string, status: string): void {
    const now = Date.now();
    if (now - this.lastOutputAt < (this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS)) return;
    this.lastOutputAt = now;
    this.notify({
      kind: 'progress',
      timestamp: new Date(now).toISOString(),
      elapsedMs: now - this.startedAt,
      stackName: this.stack.stackName,
      logicalResourceId: logicalId,
      resourceType: type,
      message: `${status} (${formatDuration(now - this.startedAt)} into the ${this.operation})`,
    });
  }

  public result(): StackOperationResult {
    const resources = Object.entries(this.stack.resources).map(([logicalResourceId, record]) => ({
      logicalResourceId,
      resourceType: record.type,
      physicalResourceId: record.physicalResourceId,
      resourceStatus: record.status,
    }));
    // A refused destroy leaves the stack as it was (e.g. CREATE_COMPLETE): only DELETE_COMPLETE is a destroy's success.
    const success = this.noChanges || (this.operation === 'destroy'
      ? this.stack.status === 'DELETE_COMPLETE'
      : ['CREATE_COMPLETE', 'UPDATE_COMPLETE'].includes(this.stack.status));
    return {
      operation: this.operation,
      stackName: this.stack.stackName,
      stackId: this.stack.stackId,
      status: this.stack.status,
      success,
      noChanges: this.noChanges,
      outputs: { ...this.stack.outputs },
      resources: this.stack.status === 'DELETE_COMPLETE' ? [] : resources,
      failure: success ? undefined : this.failure,
      events: this.events,
      endpoint: this.target.endpoint,
      elapsedMs: Date.now() - this.startedAt,
      warnings: this.warnings,
    };
  }
}

/** Recorded resources, dependants first (the reverse of an order that creates each after its dependencies). */
export function deletionOrder(resources: Readonly<Record<string, ResourceRecord>>): string[] {
  const ids = Object.keys(resources);
  const dependencies = new Map(ids.map((id) => [id, new Set(resources[id].dependsOn)]));
  return topologicalOrder(ids, dependencies).reverse();
}

function recordFields(result: ProvisionResult): Pick<ResourceRecord, 'physicalResourceId' | 'attributes' | 'handling' | 'code' | 'noEcho'> {
  return {
    physicalResourceId: result.physicalResourceId,
    attributes: result.attributes,
    handling: result.handling,
    ...(result.code ? { code: result.code } : {}),
    ...(result.noEcho ? { noEcho: true } : {}),
  };
}

/** CloudFormation's refusal to remove or change an export that other stacks import. */
function exportInUse(exportName: string, change: 'deleted' | 'updated', importers: readonly string[]): string {
  const names = importers.length > 1 ? `${importers.slice(0, -1).join(', ')} and ${importers[importers.length - 1]}` : importers[0];
  return `Export ${exportName} cannot be ${change} as it is in use by ${names}`;
}

/** The account of an IAM role ARN (arn:<partition>:iam::<account>:role/<name>). */
function roleAccount(roleArn: string): string {
  const match = /^arn:[a-z-]+:iam::(\d{12}):role\/.+$/.exec(roleArn);
  if (!match) throw new IntrinsicError(`Template error: Fn::GetStackOutput RoleArn must be an IAM role ARN, got ${roleArn}`);
  return match[1];
}

function reasonOf(error: unknown): string {
  if (error instanceof ResourceFailure || error instanceof IntrinsicError) return error.message;
  return `Internal failure: ${(error as Error)?.message ?? String(error)}`;
}
