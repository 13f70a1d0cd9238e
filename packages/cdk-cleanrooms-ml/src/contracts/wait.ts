/**
 * The contract of `Custom::CleanRoomsMLWait`, imported by both the
 * constructs (src/constructs/private/wait-chain.ts, which writes the
 * properties) and its handler (which reads them), so the two cannot drift
 * apart. Types and constants only.
 *
 * A wait resource continues waiting for an audience model's training (or an
 * audience generation job) past the hour CloudFormation waits for one custom
 * resource. The construct adds a chain of them after its own resource: link
 * i depends on link i−1, each waits at most one window, and what needs the
 * model ACTIVE reads its attributes from the last link.
 *
 * A link returns the waited-for resource's own attributes (those of
 * `Custom::CleanRoomsMLAudienceModel` or `…AudienceGenerationJob`), read when
 * it completed: the last link's are the ACTIVE resource's.
 */

/** The custom resource type. */
export const WAIT_RESOURCE_TYPE = 'Custom::CleanRoomsMLWait';

/** What a wait resource waits for: the resource type in its ARN. */
export type WaitResourceKind = 'audience-model' | 'audience-generation-job';

export const WAIT_RESOURCE_KINDS: readonly WaitResourceKind[] = ['audience-model', 'audience-generation-job'];

/**
 * Properties of a wait resource. `ResourceArn` is a `Fn::GetAtt` of the
 * waited-for resource: when that resource is replaced, the property changes
 * and CloudFormation sends the link an Update, which waits again; an update
 * that keeps the resource leaves every link untouched.
 *
 * The common `TimeoutSeconds` is the construct's whole timeout (for the
 * message of the last link), not this link's window.
 */
export interface WaitProperties {
  readonly ResourceKind: WaitResourceKind;
  readonly ResourceArn: string;
  /** This link's position in the chain, from 1. */
  readonly Link: number;
  /** How many links the chain has: the last one fails when its window ends. */
  readonly Links: number;
  /** How long this link waits, in seconds, before handing over (or, the last one, failing). */
  readonly WindowSeconds: number;
  /**
   * Generation jobs only: the audience sizes whose relevance score the
   * template reads (see the generation job's contract), so the last link
   * returns a `RelevanceScore.<TYPE>.<value>` attribute for each.
   */
  readonly RelevanceScoreSizes?: string[];
}

