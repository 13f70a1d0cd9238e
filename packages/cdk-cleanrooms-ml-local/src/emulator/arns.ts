import { randomUUID } from 'node:crypto';
import { notFound } from './errors';

/** The Clean Rooms ML resource types that have an ARN (export jobs have none). */
export type ArnResourceType = 'training-dataset' | 'audience-model' | 'configured-audience-model' | 'audience-generation-job';

export const ARN_RESOURCE_TYPES: readonly ArnResourceType[] = [
  'training-dataset',
  'audience-model',
  'configured-audience-model',
  'audience-generation-job',
];

const RESOURCE_TYPE_LABELS: Record<ArnResourceType, string> = {
  'training-dataset': 'training dataset',
  'audience-model': 'audience model',
  'configured-audience-model': 'configured audience model',
  'audience-generation-job': 'audience generation job',
};

export function resourceTypeLabel(type: ArnResourceType): string {
  return RESOURCE_TYPE_LABELS[type];
}

/**
 * Who calls, and where: the calling account (from the request's access key)
 * in the emulator's region. The ARNs a call mints are in this account, and
 * it finds only this account's resources.
 */
export interface AccountScope {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

/** The partition of a region, as ARNs spell it (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  if (region.startsWith('us-isob-')) {
    return 'aws-iso-b';
  }
  if (region.startsWith('us-iso-')) {
    return 'aws-iso';
  }
  return 'aws';
}

export function mintArn(scope: AccountScope, type: ArnResourceType): string {
  return arnOf(scope, type, randomUUID());
}

/** The ARN of resource `id` of a type in the scope's account: a cross-account job has one id and an ARN in each account. */
export function arnOf(scope: AccountScope, type: ArnResourceType, id: string): string {
  return `arn:${scope.partition}:cleanrooms-ml:${scope.region}:${scope.accountId}:${type}/${id}`;
}

/** The account a Clean Rooms ML ARN names (undefined for anything else). */
export function accountOf(arn: string): string | undefined {
  return parseArn(arn)?.accountId;
}

/** The resource id, what follows the type in a Clean Rooms ML ARN (undefined for anything else). */
export function resourceIdOf(arn: string): string | undefined {
  // The type has no slash, so the id starts after the ARN's first one.
  return parseArn(arn) && arn.slice(arn.indexOf('/') + 1);
}

interface ParsedArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly resourceType: string;
}

const CLEAN_ROOMS_ML_ARN = /^arn:(aws[-a-z]*):cleanrooms-ml:([-a-z0-9]+):([0-9]{12}):([-a-z]+)\/[-a-zA-Z0-9_/.]+$/;

function parseArn(arn: string): ParsedArn | undefined {
  const match = CLEAN_ROOMS_ML_ARN.exec(arn);
  if (!match) {
    return undefined;
  }
  return { partition: match[1], region: match[2], accountId: match[3], resourceType: match[4] };
}

/**
 * Looks a resource of the calling account up by ARN, answering
 * ResourceNotFoundException with the reason when the caller cannot reach
 * it. The ARN has passed its member's pattern (constraints.ts: the model's
 * ARN shape of the expected type, so an ARN of another type was already a
 * ValidationException); one of another region or partition is "not found"
 * rather than invalid: the resource it names is not one this endpoint
 * holds. One of another account is "not found" too, even when that account
 * has it: "All other Clean Rooms ML APIs can only be used with resources in
 * your own account" (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html);
 * StartAudienceGenerationJob, the one exception, does not come here for the
 * configured model of another account.
 */
export function lookUp<T>(
  scope: AccountScope,
  expectedType: ArnResourceType,
  arn: string,
  records: Readonly<Record<string, T>>,
): T {
  const label = resourceTypeLabel(expectedType);
  const parsed = parseArn(arn);
  if (parsed && (parsed.region !== scope.region || parsed.partition !== scope.partition)) {
    throw notFound(
      `${capitalize(label)} ${arn} not found: this endpoint serves ${scope.region} (${scope.partition}), `
      + `the ARN names account ${parsed.accountId} in ${parsed.region} (${parsed.partition})`,
    );
  }
  if (parsed && parsed.accountId !== scope.accountId) {
    throw notFound(
      `${capitalize(label)} ${arn} not found: the caller is account ${scope.accountId}, the ARN names account ${parsed.accountId}, `
      + 'and a caller reaches only its own account\'s resources',
    );
  }
  const record = Object.prototype.hasOwnProperty.call(records, arn) ? records[arn] : undefined;
  if (record === undefined) {
    throw notFound(`${capitalize(label)} ${arn} not found`);
  }
  return record;
}

/** The resource type an ARN names, if it is a Clean Rooms ML ARN of a taggable type. */
export function arnResourceType(arn: string): ArnResourceType | undefined {
  const type = parseArn(arn)?.resourceType;
  return ARN_RESOURCE_TYPES.find((candidate) => candidate === type);
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
