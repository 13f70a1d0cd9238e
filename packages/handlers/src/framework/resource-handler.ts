/**
 * The base of every resource-type handler (the shape of aws-eks' cluster
 * resource handler): it turns a custom resource request into onCreate /
 * onUpdate / onDelete (onEvent) and isCreateComplete / isUpdateComplete /
 * isDeleteComplete (isComplete), and holds what every resource type needs
 * around the service's lifecycle: parsed properties, generated names,
 * creation tokens and adoption of a replayed create, the answer to
 * CloudFormation's rollback of a failed update, tag diffs, clean-up of a
 * half-made resource, deadlines, and "not yet" on transient errors.
 *
 * A subclass reads as the service's lifecycle of its resource and nothing
 * else.
 */
import {
  AttributeData,
  CommonResourceProperties,
  CREATION_TOKEN_TAG,
  MAX_CUSTOM_RESOURCE_SECONDS,
  RESERVED_TAG_PREFIX,
  TIMEOUT_MARGIN_SECONDS,
} from 'cdk-cleanrooms-ml/lib/contracts/framework';
import type { WaitResourceKind } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import type { CleanRoomsMlClient } from 'cdk-cleanrooms-ml-local/lib/client/client';
import { isConflict, isNotFound, isTransient } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { describeCause, ResourceFailure } from './errors';
import type { CustomResourceEvent, IsCompleteEvent, IsCompleteResponse, OnEventResponse, OperationState, RequestType } from './events';
import type { Logger } from './logger';
import { creationRecord, creationToken, generateName, propertiesDigest, readCreationRecord } from './naming';
import { pollerExecution, PollerExecutions, waitConditionsPlan } from './poller-executions';
import { canonicalJson, integer, optional, parseProperties, PropertySchema } from './properties';

/** What a handler works with; the entry points build it from the environment, tests give their own. */
export interface HandlerRuntime {
  readonly client: CleanRoomsMlClient;
  readonly log: Logger;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /**
   * Waits `ms` by the handlers' clock (scaled under the local runner).
   * @default a real-time wait
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The training poller's executions (resources whose wait continues in wait conditions). */
  readonly executions?: PollerExecutions;
}

/** The waits between checks that a deleted resource is gone: doubling from 0.1 s to 10 s, about 2 minutes in all. */
const GONE_CHECK_WAITS_MS = [100, 200, 400, 800, 1_600, 3_200, 6_400, ...Array<number>(10).fill(10_000)];

/** What onCreate / onUpdate started. */
export interface Started {
  /** The resource's physical id (its ARN). On Update, a new id is a replacement. */
  readonly physicalResourceId: string;
  /** What isComplete needs to follow the operation (ids the service returned). */
  readonly operation?: OperationState;
}

/**
 * The answer of an isXComplete: done with the attributes, or not yet and why
 * (with the attributes as they are now, when known: a resource whose wait
 * continues after its window hands them over at the end of it).
 */
export type Progress<D> =
  | { readonly done: true; readonly data: D }
  | { readonly done: false; readonly status: string; readonly current?: D };

/** What the dispatcher calls on a handler. */
export interface CustomResourceHandler {
  onEvent(): Promise<OnEventResponse>;
  isComplete(): Promise<IsCompleteResponse>;
  /**
   * The resource an attempt of this Create made (its physical id), for a
   * Create that no attempt answered; `undefined` when there is none to delete.
   */
  findCreatedResource(): Promise<string | undefined>;
}

/**
 * How a type finds its resources by the name a Create gives them (see
 * `ResourceHandler.createdResourceNaming`).
 */
export interface ResourceNaming {
  /** The name this request's Create gives its resource: the user's, or one derived from the request (the same on every attempt). */
  readonly name: string;
  /** The ARN of the resource holding `name`, if one does. */
  findArn(name: string): Promise<string | undefined>;
}

