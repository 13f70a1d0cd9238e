/**
 * `Custom::CleanRoomsMLAudienceExportJob`: the service's lifecycle of an
 * audience export. StartAudienceExportJob starts writing an audience of one
 * size (CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE, or CREATE_FAILED) and
 * answers with nothing: the export is found again by generation job and name
 * (ListAudienceExportJobs).
 *
 * There is no update and no delete call. Any change starts a new export;
 * a Delete succeeds without calling the service: the export stays in the
 * service's history (ListAudienceExportJobs) until its generation job is
 * deleted, and the audience it wrote stays in S3.
 *
 * Replayed creates. Exports have no tags, so there is no creation token to
 * prove which request made one. The rule: a generated name embeds a hash of
 * the request id, so only a replay of this very request can find it taken —
 * that export is adopted (after checking it asks for the same size). A
 * user-given name proves nothing, so a taken user-given name fails the
 * request and the export holding it is left alone, whoever made it.
 */
import {
  AudienceExportJobAttribute,
  AudienceExportJobData,
  AudienceExportJobProperties,
  EXPORT_PHYSICAL_ID_INFIX,
  exportPhysicalId,
} from 'cdk-cleanrooms-ml/lib/contracts/audience-export-job';
import { isConflict } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { paginate } from 'cdk-cleanrooms-ml-local/lib/client/paginate';
import type { AudienceExportJobSummary } from 'cdk-cleanrooms-ml-local/lib/client/types';
import { ResourceFailure } from '../framework/errors';
import type { CustomResourceEvent } from '../framework/events';
import { integer, oneOf, optional, PropertySchema, string } from '../framework/properties';
import { describeStatusDetails, HandlerRuntime, Progress, ResourceHandler, Started } from '../framework/resource-handler';

const PROPERTIES: PropertySchema<AudienceExportJobProperties> = {
  Name: optional(string),
  AudienceGenerationJobArn: string,
  AudienceSizeType: oneOf(['ABSOLUTE', 'PERCENTAGE'] as const),
  AudienceSizeValue: integer,
  Description: optional(string),
};

/** Operation state: which export isComplete follows (it has no ARN). */
const GENERATION_JOB_ARN = 'AudienceGenerationJobArn';
const NAME = 'Name';

interface ExportIdentity {
  readonly audienceGenerationJobArn: string;
  readonly name: string;
}

export class AudienceExportJobHandler extends ResourceHandler<AudienceExportJobProperties, AudienceExportJobData> {
  protected readonly noun = 'audience export job';

  constructor(runtime: HandlerRuntime, event: CustomResourceEvent) {
    super(runtime, event, PROPERTIES);
  }

  protected onCreate(): Promise<Started> {
    return this.startExport();
  }

  protected async onUpdate(): Promise<Started> {
    const current = this.currentExport(this.oldProperties.AudienceGenerationJobArn);
    const changed = this.changedProperties();
    if (current !== undefined && changed.length === 0) {
      // Only the common properties changed (timeout, attributes revision): the same export.
      return { physicalResourceId: this.physicalResourceId!, operation: operationOf(current) };
    }
    const props = this.properties;
    // Names are unique per generation job: the same name on another job is free.
    if (current !== undefined && props.Name !== undefined && props.Name === current.name
      && props.AudienceGenerationJobArn === current.audienceGenerationJobArn) {
      throw new ResourceFailure(
        `cannot start a new audience export job "${props.Name}" to change ${changed.join(', ')}: the audience generation job already has ` +
        'an export of that name (exports are never deleted); change audienceExportJobName as well, or remove it to have a name generated',
      );
    }
    this.log.info('Starting a new audience export job: an export cannot change', { changed });
    return this.startExport();
  }

  protected async onDelete(): Promise<void> {
    this.log.info('Nothing to delete: Clean Rooms ML has no call to delete an audience export job; it stays in the generation job\'s history');
  }

  protected isCreateComplete(): Promise<Progress<AudienceExportJobData>> {
    return this.waitUntilActive();
  }

  protected isUpdateComplete(): Promise<Progress<AudienceExportJobData>> {
    return this.waitUntilActive();
  }

