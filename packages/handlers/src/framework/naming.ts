/**
 * Names and creation tokens derived from the request, so that a replayed
 * request computes the same ones (and finds what its first attempt made)
 * while another request never does; and the creation record a resource
 * carries (which request made it, from which create-only properties).
 */
import { createHash } from 'node:crypto';
import type { CustomResourceEvent } from './events';
import { canonicalJson } from './properties';

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

/** Length of each hex part of a creation record. */
const RECORD_PART_LENGTH = 32;

/**
 * A digest of the create-only properties a resource is made from, as the
 * request gives them (parsed): two requests asking for the same values give
 * the same digest, whatever the order of their keys.
 */
export function propertiesDigest(resourceType: string, createOnlyProperties: Readonly<Record<string, unknown>>): string {
  return hashOf(resourceType, canonicalJson(createOnlyProperties)).slice(0, RECORD_PART_LENGTH);
}

/** What the creation-token tag of a resource says (see CREATION_TOKEN_TAG). */
export interface CreationRecord {
  /** The creation token of the request that made the resource. */
  readonly token: string;
  /** The digest of the create-only properties it was made from; absent on a resource tagged without one. */
  readonly propertiesDigest?: string;
}

/** The value of the creation-token tag: `<creation token>.<properties digest>`. */
export function creationRecord(request: RequestIdentity, digest: string): string {
  return `${creationToken(request)}.${digest}`;
}

/** Reads a creation-token tag's value; `undefined` when there is none. */
export function readCreationRecord(value: string | undefined): CreationRecord | undefined {
  if (value === undefined) {
    return undefined;
  }
  const [token, digest] = value.split('.');
  return digest ? { token, propertiesDigest: digest } : { token };
}