/** A constructor of a resource-type handler, as the dispatcher's map holds it. */
export type ResourceHandlerClass = new (runtime: HandlerRuntime, event: CustomResourceEvent) => CustomResourceHandler;

/** Operation state keys the base class sets (subclasses use other names). */
const STARTED_AT = 'StartedAt';
const DEADLINE = 'Deadline';

/**
 * Operation state of a request that started a new resource in the service
 * (a Create, or an Update that replaces): `{ [STARTED_HERE]: 'true' }`,
 * returned by a subclass's onCreate / onUpdate (see `startedHere`).
 */
export const STARTED_HERE = 'Created';

const COMMON_SCHEMA: PropertySchema<CommonResourceProperties> = {
  TimeoutSeconds: optional(integer),
  AttributesRevision: optional(integer),
  WaitLinks: optional(integer),
  WaitConditions: optional(waitConditionsPlan),
};

/** Clean Rooms ML resource ARN of one type, e.g. `audience-model` (pattern of the service model). */
export function arnPattern(resourceType: string): RegExp {
  return new RegExp(`^arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:${resourceType}/[-a-zA-Z0-9_/.]+$`);
}

export abstract class ResourceHandler<P extends object, D extends AttributeData> implements CustomResourceHandler {
  /** What the resource is called in messages, e.g. `audience model`. */
  protected abstract readonly noun: string;

  protected readonly client: CleanRoomsMlClient;
  protected readonly log: Logger;
  protected readonly requestType: RequestType;
  /** The state onEvent handed over (isComplete only; empty in onEvent). */
  protected readonly operation: OperationState;

  private parsedProperties?: P;
  private parsedOldProperties?: P;

  /**
   * @param schema a parser for each property of the type's contract
   * @param createOnly the properties fixed at creation (a change needs a new
   * resource), whose digest the resource's creation record keeps (see
   * `changesRequiringReplacement`)
   */
  constructor(
    protected readonly runtime: HandlerRuntime,
    protected readonly event: CustomResourceEvent,
    private readonly schema: PropertySchema<P>,
    private readonly createOnly: ReadonlyArray<keyof P & string> = [],
  ) {
    this.client = runtime.client;
    this.log = runtime.log;
    this.requestType = event.RequestType;
    this.operation = (event as IsCompleteEvent).Operation ?? {};
  }

  /** Starts the request's operation: onEvent's answer. */
  public async onEvent(): Promise<OnEventResponse> {
    const now = this.runtime.now();
    const deadline = now + this.windowSeconds * 1000;
    const timing = { [STARTED_AT]: String(now), [DEADLINE]: String(deadline) };
    switch (this.requestType) {
      case 'Create': {
        const started = await this.onCreate();
        await this.startPoller(started);
        return { PhysicalResourceId: started.physicalResourceId, Operation: { ...started.operation, ...timing } };
      }
      case 'Update': {
        const started = await this.onUpdate();
        await this.startPoller(started);
        return { PhysicalResourceId: started.physicalResourceId, Operation: { ...started.operation, ...timing } };
      }
      case 'Delete': {
        await this.stopPoller();
        const operation = await this.onDelete();
        // A Delete never changes the physical id (the framework rejects it).
        return { PhysicalResourceId: this.event.PhysicalResourceId ?? '', Operation: { ...operation, ...timing } };
      }
      default:
        throw new ResourceFailure(`unknown request type ${JSON.stringify(this.requestType)}`);
    }
  }

