/**
 * What every custom resource of the library shares, imported by both sides:
 * the constructs write these properties and tags, the handler runtime reads
 * them. Constants and types only, so a construct importing this file pulls in
 * no handler code (and a handler no aws-cdk-lib).
 */
import type { WaitConditionsPlan } from './wait';

/**
 * Properties every custom resource of the library carries besides its own.
 * CloudFormation hands numbers back as strings; the runtime parses them.
 */
export interface CommonResourceProperties {
  /**
   * How long the whole operation may take, in seconds (the construct's
   * `timeout`). The handler stops waiting `TIMEOUT_MARGIN_SECONDS` earlier so
   * its failure, with the resource's last status, reaches CloudFormation
   * before anything else times out.
   */
  readonly TimeoutSeconds?: number;

  /**
   * Bumped by the construct when its resource type gains attributes: the
   * change makes CloudFormation send an Update, whose answer carries every
   * attribute, so stacks deployed by an earlier version pick them up.
   */
  readonly AttributesRevision?: number;

  /**
   * Whether the wait continues after this resource's own window (see
   * `./wait.ts`): when greater than 0, a Create or Update whose window ends
   * with the resource still being created completes with its current
   * attributes instead of failing, and the wait conditions and the ready
   * resource wait on. Absent or 0: the handler fails "timed out" at its
   * deadline. Only "greater than 0" is read; the constructs write how many
   * resources wait on (the wait conditions and the ready resource), as the
   * chain of earlier releases wrote its length, so an upgrade changes no
   * template for it.
   */
  readonly WaitLinks?: number;

  /**
   * The wait conditions that continue this resource's wait, and the poller
   * that signals them (see `./wait.ts`). Set with WaitLinks on a resource
   * whose construct's timeout is longer than a few hours.
   */
  readonly WaitConditions?: WaitConditionsPlan;
}

/** The resource properties a construct writes: the common ones and its own. */
export type ResourceProperties<P> = CommonResourceProperties & P;

/** Attributes (`Data`) of a custom resource: every value a string, `''` where empty. */
export type AttributeData<K extends string = string> = { readonly [key in K]: string };

/**
 * The longest CloudFormation waits for a custom resource (its
 * `ServiceTimeout` is at most 3,600 s), and so the longest `timeout` a
 * construct accepts.
 */
export const MAX_CUSTOM_RESOURCE_SECONDS = 3600;

/** The Lambda timeout of the provider's onEvent and isComplete functions. */
export const HANDLER_TIMEOUT_SECONDS = 300;

/**
 * What onEvent keeps of its Lambda time for answering after its last retry
 * of a transient failure (the retries stop this long before the timeout).
 */
export const RETRY_MARGIN_SECONDS = 60;

/** The shortest `timeout` a construct accepts. */
export const MIN_TIMEOUT_SECONDS = 300;

/**
 * How long before its timeout a handler stops waiting and fails with the
 * resource's last status (rather than leaving CloudFormation to report a
 * bare "timed out").
 */
export const TIMEOUT_MARGIN_SECONDS = 120;

/**
 * How long one custom resource may wait for a Clean Rooms ML status before
 * handing over to the next link of a wait chain: the most CloudFormation
 * waits for a custom resource, less the margin.
 */
export const WAIT_WINDOW_SECONDS = MAX_CUSTOM_RESOURCE_SECONDS - TIMEOUT_MARGIN_SECONDS;

/**
 * The longest `timeout` a construct whose wait continues past its own
 * resource accepts (72 hours: six wait conditions of 12 hours at most and one
 * wait resource, see `./wait.ts`).
 */
export const MAX_CHAINED_TIMEOUT_SECONDS = 72 * 3600;


/**
 * Tag keys under this prefix belong to the library: users cannot set them,
 * and tag updates never remove them.
 */
export const RESERVED_TAG_PREFIX = 'cdk-cleanrooms-ml:';

/**
 * Marks a resource as made by one Create (or replacing Update) request of one
 * logical resource of one stack, from given create-only properties. Its value
 * is `<creation token>.<properties digest>`: a hash of the stack id, the
 * logical id and the request id, and a hash of the create-only properties the
 * resource was made from (one tag, so users keep all but one of the service's
 * tags). A replayed request that finds its name taken adopts the resource
 * only when the token matches; an Update whose create-only properties give
 * the same digest asks for what the resource already is (the rollback of a
 * failed update), so nothing needs replacing.
 */
export const CREATION_TOKEN_TAG = `${RESERVED_TAG_PREFIX}creation-token`;

/** Service quota of tags per Clean Rooms ML resource (user guide). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** Tags a user may set: the library's own tags take the rest of the quota. */
export const MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - 1;
