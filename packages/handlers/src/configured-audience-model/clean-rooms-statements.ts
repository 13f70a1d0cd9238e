/**
 * The statements AWS Clean Rooms writes in a configured audience model's
 * resource policy for its associations made with manageResourcePolicies
 * ("AWS Clean Rooms creates this policy for you", Sid `Clean-Rooms-<association
 * id>`: https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html).
 * The policy is one document shared by the stack's Policy property and Clean
 * Rooms: when the handler writes the property's policy it must keep those
 * statements, or the collaboration's members lose their access to the model
 * while the associations still exist.
 */

/** The Sid prefix of the statements AWS Clean Rooms manages. */
export const CLEAN_ROOMS_SID_PREFIX = 'Clean-Rooms-';

type Statement = Record<string, unknown>;

interface PolicyDocument {
  readonly Statement?: Statement | Statement[];
  readonly [member: string]: unknown;
}

function statementsOf(document: PolicyDocument): Statement[] {
  const statements = document.Statement;
  return statements === undefined ? [] : Array.isArray(statements) ? statements : [statements];
}

function isManaged(statement: Statement): boolean {
  return typeof statement.Sid === 'string' && statement.Sid.startsWith(CLEAN_ROOMS_SID_PREFIX);
}

/** The Clean Rooms statements of a policy document (none when there is no policy, or it is not JSON). */
export function cleanRoomsStatements(policy: string | undefined): Statement[] {
  if (policy === undefined) return [];
  try {
    return statementsOf(JSON.parse(policy) as PolicyDocument).filter(isManaged);
  } catch {
    return [];
  }
}

/**
 * The policy to write: `policy` (the property's; none to remove it) with
 * the Clean Rooms statements added after its own; `undefined` when there is
 * nothing to keep either (the policy can go).
 */
export function withCleanRoomsStatements(policy: string | undefined, kept: readonly Statement[]): string | undefined {
  if (kept.length === 0) {
    return policy;
  }
  const document: PolicyDocument = policy === undefined ? { Version: '2012-10-17' } : JSON.parse(policy) as PolicyDocument;
  const keptSids = new Set(kept.map((statement) => statement.Sid));
  const own = statementsOf(document).filter((statement) => !keptSids.has(statement.Sid));
  return JSON.stringify({ ...document, Statement: [...own, ...kept] });
}
