/**
 * The contract of `Custom::CleanRoomsMLAudienceExportJob`, imported by both
 * the AudienceExportJob construct and its handler. Types and constants only.
 *
 * Export jobs have no ARN, no tags and no delete call: the service finds
 * them by generation job and name (ListAudienceExportJobs), names are unique
 * per generation job, and an export stays in the service's history for as
 * long as its generation job exists.
 */
import type { AttributeData } from './framework';

/** The custom resource type. */
export const AUDIENCE_EXPORT_JOB_RESOURCE_TYPE = 'Custom::CleanRoomsMLAudienceExportJob';

/** Bump when an attribute is added (see `CommonResourceProperties.AttributesRevision`). */
export const AUDIENCE_EXPORT_JOB_ATTRIBUTES_REVISION = 1;

/**
 * Properties of the custom resource, as the construct writes them. Nothing
 * changes in place (there is no update call): any change starts a new export.
 */
export interface AudienceExportJobProperties {
  /** The user's name for the export. When absent, the handler generates one. */
  readonly Name?: string;
  readonly AudienceGenerationJobArn: string;
  readonly AudienceSizeType: 'ABSOLUTE' | 'PERCENTAGE';
  readonly AudienceSizeValue: number;
  readonly Description?: string;
}

/** Names of the attributes the handler returns (`Fn::GetAtt`). */
export const AudienceExportJobAttribute = {
  /** The export's name, given or generated. */
  NAME: 'Name',
  /** The export's status: `ACTIVE` once the resource exists. */
  STATUS: 'Status',
  /** Where the service wrote the audience (`s3://…`); `''` when it reports none. */
  OUTPUT_LOCATION: 'OutputLocation',
} as const;

export type AudienceExportJobAttributeName = typeof AudienceExportJobAttribute[keyof typeof AudienceExportJobAttribute];

/** Every attribute, always present (`''` where empty). */
export type AudienceExportJobData = AttributeData<AudienceExportJobAttributeName>;

/** Between the generation job's ARN and the export's name in the physical id. */
export const EXPORT_PHYSICAL_ID_INFIX = '/export/';

/**
 * The physical id of an export: `<generation job ARN>/export/<name>`. Stable
 * (both parts are fixed for the export's life) and well under CloudFormation's
 * 1 KB (an ARN of about 100 characters and a name of at most 63).
 */
export function exportPhysicalId(audienceGenerationJobArn: string, name: string): string {
  return `${audienceGenerationJobArn}${EXPORT_PHYSICAL_ID_INFIX}${name}`;
}