  /**
   * Checks the operation onEvent started: isComplete's answer. A transient
   * error (throttling, 5xx, no reply) is "not yet", never a failure: a throw
   * here fails the deployment at once. Past the deadline, "not yet" becomes a
   * failure naming the last status, unless the wait continues after this
   * resource (`WaitLinks`): then it completes with its current attributes,
   * and the wait conditions and the ready resource wait on.
   */
  public async isComplete(): Promise<IsCompleteResponse> {
    let progress: Progress<AttributeData | void>;
    try {
      progress = await this.checkProgress();
    } catch (err) {
      if (!this.isTransientError(err)) {
        throw err;
      }
      this.log.warn('Transient error while checking progress; will check again', { cause: describeCause(err) });
      progress = { done: false, status: `the last check failed: ${describeCause(err)}` };
    }
    if (progress.done) {
      return progress.data ? { IsComplete: true, Data: progress.data } : { IsComplete: true };
    }
    this.log.info('Not complete yet', { status: progress.status });
    const deadline = Number(this.operation[DEADLINE]);
    const now = this.runtime.now();
    if (Number.isFinite(deadline) && now >= deadline) {
      if (this.continuedByWait) {
        if (progress.current) {
          this.log.info('This window is over; the wait conditions and the ready resource continue the wait', { status: progress.status });
          return { IsComplete: true, Data: progress.current };
        }
        // No fresh status (the last check failed): nothing to hand over yet. The window ends
        // TIMEOUT_MARGIN_SECONDS before the framework gives up, which leaves a few more checks.
        return { IsComplete: false };
      }
      await this.abandonTimedOutReplacement();
      throw this.timedOut(progress.status, now - Number(this.operation[STARTED_AT] ?? now));
    }
    return { IsComplete: false };
  }

  /**
   * Starts the training poller's execution for the resource `started`
   * names, when wait conditions continue its wait (common property
   * `WaitConditions`, see cdk-cleanrooms-ml/lib/contracts/wait.ts): on a
   * Create, and on an Update that replaces the resource or changes the wait
   * conditions (an update that keeps both, tags only, needs none: the wait
   * conditions exist already and a CreationPolicy applies only on create). If the
   * execution cannot start, the resource this request started is deleted
   * and the request fails: its wait conditions would otherwise wait 12 hours
   * for nothing.
   */
  private async startPoller(started: Started): Promise<void> {
    const plan = this.commonProperties.WaitConditions;
    if (plan === undefined || this.waitKind === undefined) return;
    if (this.requestType === 'Update') {
      const oldPlan = this.oldCommonProperties.WaitConditions;
      const replaced = started.physicalResourceId !== this.event.PhysicalResourceId;
      const sameWaitConditions = canonicalJson(oldPlan?.LogicalIds) === canonicalJson(plan.LogicalIds);
      if (!replaced && sameWaitConditions) return;
      if (replaced && sameWaitConditions) {
        // The construct gives the wait conditions new logical ids for every replacement it can see at synthesis; this one
        // came from a value known only at deployment (a replaced KMS key, a resource of another stack). The wait conditions
        // exist already and a CreationPolicy applies only on create, so they wait for nothing: the execution started below
        // ends at its first check. Said here, rather than an hour later as a timeout that looks unrelated.
        this.log.warn(
          `The ${this.noun} was replaced but its wait conditions were not: the wait for the new one falls back to the ready `
          + `resource's window (about an hour), and fails then if the ${this.noun} takes longer`,
          { arn: started.physicalResourceId, waitConditions: plan.LogicalIds },
        );
      }
    }
    const execution = pollerExecution(this.waitKind, started.physicalResourceId, this.event.StackId, plan);
    try {
      await this.executions.start(execution.name, execution.input);
      this.log.info('Started the training poller', { execution: execution.name });
    } catch (err) {
      this.log.error('Could not start the training poller', { cause: describeCause(err) });
      if (started.operation?.[STARTED_HERE] === 'true') {
        await this.deleteStartedResource(started.physicalResourceId);
      }
      throw new ResourceFailure(`could not start the training poller that signals the wait conditions: ${describeCause(err)}`);
    }
  }

