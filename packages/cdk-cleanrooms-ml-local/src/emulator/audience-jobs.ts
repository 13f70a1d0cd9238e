/**
 * Audience generation jobs (ARN, tags, create and delete lifecycles, like
 * audience models) and audience export jobs (no ARN, no tags, no delete;
 * found through ListAudienceExportJobs by generation job, names unique per
 * generation job).
 *
 * A generation job needs an existing configured audience model and keeps the
 * model's audience sizes as they were when it started; an export needs an
 * ACTIVE generation job and one of those sizes.
 */
import { lookUp, mintArn } from './arns';
import { findConfiguredAudienceModel } from './configured-audience-models';
import { conflict, validationError } from './errors';
import type { AudienceSize } from './metrics';
import { OperationContext, OperationTable, requestedFailure, requireQuota, requireRoleInAccount, requireUniqueName } from './operation';
import { PageRequest, paginate } from './pagination';
import { AudienceGenerationJobRecord, isCreating, isDeleting, SeedAudience, Tags } from './store';

interface StartAudienceGenerationJobInput {
  readonly name: string;
  readonly configuredAudienceModelArn: string;
  readonly seedAudience: SeedAudience;
  readonly includeSeedInOutput?: boolean;
  readonly collaborationId?: string;
  readonly description?: string;
  readonly tags?: Tags;
}

interface AudienceGenerationJobArnInput {
  readonly audienceGenerationJobArn: string;
}

interface ListAudienceGenerationJobsInput extends PageRequest {
  readonly configuredAudienceModelArn?: string;
  readonly collaborationId?: string;
}

interface StartAudienceExportJobInput {
  readonly name: string;
  readonly audienceGenerationJobArn: string;
  readonly audienceSize: AudienceSize;
  readonly description?: string;
}

interface ListAudienceExportJobsInput extends PageRequest {
  readonly audienceGenerationJobArn?: string;
}

function findGenerationJob({ store, scope }: OperationContext, arn: string): AudienceGenerationJobRecord {
  return lookUp(scope, 'audience-generation-job', arn, store.state.audienceGenerationJobs);
}

