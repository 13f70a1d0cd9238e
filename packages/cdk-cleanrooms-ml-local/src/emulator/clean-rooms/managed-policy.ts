/**
 * The resource policy statement AWS Clean Rooms writes on a configured
 * audience model for an association made with `manageResourcePolicies`:
 * "If you use the … API to create a configured lookalike model with
 * manageResourcePolicies set to true, AWS Clean Rooms creates this policy for
 * you" (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html),
 * a statement `Sid "Clean-Rooms-<association id>"` that lets the
 * collaboration's other members start audience generation jobs on the
 * model, for this collaboration only.
 *
 * The page shows only that one statement. Choices where it is silent (see
 * notes/collaboration-design.md): the statement is merged into the model's
 * existing policy rather than replacing it, names every other member the
 * collaboration lists, and is removed with the association (the policy too
 * when nothing else is left in it).
 */
import type { ConfiguredAudienceModelRecord } from '../store';
import { writePolicy } from '../configured-audience-models';
import type { CollaborationRecord, ConfiguredAudienceModelAssociationRecord } from './records';

/** The prefix of the statements Clean Rooms manages (the library's handler keeps them when it writes the policy). */
export const MANAGED_STATEMENT_PREFIX = 'Clean-Rooms-';

interface PolicyDocument {
  Version?: string;
  Statement: Array<Record<string, unknown>>;
  [other: string]: unknown;
}

function parse(document: string | undefined): PolicyDocument {
  if (document === undefined) {
    return { Version: '2012-10-17', Statement: [] };
  }
  const parsed = JSON.parse(document) as Record<string, unknown>;
  const statements = parsed.Statement;
  return { ...parsed, Statement: Array.isArray(statements) ? [...statements] : statements === undefined ? [] : [statements as Record<string, unknown>] };
}

function sidOf(association: ConfiguredAudienceModelAssociationRecord): string {
  return `${MANAGED_STATEMENT_PREFIX}${association.id}`;
}

/** Adds the association's statement to the model's policy (replacing one with its Sid). */
export function addManagedStatement(
  configured: ConfiguredAudienceModelRecord,
  association: ConfiguredAudienceModelAssociationRecord,
  collaboration: CollaborationRecord,
): void {
  const ownerAccount = configured.arn.split(':')[4];
  const jobArns = `${configured.arn.split(':').slice(0, 5).join(':')}:audience-generation-job/*`;
  const partners = collaboration.members.map((member) => member.accountId).filter((accountId) => accountId !== ownerAccount);
  const policy = parse(configured.policy?.document);
  const sid = sidOf(association);
  policy.Statement = policy.Statement.filter((statement) => statement.Sid !== sid);
  policy.Statement.push({
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: partners },
    Action: 'cleanrooms-ml:StartAudienceGenerationJob',
    Resource: [configured.arn, jobArns],
    Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': collaboration.id } },
  });
  writePolicy(configured, JSON.stringify(policy));
}

/** Removes the association's statement; the policy goes when no statement is left. */
export function removeManagedStatement(configured: ConfiguredAudienceModelRecord, association: ConfiguredAudienceModelAssociationRecord): void {
  if (!configured.policy) {
    return;
  }
  const policy = parse(configured.policy.document);
  const sid = sidOf(association);
  const remaining = policy.Statement.filter((statement) => statement.Sid !== sid);
  if (remaining.length === policy.Statement.length) {
    return;
  }
  writePolicy(configured, remaining.length === 0 ? undefined : JSON.stringify({ ...policy, Statement: remaining }));
}