  /**
   * Stops the poller's execution for the resource being deleted (a stack
   * deletion, a replaced resource's cleanup, a rollback), so no execution
   * outlives what it waits for. A stop that fails is logged: the execution
   * also ends by itself, at the latest once its wait conditions can no longer
   * be waiting (see the poller's check).
   */
  private async stopPoller(): Promise<void> {
    const plan = this.commonProperties.WaitConditions;
    const id = this.event.PhysicalResourceId;
    if (plan === undefined || this.waitKind === undefined || id === undefined || !arnPattern(this.waitKind).test(id)) return;
    const execution = pollerExecution(this.waitKind, id, this.event.StackId, plan);
    try {
      await this.executions.stop(execution.name);
      this.log.info('Stopped the training poller', { execution: execution.name });
    } catch (err) {
      this.log.warn('Could not stop the training poller; it ends by itself once its wait conditions can no longer be waiting', { cause: describeCause(err) });
    }
  }

  /** The resource type (in its ARN) that wait conditions can wait for, when this handler's can. */
  protected get waitKind(): WaitResourceKind | undefined {
    return undefined;
  }

  private get executions(): PollerExecutions {
    if (!this.runtime.executions) throw new ResourceFailure('no training poller client is configured');
    return this.runtime.executions;
  }

  /** Whether this request started the resource it is waiting on (its operation state says STARTED_HERE). */
  protected get startedHere(): boolean {
    return this.operation[STARTED_HERE] === 'true';
  }

  /**
   * Requests deletion of the resource this request started, without
   * failing: for a request that fails where no Delete will name that
   * resource. Nothing by default: only types whose creation can fail or
   * time out after it started need it.
   *
   * @param _physicalResourceId the resource's id when the request's physical id does not name it yet (a Create)
   */
  protected async deleteStartedResource(_physicalResourceId?: string): Promise<void> {
    // Nothing to delete by default.
  }

  /**
   * Requests deletion of a resource this request started and is failing (a
   * failed or timed-out replacement), without failing, then waits, within
   * this invocation, until reading it answers "not found", so that the failure reaches
   * CloudFormation only once nothing holds on to what the resource used (a
   * destroy right after the rollback would otherwise meet the service's
   * "still in use" conflict on the training dataset or the configured
   * model). Gives up quietly after about two minutes: the failure is
   * reported either way.
   */
  protected async deleteStartedQuietly(arn: string, requestDeletion: () => Promise<void>, read: () => Promise<unknown>): Promise<void> {
    try {
      await requestDeletion();
    } catch (err) {
      this.log.warn(`Could not request deletion of the failed ${this.noun}; the rollback Delete will`, { arn, cause: describeCause(err) });
      return;
    }
    await this.waitUntilGone(read);
  }

  /** Reads the resource until it is not found (see `deleteStartedQuietly`), for about two minutes at most. */
  private async waitUntilGone(read: () => Promise<unknown>): Promise<void> {
    const sleep = this.runtime.sleep ?? ((ms: number) => new Promise<void>((resolveWait) => setTimeout(resolveWait, ms)));
    for (const wait of GONE_CHECK_WAITS_MS) {
      try {
        await read();
      } catch (err) {
        if (isNotFound(err)) return;
        this.log.warn(`Could not check whether the ${this.noun} is gone`, { cause: describeCause(err) });
      }
      await sleep(wait);
    }
    this.log.warn(`The ${this.noun} is still being deleted; reporting the failure anyway`);
  }

  /**
   * Before an Update that replaces fails on its deadline: CloudFormation
   * keeps the old physical id when the update fails, so no Delete ever names
   * the new resource. A Create needs nothing: its rollback Delete names it.
   */
  private async abandonTimedOutReplacement(): Promise<void> {
    if (this.requestType === 'Update' && this.startedHere) {
      await this.deleteStartedResource();
    }
  }

  protected abstract onCreate(): Promise<Started>;
  protected abstract onUpdate(): Promise<Started>;
  /** Starts deleting `this.event.PhysicalResourceId`; returns state for isDeleteComplete, if any. */
  protected abstract onDelete(): Promise<OperationState | void>;
  protected abstract isCreateComplete(): Promise<Progress<D>>;
  protected abstract isUpdateComplete(): Promise<Progress<D>>;
  protected abstract isDeleteComplete(): Promise<Progress<void>>;