  protected async isDeleteComplete(): Promise<Progress<void>> {
    return this.done(undefined);
  }

  private async startExport(): Promise<Started> {
    const props = this.properties;
    const generated = props.Name === undefined;
    const target: ExportIdentity = { audienceGenerationJobArn: props.AudienceGenerationJobArn, name: props.Name ?? this.generatedName() };
    try {
      await this.client.startAudienceExportJob({
        name: target.name,
        audienceGenerationJobArn: target.audienceGenerationJobArn,
        audienceSize: { type: props.AudienceSizeType, value: props.AudienceSizeValue },
        description: props.Description,
      });
      this.log.info('Started the audience export job', { ...target });
    } catch (err) {
      if (!isConflict(err)) {
        throw err;
      }
      const existing = await this.findExport(target);
      if (existing === undefined) {
        throw err;
      }
      const sameSize = existing.audienceSize.type === props.AudienceSizeType && existing.audienceSize.value === props.AudienceSizeValue;
      if (!generated || !sameSize) {
        throw new ResourceFailure(
          `the name "${target.name}" is already used by an audience export job of ${target.audienceGenerationJobArn} that this stack did ` +
          'not create; choose another name',
        );
      }
      this.log.info('Adopted the audience export job an earlier attempt of this request started', { ...target });
    }
    return { physicalResourceId: exportPhysicalId(target.audienceGenerationJobArn, target.name), operation: operationOf(target) };
  }

  private async waitUntilActive(): Promise<Progress<AudienceExportJobData>> {
    const target = this.exportToWatch();
    const found = await this.findExport(target);
    if (found === undefined) {
      // Just started: the list may not show it yet.
      return this.waiting('not listed yet');
    }
    switch (found.status) {
      case 'ACTIVE':
        return this.done({
          [AudienceExportJobAttribute.NAME]: found.name,
          [AudienceExportJobAttribute.STATUS]: found.status,
          [AudienceExportJobAttribute.OUTPUT_LOCATION]: found.outputLocation ?? '',
        });
      case 'CREATE_PENDING':
      case 'CREATE_IN_PROGRESS':
        return this.waiting(`status ${found.status}`);
      case 'CREATE_FAILED':
        throw new ResourceFailure(
          `exporting the audience "${found.name}" of ${target.audienceGenerationJobArn} failed (CREATE_FAILED): ${describeStatusDetails(found.statusDetails)}`,
        );
      default:
        throw new ResourceFailure(`the audience export job "${found.name}" is ${String(found.status)}`);
    }
  }

  /** The export onEvent started or kept: from its answer, else from the physical id. */
  private exportToWatch(): ExportIdentity {
    const audienceGenerationJobArn = this.operation[GENERATION_JOB_ARN];
    const name = this.operation[NAME];
    if (audienceGenerationJobArn && name) {
      return { audienceGenerationJobArn, name };
    }
    const current = this.currentExport(this.properties.AudienceGenerationJobArn);
    if (current === undefined) {
      throw new ResourceFailure(`the physical id ${JSON.stringify(this.physicalResourceId)} is not an audience export job of this resource`);
    }
    return current;
  }

  /** The export the physical id names, when it is one of `audienceGenerationJobArn`. */
  private currentExport(audienceGenerationJobArn: string): ExportIdentity | undefined {
    const prefix = `${audienceGenerationJobArn}${EXPORT_PHYSICAL_ID_INFIX}`;
    const id = this.physicalResourceId;
    return id !== undefined && id.startsWith(prefix) && id.length > prefix.length
      ? { audienceGenerationJobArn, name: id.slice(prefix.length) }
      : undefined;
  }

  private async findExport(target: ExportIdentity): Promise<AudienceExportJobSummary | undefined> {
    for await (const page of paginate(this.client, 'listAudienceExportJobs', { audienceGenerationJobArn: target.audienceGenerationJobArn })) {
      const found = page.audienceExportJobs.find((job) => job.name === target.name);
      if (found) {
        return found;
      }
    }
    return undefined;
  }
}

function operationOf(target: ExportIdentity): Record<string, string> {
  return { [GENERATION_JOB_ARN]: target.audienceGenerationJobArn, [NAME]: target.name };
}
