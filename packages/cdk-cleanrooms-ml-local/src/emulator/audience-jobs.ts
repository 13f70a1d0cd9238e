/**
 * Audience generation jobs (ARN, tags, create and delete lifecycles, like
 * audience models) and audience export jobs (no ARN, no tags, no delete;
 * found through ListAudienceExportJobs by generation job, names unique per
 * generation job).
 *
 * A generation job needs an existing configured audience model and keeps the
 * model's audience sizes as they were when it started; an export needs an
 * ACTIVE generation job and one of those sizes.
 *
 * A job started on another account's configured audience model (allowed by
 * its resource policy: cross-account-start.ts) exists once in each account,
 * with one id and an ARN in each; each account gets, lists and exports
 * through its own copy's ARN only. It is one execution: "both accounts can
 * delete the job and its associated data. Neither account can block the
 * other account from deleting the job", so a delete through either ARN
 * deletes both copies
 * (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html).
 */
import { accountOf, arnOf, lookUp } from './arns';
import { findConfiguredAudienceModel } from './configured-audience-models';
import { authorizeCrossAccountStart, findOtherAccountsConfiguredAudienceModel } from './cross-account-start';
import { conflict, validationError } from './errors';
import type { AudienceSize } from './metrics';
import { OperationContext, OperationTable, requestedFailure, requireQuota, requireRoleInAccount, requireUniqueName } from './operation';
import { PageRequest, paginate } from './pagination';
import { AudienceGenerationJobRecord, ConfiguredAudienceModelRecord, isCreating, isDeleting, jobStarter, SeedAudience, Tags } from './store';

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
    const owner = accountOf(input.configuredAudienceModelArn);
    const crossAccount = owner !== undefined && owner !== scope.accountId;
    const id = store.newId();
    const ownerScope = { ...scope, accountId: owner ?? scope.accountId };
    let configured: ConfiguredAudienceModelRecord;
    if (crossAccount) {
      // Authorization comes before the service's own checks, as IAM's does.
      configured = findOtherAccountsConfiguredAudienceModel(context, input.configuredAudienceModelArn);
      authorizeCrossAccountStart(context, configured, input.collaborationId, arnOf(ownerScope, 'audience-generation-job', id));
      requireRoleInAccount(scope, 'seedAudience.roleArn', input.seedAudience.roleArn);
    } else {
      requireRoleInAccount(scope, 'seedAudience.roleArn', input.seedAudience.roleArn);
      configured = findConfiguredAudienceModel(context, input.configuredAudienceModelArn);
    }
    requireUniqueName(store.audienceGenerationJobs(scope.accountId).map((job) => job.name), input.name, 'audience generation job');
    // The owner's copy is named after the starting account: "The name in AWS account B is $accountA-$name"
    // (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html). The request's name may
    // have 63 characters and the prefix adds 13; the page does not say the service shortens it, so the emulator
    // keeps it whole (a choice): the 63-character limit is the request's, not the name's in the owner's account.
    const ownerCopyName = `${scope.accountId}-${input.name}`;
    if (crossAccount && store.audienceGenerationJobs(ownerScope.accountId).some((job) => job.name === ownerCopyName)) {
      // The docs are silent on a clash in the owner's account (a job of the owner's own already named
      // `<partner>-<name>`): refusing it keeps names unique per account, as the page requires (a choice).
      throw conflict(
        `An audience generation job named "${ownerCopyName}" already exists in account ${ownerScope.accountId}, which owns the configured audience model; `
        + `the job "${input.name}" would be named so there`,
      );
    }
    // Quotas count against the account that starts jobs (a choice: the docs do not say whose quota a
    // cross-account job uses); the owner's copies of other accounts' jobs do not take from the owner's.
    const running = store.audienceGenerationJobs(scope.accountId)
      .filter((job) => jobStarter(job) === scope.accountId && isCreating(store.generationJobState(job, now))).length;
    requireQuota(running, quotas.audienceGenerationJobs, 'Concurrent audience generation jobs', 'audience generation jobs are running');

    const parentTags = configured.childResourceTagOnCreatePolicy === 'FROM_PARENT_RESOURCE' ? configured.tags : {};
    // Same account, FROM_PARENT_RESOURCE: the configured model's tags are the defaults, the request's tags override them.
    // Across accounts, each account's copy gets only its own account's tags: "jobs created by other accounts never
    // create tags in your account" (ml-behaviors, "Tagging jobs"), so the starter's copy has the request's tags and
    // the owner's copy the configured model's (FROM_PARENT_RESOURCE) or none.
    const tags = crossAccount ? { ...input.tags } : { ...parentTags, ...input.tags };
    // One execution: a requested failure fails both copies, whichever tags asked for it.
    const createFailure = requestedFailure(
      store, 'audience-generation-job', 'CREATE', { ...parentTags, ...input.tags }, `Audience generation job "${input.name}" failed (requested from the emulator)`,
    );
    const arn = arnOf(scope, 'audience-generation-job', id);
    const ownerArn = arnOf(ownerScope, 'audience-generation-job', id);
    const job: AudienceGenerationJobRecord = {
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
      lifecycle: { createdAt: now, createFailure },
      ...(crossAccount ? { startedBy: scope.accountId, otherCopyArn: ownerArn } : {}),
    };
    store.state.audienceGenerationJobs[arn] = job;
    if (crossAccount) {
      // "Clean Rooms ML creates two ARNs for the job ... identical except for their AWS account": the owner's
      // copy. "If you Get an audience generation job that another account submitted, the service does not show
      // the seed location" (ml-behaviors, the user guide, followed over the API model's opposite wording).
      store.state.audienceGenerationJobs[ownerArn] = {
        ...job,
        arn: ownerArn,
        name: ownerCopyName,
        seedAudience: undefined,
        tags: { ...parentTags },
        sequence: store.nextSequence(),
        lifecycle: { createdAt: now, createFailure },
        startedBy: scope.accountId,
        otherCopyArn: arn,
      };
    }
    // The caller's own copy: only an ARN with its own account works for it (ml-behaviors).
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
    const deleteFailure = requestedFailure(
      store, 'audience-generation-job', 'DELETE', job.tags, `Deletion of audience generation job "${job.name}" failed (requested from the emulator)`,
    );
    // One execution behind both ARNs of a cross-account job: it goes for both accounts.
    const otherCopy = job.otherCopyArn === undefined ? undefined : store.state.audienceGenerationJobs[job.otherCopyArn];
    for (const copy of otherCopy ? [job, otherCopy] : [job]) {
      copy.lifecycle.deleteRequestedAt = now;
      copy.lifecycle.deleteFailure = deleteFailure;
    }
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