  /**
   * How long, in seconds, this request waits before its deadline: the
   * construct's timeout less the margin, so the failure reaches
   * CloudFormation with the last status.
   */
  protected get windowSeconds(): number {
    return this.timeoutSeconds - TIMEOUT_MARGIN_SECONDS;
  }

  /**
   * Whether the wait conditions and the ready resource continue this Create
   * or Update's wait past its deadline (`WaitLinks` greater than 0). A Delete
   * is never continued.
   */
  protected get continuedByWait(): boolean {
    return this.requestType !== 'Delete' && (this.commonProperties.WaitLinks ?? 0) > 0;
  }

  /** The failure at the deadline, naming the last status. */
  protected timedOut(status: string, waitedMs: number): Error {
    return new ResourceFailure(
      `timed out after ${formatDuration(waitedMs)} waiting for the ${this.noun} to be ${PAST_TENSE[this.requestType]} (${status}); ` +
      `the construct's timeout is ${formatDuration(this.timeoutSeconds * 1000)}`,
    );
  }

  /** The properties every resource type shares, parsed; none when unreadable (the request must still be answered). */
  protected get commonProperties(): CommonResourceProperties {
    try {
      return parseProperties(this.event.ResourceProperties, COMMON_SCHEMA);
    } catch {
      return {};
    }
  }

  /** The common properties before the update (Update only); none when unreadable. */
  private get oldCommonProperties(): CommonResourceProperties {
    try {
      return parseProperties(this.event.OldResourceProperties ?? {}, COMMON_SCHEMA);
    } catch {
      return {};
    }
  }

  /** The request's properties, parsed (lazily: a Delete that never reads them cannot fail on them). */
  protected get properties(): P {
    this.parsedProperties ??= parseProperties(this.event.ResourceProperties, this.schema);
    return this.parsedProperties;
  }

  /** The properties before the update (Update only). */
  protected get oldProperties(): P {
    if (!this.event.OldResourceProperties) {
      throw new ResourceFailure(`${withArticle(this.requestType)} request has no old properties`);
    }
    this.parsedOldProperties ??= parseProperties(this.event.OldResourceProperties, this.schema);
    return this.parsedOldProperties;
  }

  protected get physicalResourceId(): string | undefined {
    return this.event.PhysicalResourceId;
  }

  /**
   * The physical id when it is an ARN of `resourceType`; `undefined` for
   * anything else (the framework's CREATE_FAILED marker, a request id).
   */
  protected physicalArnOf(resourceType: string): string | undefined {
    const id = this.event.PhysicalResourceId;
    return id !== undefined && arnPattern(resourceType).test(id) ? id : undefined;
  }

  /** A name for a resource the user did not name, the same for a replayed request (see naming.ts). */
  protected generatedName(maxLength?: number): string {
    return generateName(this.event, maxLength);
  }

  /**
   * Tags for a create: the user's (minus reserved keys) and the creation
   * record: this request's creation token and the digest of the create-only
   * properties it asks for.
   */
  protected creationTags(userTags: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { ...withoutReservedKeys(userTags), [CREATION_TOKEN_TAG]: creationRecord(this.event, this.requestedPropertiesDigest()) };
  }

  /**
   * How this type finds a resource by the name its Create gives it, for
   * `createOrAdopt` and `findCreatedResource`; `undefined` (the default) for
   * a type that creates nothing a Delete could remove.
   */
  protected createdResourceNaming(): ResourceNaming | undefined {
    return undefined;
  }

