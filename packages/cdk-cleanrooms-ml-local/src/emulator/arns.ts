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

/** Where the emulator pretends to run: every ARN it mints or accepts is scoped to this. */
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
  return `arn:${scope.partition}:cleanrooms-ml:${scope.region}:${scope.accountId}:${type}/${randomUUID()}`;
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
 * Looks a resource up by ARN, answering ResourceNotFoundException with the
 * reason when it cannot exist here. The ARN has passed its member's pattern
 * (constraints.ts: the model's ARN shape of the expected type, so an ARN of
 * another type was already a ValidationException); one of another account,
 * region or partition is "not found" rather than invalid: the resource it
 * names is not one this endpoint holds.
 */
export function lookUp<T>(
  scope: AccountScope,
  expectedType: ArnResourceType,
  arn: string,
  records: Readonly<Record<string, T>>,
): T {
  const label = resourceTypeLabel(expectedType);
  const parsed = parseArn(arn);
  if (parsed && (parsed.accountId !== scope.accountId || parsed.region !== scope.region || parsed.partition !== scope.partition)) {
    throw notFound(
      `${capitalize(label)} ${arn} not found: this endpoint serves account ${scope.accountId} in ${scope.region} (${scope.partition}), `
      + `the ARN names account ${parsed.accountId} in ${parsed.region} (${parsed.partition})`,
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
