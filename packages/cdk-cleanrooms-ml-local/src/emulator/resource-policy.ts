/**
 * Decides whether a resource policy lets another account make a call, as IAM
 * evaluates a resource-based policy for a cross-account request: an
 * explicit Deny that matches wins; else an Allow that matches allows; else
 * the call is denied (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 *
 * What it understands, enough for the policies Clean Rooms ML documents
 * (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html):
 * - `Principal`: `"*"`, or `{ "AWS": ... }` naming `"*"`, an account id, or
 *   the account's root `arn:<partition>:iam::<id>:root` (one or a list). The
 *   emulator's callers are accounts, not roles or users, so a statement
 *   naming a role or user of the account does not match them.
 * - `Action` and `Resource`: one or a list, with the `*` and `?` wildcards;
 *   actions compare case-insensitively, as IAM's do.
 * - `Condition`: `StringEquals` on the request's context keys (the caller
 *   gives `cleanrooms-ml:CollaborationId`); keys compare case-insensitively,
 *   values exactly, a list of values is any-of, a key the request lacks
 *   does not match.
 *
 * Anything else (NotPrincipal, NotAction, NotResource, another condition
 * operator or key) the emulator cannot evaluate: such a statement never
 * allows and, if a Deny, always denies. That is a choice, so a policy the
 * emulator does not understand fails closed instead of granting more than
 * AWS might.
 */

/** What is asked: may `principalAccount` do `action` on `resource`, with these condition keys? */
export interface PolicyRequest {
  readonly principalAccount: string;
  /** The partition of the principal's root ARN (`aws`, `aws-cn`, ...). */
  readonly partition: string;
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request; an undefined value means the request does not have the key. */
  readonly context: Readonly<Record<string, string | undefined>>;
}

export type PolicyDecision =
  | { readonly allowed: true; readonly statement: string }
  | { readonly allowed: false; readonly explicitDeny: boolean; readonly reason: string };

interface Statement {
  readonly label: string;
  readonly effect: string;
  readonly body: Record<string, unknown>;
}

const SUPPORTED_MEMBERS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);

/** The decision for one request; `document` is the policy text (absent: no policy). */
export function evaluateResourcePolicy(document: string | undefined, request: PolicyRequest): PolicyDecision {
  if (document === undefined) {
    return { allowed: false, explicitDeny: false, reason: 'the resource has no resource policy' };
  }
  const statements = parseStatements(document);
  if (typeof statements === 'string') {
    return { allowed: false, explicitDeny: false, reason: statements };
  }

  for (const statement of statements.filter((candidate) => candidate.effect === 'Deny')) {
    // A Deny the emulator cannot evaluate applies (fail closed); one it can evaluate applies when everything matches.
    const mismatch = firstMismatch(statement, request);
    if (mismatch === undefined || mismatch.unsupported) {
      const why = mismatch?.unsupported ? ` (${mismatch.text}, which the emulator cannot evaluate, so it applies)` : '';
      return { allowed: false, explicitDeny: true, reason: `${statement.label} explicitly denies it${why}` };
    }
  }

  const misses: string[] = [];
  for (const statement of statements.filter((candidate) => candidate.effect === 'Allow')) {
    const mismatch = firstMismatch(statement, request);
    if (mismatch === undefined) {
      return { allowed: true, statement: statement.label };
    }
    misses.push(`${statement.label} ${mismatch.text}`);
  }
  return {
    allowed: false,
    explicitDeny: false,
    reason: misses.length === 0 ? 'the resource policy has no Allow statement' : `no statement allows it: ${misses.join('; ')}`,
  };
}

function parseStatements(document: string): Statement[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return 'the resource policy is not valid JSON';
  }
  const raw = isObject(parsed) ? parsed.Statement : undefined;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const statements: Statement[] = [];
  list.forEach((entry, index) => {
    if (isObject(entry)) {
      const label = typeof entry.Sid === 'string' && entry.Sid !== '' ? `statement "${entry.Sid}"` : `statement ${index + 1}`;
      statements.push({ label, effect: String(entry.Effect), body: entry });
    }
  });
  return statements;
}

interface Mismatch {
  readonly text: string;
  /** The statement uses something the emulator cannot evaluate. */
  readonly unsupported: boolean;
}

/** Why the statement does not match the request (undefined: it matches). */
function firstMismatch(statement: Statement, request: PolicyRequest): Mismatch | undefined {
  const unsupported = Object.keys(statement.body).find((member) => !SUPPORTED_MEMBERS.has(member));
  if (unsupported) {
    return { text: `uses ${unsupported}`, unsupported: true };
  }
  if (!principalMatches(statement.body.Principal, request)) {
    return { text: `does not name account ${request.principalAccount} as principal`, unsupported: false };
  }
  if (!values(statement.body.Action).some((pattern) => wildcardMatch(pattern.toLowerCase(), request.action.toLowerCase()))) {
    return { text: `does not cover the action ${request.action}`, unsupported: false };
  }
  if (!values(statement.body.Resource).some((pattern) => wildcardMatch(pattern, request.resource))) {
    return { text: `does not cover the resource ${request.resource}`, unsupported: false };
  }
  return conditionMismatch(statement.body.Condition, request);
}

function principalMatches(principal: unknown, request: PolicyRequest): boolean {
  if (principal === '*') {
    return true;
  }
  if (!isObject(principal)) {
    return false;
  }
  const root = `arn:${request.partition}:iam::${request.principalAccount}:root`;
  return values(principal.AWS).some((name) => name === '*' || name === request.principalAccount || name === root);
}

function conditionMismatch(condition: unknown, request: PolicyRequest): Mismatch | undefined {
  if (condition === undefined) {
    return undefined;
  }
  if (!isObject(condition)) {
    return { text: 'has a Condition that is not an object', unsupported: true };
  }
  for (const [operator, tests] of Object.entries(condition)) {
    if (operator !== 'StringEquals' || !isObject(tests)) {
      return { text: `has a ${operator} condition`, unsupported: true };
    }
    for (const [key, expected] of Object.entries(tests)) {
      const contextKey = Object.keys(request.context).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
      if (contextKey === undefined) {
        return { text: `has a condition on ${key}`, unsupported: true };
      }
      const actual = request.context[contextKey];
      const allowedValues = values(expected);
      if (actual === undefined) {
        return { text: `requires ${key} ${allowedValues.join(' or ')}, and the request has no ${key}`, unsupported: false };
      }
      if (!allowedValues.includes(actual)) {
        return { text: `requires ${key} ${allowedValues.join(' or ')}, not ${actual}`, unsupported: false };
      }
    }
  }
  return undefined;
}

/** A policy element as a list of strings: one string or a list of them (anything else matches nothing). */
function values(element: unknown): string[] {
  const list = Array.isArray(element) ? element : [element];
  return list.filter((value): value is string => typeof value === 'string');
}

/** IAM's wildcards: `*` any run of characters, `?` any one character. */
function wildcardMatch(pattern: string, value: string): boolean {
  const expression = pattern.split('').map((character) => {
    if (character === '*') {
      return '.*';
    }
    if (character === '?') {
      return '.';
    }
    return character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${expression}$`, 's').test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