  /**
   * Runs a create under the name `createdResourceNaming` gives. When the name
   * is taken (ConflictException), finds the resource holding it and adopts it
   * only if this very request made it (its creation token matches): a
   * replayed request then ends up with the resource its first attempt made,
   * and a resource made by anyone else is neither adopted nor touched.
   *
   * @param create creates the resource of that name and returns its ARN
   * @returns the ARN of the created (or adopted) resource
   */
  protected async createOrAdopt(create: (name: string) => Promise<string>): Promise<string> {
    const naming = this.createdResourceNaming();
    if (naming === undefined) {
      throw new ResourceFailure(`the ${this.noun} handler has no way to find its resources by name`);
    }
    const { name } = naming;
    try {
      const arn = await create(name);
      this.log.info(`Created the ${this.noun}`, { name, arn });
      return arn;
    } catch (err) {
      if (!this.isNameTaken(err)) {
        throw err;
      }
      const existing = await naming.findArn(name);
      if (existing === undefined) {
        throw err;
      }
      if (!(await this.createdByThisRequest(existing))) {
        throw new ResourceFailure(
          `the name "${name}" is already used by ${withArticle(this.noun)} this stack did not create (${existing}); choose another name`,
        );
      }
      this.log.info(`Adopted the ${this.noun} an earlier attempt of this request created`, { name, arn: existing });
      return existing;
    }
  }

  /**
   * The resource an attempt of this Create made, found the way
   * `createOrAdopt` finds it on a replay: by the name the request gives it,
   * and only if its creation token is this request's. For a Create that no
   * attempt answered (every onEvent invocation died): answered FAILED with
   * this id, CloudFormation's rollback sends a Delete for it, and the
   * ordinary Delete removes it. `undefined` for any other request, when no
   * resource holds the name, when one another request made holds it (never
   * claimed), and for a type whose Delete removes nothing. Errors of the
   * lookup are thrown.
   */
  public async findCreatedResource(): Promise<string | undefined> {
    const naming = this.requestType === 'Create' ? this.createdResourceNaming() : undefined;
    if (naming === undefined) {
      return undefined;
    }
    const arn = await naming.findArn(naming.name);
    if (arn === undefined) {
      this.log.info(`No ${this.noun} holds the name this request gives it`, { name: naming.name });
      return undefined;
    }
    if (!(await this.createdByThisRequest(arn))) {
      this.log.warn(`The ${this.noun} holding the name this request gives it was made by another request; leaving it alone`, { name: naming.name, arn });
      return undefined;
    }
    this.log.info(`Found the ${this.noun} an attempt of this request created`, { name: naming.name, arn });
    return arn;
  }

  /** Whether the resource's creation record names this request (its creation token). */
  private async createdByThisRequest(resourceArn: string): Promise<boolean> {
    const tags = await this.tagsOf(resourceArn);
    return readCreationRecord(tags[CREATION_TOKEN_TAG])?.token === creationToken(this.event);
  }

