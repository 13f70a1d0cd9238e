/**
 * Names and creation tokens derived from the request, so that a replayed
 * request computes the same ones (and finds what its first attempt made)
 * while another request never does.
 */
import { createHash } from 'node:crypto';
import type { CustomResourceEvent } from './events';

type RequestIdentity = Pick<CustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>;

/** Length of the hex suffix that makes a generated name unique per request. */
const NAME_SUFFIX_LENGTH = 10;

/** Most characters of the logical id kept in a generated name. */
const MAX_LOGICAL_ID_IN_NAME = 24;

/** The stack's name from its id (`arn:…:cloudformation:…:stack/<name>/<uuid>`); the id itself when not an ARN. */
export function stackNameOf(stackId: string): string {
  const match = /:stack\/([^/]+)\//.exec(stackId);
  return match ? match[1] : stackId;
}

/** Hex SHA-256 of the parts, separated so that ("ab", "c") and ("a", "bc") differ. */
export function hashOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/**
 * `<stack name>-<logical id>-<hash of the request id>`, at most `maxLength`
 * characters (stack and logical id shortened as needed). Stack names and
 * logical ids are letters, digits and `-`, so the name fits every Clean Rooms
 * ML name pattern.
 */
export function generateName(request: RequestIdentity, maxLength = 63): string {
  const suffix = hashOf(request.RequestId).slice(0, NAME_SUFFIX_LENGTH);
  const logicalId = request.LogicalResourceId.slice(0, MAX_LOGICAL_ID_IN_NAME);
  const stackRoom = Math.max(0, maxLength - suffix.length - logicalId.length - 2);
  const stackName = stackNameOf(request.StackId).slice(0, stackRoom);
  const name = [stackName, logicalId, suffix].filter((part) => part.length > 0).join('-');
  return name.slice(-maxLength);
}

/** The value of the creation-token tag for this request (see CREATION_TOKEN_TAG). */
export function creationToken(request: RequestIdentity): string {
  return hashOf(request.StackId, request.LogicalResourceId, request.RequestId).slice(0, 32);
}