export const audienceJobOperations: OperationTable = {
  StartAudienceGenerationJob: (input: StartAudienceGenerationJobInput, context) => {
    const { store, scope, quotas, now } = context;
    requireRoleInAccount(scope, 'seedAudience.roleArn', input.seedAudience.roleArn);
    const configured = findConfiguredAudienceModel(context, input.configuredAudienceModelArn);
    requireUniqueName(store.audienceGenerationJobs(scope.accountId).map((job) => job.name), input.name, 'audience generation job');
    const running = store.audienceGenerationJobs(scope.accountId).filter((job) => isCreating(store.generationJobState(job, now))).length;
    requireQuota(running, quotas.audienceGenerationJobs, 'Concurrent audience generation jobs', 'audience generation jobs are running');

    // FROM_PARENT_RESOURCE: the configured model's tags are the defaults, the request's tags override them.
    const tags = configured.childResourceTagOnCreatePolicy === 'FROM_PARENT_RESOURCE' ? { ...configured.tags, ...input.tags } : { ...input.tags };
    const arn = mintArn(scope, 'audience-generation-job');
    store.state.audienceGenerationJobs[arn] = {
      arn,
      name: input.name,
      description: input.description,
      configuredAudienceModelArn: configured.arn,
      seedAudience: structuredClone(input.seedAudience),
      includeSeedInOutput: input.includeSeedInOutput ?? false,
      collaborationId: input.collaborationId,
      audienceSizeConfig: configured.audienceSizeConfig && structuredClone(configured.audienceSizeConfig),
      // A SQL seed runs as a Clean Rooms protected query.
      protectedQueryIdentifier: input.seedAudience.sqlParameters ? store.newId() : undefined,
      tags,
      sequence: store.nextSequence(),
      lifecycle: {
        createdAt: now,
        createFailure: requestedFailure(
          store, 'audience-generation-job', 'CREATE', tags, `Audience generation job "${input.name}" failed (requested from the emulator)`,
        ),
      },
    };
    return { audienceGenerationJobArn: arn };
  },

  GetAudienceGenerationJob: (input: AudienceGenerationJobArnInput, context) =>
    context.store.describeAudienceGenerationJob(findGenerationJob(context, input.audienceGenerationJobArn), context.now),

  ListAudienceGenerationJobs: (input: ListAudienceGenerationJobsInput, { store, scope, now }) => {
    const matching = store.audienceGenerationJobs(scope.accountId).filter((job) =>
      (input.configuredAudienceModelArn === undefined || job.configuredAudienceModelArn === input.configuredAudienceModelArn)
      && (input.collaborationId === undefined || job.collaborationId === input.collaborationId));
    const page = paginate(
      'ListAudienceGenerationJobs',
      matching,
      input,
      { configuredAudienceModelArn: input.configuredAudienceModelArn, collaborationId: input.collaborationId },
    );
    return {
      audienceGenerationJobs: page.items.map((record) => {
        const job = store.describeAudienceGenerationJob(record, now);
        return {
          createTime: job.createTime,
          updateTime: job.updateTime,
          audienceGenerationJobArn: job.audienceGenerationJobArn,
          name: job.name,
          description: job.description,
          status: job.status,
          configuredAudienceModelArn: job.configuredAudienceModelArn,
          collaborationId: job.collaborationId,
          startedBy: job.startedBy,
        };
      }),
      nextToken: page.nextToken,
    };
  },

  DeleteAudienceGenerationJob: (input: AudienceGenerationJobArnInput, context) => {
    const { store, now } = context;
    const job = findGenerationJob(context, input.audienceGenerationJobArn);
    if (isDeleting(store.generationJobState(job, now))) {
      return undefined;
    }
    job.lifecycle.deleteRequestedAt = now;
    job.lifecycle.deleteFailure = requestedFailure(
      store, 'audience-generation-job', 'DELETE', job.tags, `Deletion of audience generation job "${job.name}" failed (requested from the emulator)`,
    );
    return undefined;
  },

  StartAudienceExportJob: (input: StartAudienceExportJobInput, context) => {
    const { store, scope, quotas, now } = context;
    const job = findGenerationJob(context, input.audienceGenerationJobArn);
    const status = store.generationJobState(job, now)?.status;
    if (status !== 'ACTIVE') {
      throw validationError(`audienceGenerationJobArn must name an ACTIVE audience generation job; ${job.arn} is ${status}`);
    }
    const sizes = job.audienceSizeConfig;
    if (!sizes || sizes.audienceSizeType !== input.audienceSize.type || !sizes.audienceSizeBins.includes(input.audienceSize.value)) {
      const offered = sizes ? `${sizes.audienceSizeType} ${sizes.audienceSizeBins.join(', ')}` : 'none (the configured audience model has no audienceSizeConfig)';
      throw validationError(
        `audienceSize must be one of the configured audience model's audience sizes (${offered}), got ${input.audienceSize.type} ${input.audienceSize.value}`,
      );
    }
    const siblings = store.audienceExportJobs(scope.accountId).filter((exportJob) => exportJob.audienceGenerationJobArn === job.arn);
    if (siblings.some((exportJob) => exportJob.name === input.name)) {
      throw conflict(`An audience export job named "${input.name}" already exists for audience generation job ${job.arn}`);
    }
    const running = store.audienceExportJobs(scope.accountId).filter((exportJob) => isCreating(store.exportJobState(exportJob, now))).length;
    requireQuota(running, quotas.audienceExportJobs, 'Concurrent audience export jobs', 'audience export jobs are running');
    const kept = siblings.filter((exportJob) => store.exportJobState(exportJob, now).status !== 'CREATE_FAILED').length;
    requireQuota(kept, quotas.activeExportJobsPerGenerationJob, 'Active audience export jobs per audience generation job', 'export jobs exist for this generation job');

    const id = store.newId();
    const configured = store.state.configuredAudienceModels[job.configuredAudienceModelArn];
    const destination = configured?.outputConfig.destination.s3Destination.s3Uri.replace(/\/+$/, '') ?? 's3://audience-output';
    store.state.audienceExportJobs[id] = {
      id,
      name: input.name,
      description: input.description,
      audienceGenerationJobArn: job.arn,
      audienceSize: { type: input.audienceSize.type, value: input.audienceSize.value },
      outputLocation: `${destination}/${id}/`,
      sequence: store.nextSequence(),
      lifecycle: {
        createdAt: now,
        createFailure: requestedFailure(store, 'audience-export-job', 'CREATE', {}, `Audience export job "${input.name}" failed (requested from the emulator)`),
      },
    };
    return undefined;
  },

  ListAudienceExportJobs: (input: ListAudienceExportJobsInput, { store, scope, now }) => {
    const matching = store.audienceExportJobs(scope.accountId).filter((exportJob) =>
      input.audienceGenerationJobArn === undefined || exportJob.audienceGenerationJobArn === input.audienceGenerationJobArn);
    const page = paginate(
      'ListAudienceExportJobs',
      matching,
      input,
      { audienceGenerationJobArn: input.audienceGenerationJobArn },
    );
    return {
      audienceExportJobs: page.items.map((record) => store.describeAudienceExportJob(record, now)),
      nextToken: page.nextToken,
    };
  },
};