  /**
   * Runs a step that follows a create (tagging, a policy); if it fails, runs
   * `undo` (deleting what was created) before rethrowing, so nothing is left
   * behind: after a failed Create the framework answers the Delete itself,
   * without calling the handler.
   */
  protected async undoOnFailure<T>(step: () => Promise<T>, undo: () => Promise<void>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      this.log.warn(`A step after creating the ${this.noun} failed; cleaning up`, { cause: describeCause(err) });
      try {
        await undo();
      } catch (undoErr) {
        this.log.error(`Could not clean up the ${this.noun}`, { cause: describeCause(undoErr) });
      }
      throw err;
    }
  }

  /** The properties that differ between the old and the new properties (Update only). */
  protected changedProperties(): Array<keyof P & string> {
    const keys = new Set([...Object.keys(this.oldProperties), ...Object.keys(this.properties)]);
    const before = this.oldProperties as Record<string, unknown>;
    const after = this.properties as Record<string, unknown>;
    return [...keys].filter((key) => canonicalJson(before[key]) !== canonicalJson(after[key])) as Array<keyof P & string>;
  }

  /**
   * The changed properties (`changed`, by default every one that differs
   * from the old properties) that need a new resource: the create-only ones,
   * unless the resource the physical id names was made from exactly the
   * create-only values this request asks for. Then nothing needs replacing:
   * the request asks for what already exists, and the caller keeps the
   * resource (same physical id, nothing created) and applies in place only
   * what can change in place.
   *
   * That is how CloudFormation's rollback of a failed update looks to a
   * custom resource, and why it must succeed even where the update was
   * refused. When a custom resource answers an Update with FAILED,
   * CloudFormation rolls the stack back and sends the resource another
   * Update "to roll back to the previous state (with ResourceProperties and
   * OldResourceProperties reversed)"
   * (https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/custom-resources/README.md#important-cases-to-handle):
   * RequestType `Update`, `ResourceProperties` the properties the resource
   * had before the failed update, `OldResourceProperties` those of the
   * failed update (the fields of an Update request:
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html),
   * and the physical id CloudFormation holds for the resource. The
   * Provider framework answers a failed onEvent with the request's physical
   * id, so after a refused change (or a replacing create that failed in
   * onEvent) the rollback names the resource as it was before the update.
   * It answers a failed isComplete (or its timeout) with the id onEvent
   * returned: a different id on Update is a replacement
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html),
   * and CloudFormation later sends a Delete for that new id
   * (https://github.com/aws/aws-cdk/issues/30012), while the stack goes
   * back to the resource it had. Either way the Update that asks for the
   * old properties names a resource made from them: answering with its
   * physical id and changing nothing restores the stack, where a
   * replacement would create a third resource (or, with a user-given name,
   * be refused again and leave the stack UPDATE_ROLLBACK_FAILED). The
   * resource a failed replacement started is deleted by the handler that
   * started it (`deleteStartedResource`, and each type's CREATE_FAILED),
   * and again by CloudFormation's Delete if it comes.
   *
   * A resource without a creation record (its tags removed outside the
   * stack) or gone cannot be vouched for: the changes then need a new
   * resource, as for any other update.
   */
  protected async changesRequiringReplacement(
    resourceArn: string | undefined,
    changed: ReadonlyArray<keyof P & string> = this.changedProperties(),
  ): Promise<Array<keyof P & string>> {
    const fixed = changed.filter((property) => this.createOnly.includes(property));
    if (resourceArn === undefined || fixed.length === 0 || !(await this.madeFromRequestedProperties(resourceArn))) {
      return fixed;
    }
    this.log.info(`The ${this.noun} already has the properties asked for (the rollback of a failed update): keeping it`, {
      arn: resourceArn,
      unchanged: fixed,
    });
    return [];
  }

  /** Whether the creation record of the resource says it was made from the create-only properties of this request. */
  private async madeFromRequestedProperties(resourceArn: string): Promise<boolean> {
    let tags: Record<string, string> | undefined;
    try {
      tags = await this.tagsOf(resourceArn);
    } catch (err) {
      if (this.isNotFoundError(err)) {
        return false;
      }
      throw err;
    }
    return readCreationRecord(tags?.[CREATION_TOKEN_TAG])?.propertiesDigest === this.requestedPropertiesDigest();
  }

  /** The digest of the create-only properties this request asks for. */
  private requestedPropertiesDigest(): string {
    const requested = this.properties as Record<string, unknown>;
    const createOnly = Object.fromEntries(this.createOnly.filter((property) => requested[property] !== undefined)
      .map((property) => [property, requested[property]]));
    return propertiesDigest(this.event.ResourceType, createOnly);
  }

  /**
   * Refuses a replacement when the resource keeps a user-given name, as
   * CloudFormation does for named resources: the replacement would need that
   * name while the old resource still holds it.
   */
  protected refuseReplacementOfNamedResource(nameProperty: keyof P & string, constructProp: string, changed: readonly string[]): void {
    const name = this.properties[nameProperty];
    if (name !== undefined && name === this.oldProperties[nameProperty]) {
      throw new ResourceFailure(
        `cannot replace the ${this.noun} "${String(name)}" to change ${changed.join(', ')}: the replacement would need the name the ` +
        `current ${this.noun} still holds; change ${constructProp} as well, or remove it to have a name generated`,
      );
    }
  }

  /**
   * Applies a change of tags in place: UntagResource for removed keys,
   * TagResource for added or changed ones. The library's own tags (the
   * creation token) are never removed.
   */
  protected async updateTags(
    resourceArn: string,
    oldTags: Readonly<Record<string, string>> = {},
    newTags: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const before = withoutReservedKeys(oldTags);
    const after = withoutReservedKeys(newTags);
    const removed = Object.keys(before).filter((key) => !(key in after));
    const changed = Object.fromEntries(Object.entries(after).filter(([key, value]) => before[key] !== value));
    if (removed.length > 0) {
      await this.untag(resourceArn, removed);
    }
    if (Object.keys(changed).length > 0) {
      await this.tag(resourceArn, changed);
    }
    this.log.info('Updated tags', { arn: resourceArn, removed, changed: Object.keys(changed) });
  }

  // --- The service's calls the base class makes: Clean Rooms ML's by default; a
  // resource of another service (AWS Clean Rooms' association) overrides them.

  /** The resource's tags. */
  protected async tagsOf(resourceArn: string): Promise<Record<string, string>> {
    return (await this.client.listTagsForResource({ resourceArn })).tags ?? {};
  }

  protected async tag(resourceArn: string, tags: Record<string, string>): Promise<void> {
    await this.client.tagResource({ resourceArn, tags });
  }

  protected async untag(resourceArn: string, tagKeys: string[]): Promise<void> {
    await this.client.untagResource({ resourceArn, tagKeys });
  }

  /** Whether a create failed because the name is taken (ConflictException). */
  protected isNameTaken(err: unknown): boolean {
    return isConflict(err);
  }

  protected isNotFoundError(err: unknown): boolean {
    return isNotFound(err);
  }

  /** Worth checking again later: throttling, a 5xx, no reply. */
  protected isTransientError(err: unknown): boolean {
    return isTransient(err);
  }

  protected done<T extends D | void>(data: T): Progress<T> {
    return { done: true, data };
  }

  /** Not yet, and why; `current`: the attributes as they are now (see `Progress`). */
  protected waiting<T = never>(status: string, current?: T): Progress<T> {
    return current === undefined ? { done: false, status } : { done: false, status, current };
  }

  /** The construct's timeout in seconds (the longest CloudFormation allows when absent, unreadable or longer). */
  protected get timeoutSeconds(): number {
    const { TimeoutSeconds } = this.commonProperties;
    return TimeoutSeconds !== undefined && TimeoutSeconds > TIMEOUT_MARGIN_SECONDS && TimeoutSeconds <= MAX_CUSTOM_RESOURCE_SECONDS
      ? TimeoutSeconds
      : MAX_CUSTOM_RESOURCE_SECONDS;
  }

  private checkProgress(): Promise<Progress<D | void>> {
    switch (this.requestType) {
      case 'Create':
        return this.isCreateComplete();
      case 'Update':
        return this.isUpdateComplete();
      case 'Delete':
        return this.isDeleteComplete();
      default:
        throw new ResourceFailure(`unknown request type ${JSON.stringify(this.requestType)}`);
    }
  }
}

const PAST_TENSE: Record<RequestType, string> = { Create: 'created', Update: 'updated', Delete: 'deleted' };

/** `statusDetails` of a failed resource as one phrase: `message (statusCode)`. */
export function describeStatusDetails(details: { readonly statusCode?: string; readonly message?: string } | undefined): string {
  const message = details?.message?.trim() || 'the service gave no details';
  return details?.statusCode ? `${message} (${details.statusCode})` : message;
}

/** `an audience model`, `a training dataset`. */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function withoutReservedKeys(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith(RESERVED_TAG_PREFIX)));
}

/** `45 seconds`, `12 minutes`, `1 hour`. */
export function formatDuration(millis: number): string {
  const seconds = Math.max(0, Math.round(millis / 1000));
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minutes`;
}
