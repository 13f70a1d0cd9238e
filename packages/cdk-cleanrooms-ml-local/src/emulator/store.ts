/**
 * What the emulator holds: one record map per resource type, the queue of
 * requested failures, and how records look through the API.
 *
 * Asynchronous statuses are never stored. A record keeps when it was created,
 * when its delete was asked for and whether either should fail; its status at
 * any moment follows from those timestamps and the configured phase
 * durations. So no timer runs, a persisted state picks up where it left off
 * after a restart, and an injected clock can step through every phase.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmulatorAccounts } from './accounts';
import { accountOf, AccountScope } from './arns';
import { writeAudienceFile } from './audience-output';
import { CleanRoomsInventory, cleanRoomsInventory } from './clean-rooms/inventory';
import type { CollaborationRecord, ConfiguredAudienceModelAssociationRecord, MembershipRecord } from './clean-rooms/records';
import {
  audienceModelMetrics,
  AudienceModelMetric,
  AudienceSize,
  AudienceSizeConfig,
  recallMetric,
  RelevanceMetric,
  relevanceMetrics,
} from './metrics';
import type { ComputeConfiguration } from '../client/types';

/** @inline (shown in place in API.md) */
export type Tags = Record<string, string>;

// ---------------------------------------------------------------------------
// Lifecycles
// ---------------------------------------------------------------------------

/** How long each phase of an asynchronous lifecycle lasts, in milliseconds. */
export interface LifecycleTimings {
  readonly createPendingMs: number;
  readonly createInProgressMs: number;
  readonly deletePendingMs: number;
  readonly deleteInProgressMs: number;
}

export type CreateTimings = Pick<LifecycleTimings, 'createPendingMs' | 'createInProgressMs'>;

export interface EmulatorTimings {
  readonly audienceModel: LifecycleTimings;
  readonly audienceGenerationJob: LifecycleTimings;
  /** Export jobs cannot be deleted. */
  readonly audienceExportJob: CreateTimings;
}

/** About 1.5 s from create to ACTIVE and 0.7 s from delete to gone: long enough to see every status, short enough for a demo. */
export const DEFAULT_TIMINGS: EmulatorTimings = {
  audienceModel: { createPendingMs: 300, createInProgressMs: 1200, deletePendingMs: 200, deleteInProgressMs: 500 },
  audienceGenerationJob: { createPendingMs: 300, createInProgressMs: 1000, deletePendingMs: 200, deleteInProgressMs: 500 },
  audienceExportJob: { createPendingMs: 200, createInProgressMs: 800 },
};

export type AsyncStatus =
  | 'CREATE_PENDING'
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'ACTIVE'
  | 'DELETE_PENDING'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED';

/** @inline (shown in place in API.md: the client exports a type of the same name) */
export interface StatusDetails {
  readonly statusCode: string;
  readonly message: string;
}

export interface Lifecycle {
  readonly createdAt: number;
  /** Set when the create was asked to fail: the status ends in CREATE_FAILED with these details. */
  readonly createFailure?: StatusDetails;
  deleteRequestedAt?: number;
  /** Set when the delete was asked to fail: the status ends in DELETE_FAILED with these details. */
  deleteFailure?: StatusDetails;
}

export interface LifecycleState {
  readonly status: AsyncStatus;
  /** When the current status began. */
  readonly since: number;
  readonly statusDetails?: StatusDetails;
}

/** The status of a lifecycle at `now`, or undefined once a successful delete has run its course. */
export function lifecycleState(lifecycle: Lifecycle, timings: CreateTimings & Partial<LifecycleTimings>, now: number): LifecycleState | undefined {
  if (lifecycle.deleteRequestedAt !== undefined) {
    const pendingEnd = lifecycle.deleteRequestedAt + (timings.deletePendingMs ?? 0);
    const inProgressEnd = pendingEnd + (timings.deleteInProgressMs ?? 0);
    if (now < pendingEnd) {
      return { status: 'DELETE_PENDING', since: lifecycle.deleteRequestedAt };
    }
    if (now < inProgressEnd) {
      return { status: 'DELETE_IN_PROGRESS', since: pendingEnd };
    }
    return lifecycle.deleteFailure ? { status: 'DELETE_FAILED', since: inProgressEnd, statusDetails: lifecycle.deleteFailure } : undefined;
  }
  const pendingEnd = lifecycle.createdAt + timings.createPendingMs;
  const inProgressEnd = pendingEnd + timings.createInProgressMs;
  if (now < pendingEnd) {
    return { status: 'CREATE_PENDING', since: lifecycle.createdAt };
  }
  if (now < inProgressEnd) {
    return { status: 'CREATE_IN_PROGRESS', since: pendingEnd };
  }
  return lifecycle.createFailure
    ? { status: 'CREATE_FAILED', since: inProgressEnd, statusDetails: lifecycle.createFailure }
    : { status: 'ACTIVE', since: inProgressEnd };
}

export function isCreating(state: LifecycleState | undefined): boolean {
  return state?.status === 'CREATE_PENDING' || state?.status === 'CREATE_IN_PROGRESS';
}

export function isDeleting(state: LifecycleState | undefined): boolean {
  return state?.status === 'DELETE_PENDING' || state?.status === 'DELETE_IN_PROGRESS';
}

// ---------------------------------------------------------------------------
// Requested failures
// ---------------------------------------------------------------------------

export type FailableResourceType = 'audience-model' | 'audience-generation-job' | 'audience-export-job';
export const FAILABLE_RESOURCE_TYPES: readonly FailableResourceType[] = ['audience-model', 'audience-generation-job', 'audience-export-job'];

/** Makes the next create or delete of a resource type end in CREATE_FAILED / DELETE_FAILED. */
export interface FailureRequest {
  readonly resourceType: FailableResourceType;
  readonly phase: 'CREATE' | 'DELETE';
  /** @default a message naming the emulator as the cause */
  readonly message?: string;
  /** @default 'EmulatedFailure' */
  readonly statusCode?: string;
}

// ---------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------

/** @inline (shown in place in API.md) */
export interface OutputConfig {
  readonly destination: { readonly s3Destination: { readonly s3Uri: string } };
  readonly roleArn: string;
}

/** @inline (shown in place in API.md; not the construct library's SeedAudience) */
export interface SeedAudience {
  readonly dataSource?: { readonly s3Uri: string };
  readonly roleArn: string;
  readonly sqlParameters?: {
    readonly queryString?: string;
    readonly analysisTemplateArn?: string;
    readonly parameters?: Readonly<Record<string, string>>;
  };
  readonly sqlComputeConfiguration?: ComputeConfiguration;
}

export interface TrainingDatasetRecord {
  readonly arn: string;
  /** Place in the store's creation order (see {@link Store.nextSequence}). */
  readonly sequence: number;
  readonly name: string;
  readonly description?: string;
  readonly roleArn: string;
  readonly trainingData: readonly unknown[];
  tags: Tags;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AudienceModelRecord {
  readonly arn: string;
  /** Place in the store's creation order (see {@link Store.nextSequence}). */
  readonly sequence: number;
  readonly name: string;
  readonly description?: string;
  readonly trainingDatasetArn: string;
  readonly trainingDataStartTime?: number;
  readonly trainingDataEndTime?: number;
  readonly kmsKeyArn?: string;
  tags: Tags;
  readonly lifecycle: Lifecycle;
}

export interface ConfiguredAudienceModelRecord {
  readonly arn: string;
  /** Place in the store's creation order (see {@link Store.nextSequence}). */
  readonly sequence: number;
  readonly name: string;
  description?: string;
  audienceModelArn: string;
  outputConfig: OutputConfig;
  sharedAudienceMetrics: string[];
  minMatchingSeedSize: number;
  audienceSizeConfig?: AudienceSizeConfig;
  readonly childResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE' | 'NONE';
  tags: Tags;
  readonly createdAt: number;
  updatedAt: number;
  policy?: { readonly document: string; readonly hash: string };
}

export interface AudienceGenerationJobRecord {
  readonly arn: string;
  /** Place in the store's creation order (see {@link Store.nextSequence}). */
  readonly sequence: number;
  readonly name: string;
  readonly description?: string;
  readonly configuredAudienceModelArn: string;
  /** Absent on the model owner's copy of another account's job: the owner does not see the seed (see audience-jobs.ts). */
  readonly seedAudience?: SeedAudience;
  /** The account that started the job. Absent: the account the record is in (every job that is not a cross-account copy). */
  readonly startedBy?: string;
  /**
   * A job started on another account's configured model exists once in each
   * account, with one id (see audience-jobs.ts): the ARN of the other copy.
   */
  readonly otherCopyArn?: string;
  readonly includeSeedInOutput: boolean;
  readonly collaborationId?: string;
  /** The configured model's sizes when the job started: later updates do not affect running jobs. */
  readonly audienceSizeConfig?: AudienceSizeConfig;
  readonly protectedQueryIdentifier?: string;
  tags: Tags;
  readonly lifecycle: Lifecycle;
}

export interface AudienceExportJobRecord {
  readonly id: string;
  /** Place in the store's creation order (see {@link Store.nextSequence}). */
  readonly sequence: number;
  readonly name: string;
  readonly description?: string;
  readonly audienceGenerationJobArn: string;
  readonly audienceSize: AudienceSize;
  readonly outputLocation: string;
  readonly lifecycle: Lifecycle;
  /** When the audience file was written (outputDirectory only); persisted, so a restart never writes it again. */
  outputWrittenAt?: number;
}

export interface EmulatorState {
  trainingDatasets: Record<string, TrainingDatasetRecord>;
  audienceModels: Record<string, AudienceModelRecord>;
  configuredAudienceModels: Record<string, ConfiguredAudienceModelRecord>;
  audienceGenerationJobs: Record<string, AudienceGenerationJobRecord>;
  audienceExportJobs: Record<string, AudienceExportJobRecord>;
  /** AWS Clean Rooms (clean-rooms/records.ts), by id. */
  collaborations: Record<string, CollaborationRecord>;
  memberships: Record<string, MembershipRecord>;
  configuredAudienceModelAssociations: Record<string, ConfiguredAudienceModelAssociationRecord>;
  pendingFailures: FailureRequest[];
  /** The sequence number given to the latest record created. */
  lastSequence: number;
}

function emptyState(): EmulatorState {
  return {
    trainingDatasets: {},
    audienceModels: {},
    configuredAudienceModels: {},
    audienceGenerationJobs: {},
    audienceExportJobs: {},
    collaborations: {},
    memberships: {},
    configuredAudienceModelAssociations: {},
    pendingFailures: [],
    lastSequence: 0,
  };
}

// ---------------------------------------------------------------------------
// Views: records as the API shows them
// ---------------------------------------------------------------------------

export interface TrainingDatasetDescription {
  readonly trainingDatasetArn: string;
  readonly name: string;
  readonly description?: string;
  readonly roleArn: string;
  readonly trainingData: readonly unknown[];
  readonly status: 'ACTIVE';
  readonly tags: Tags;
  readonly createTime: string;
  readonly updateTime: string;
}

export interface AudienceModelDescription {
  readonly audienceModelArn: string;
  readonly name: string;
  readonly description?: string;
  readonly trainingDatasetArn: string;
  readonly trainingDataStartTime?: string;
  readonly trainingDataEndTime?: string;
  readonly kmsKeyArn?: string;
  readonly status: AsyncStatus;
  readonly statusDetails?: StatusDetails;
  /** Only with the emulator's legacyAudienceModelMetrics: AWS's current model has no audience model metrics. */
  readonly metrics?: readonly AudienceModelMetric[];
  readonly tags: Tags;
  readonly createTime: string;
  readonly updateTime: string;
}

export interface ConfiguredAudienceModelDescription {
  readonly configuredAudienceModelArn: string;
  readonly name: string;
  readonly description?: string;
  readonly audienceModelArn: string;
  readonly outputConfig: OutputConfig;
  readonly sharedAudienceMetrics: readonly string[];
  readonly minMatchingSeedSize: number;
  readonly audienceSizeConfig?: AudienceSizeConfig;
  readonly childResourceTagOnCreatePolicy: string;
  readonly status: 'ACTIVE';
  readonly tags: Tags;
  readonly createTime: string;
  readonly updateTime: string;
}

export interface AudienceGenerationJobDescription {
  readonly audienceGenerationJobArn: string;
  readonly name: string;
  readonly description?: string;
  readonly configuredAudienceModelArn: string;
  /** Absent on the configured model owner's copy of a job another account started. */
  readonly seedAudience?: SeedAudience;
  readonly includeSeedInOutput: boolean;
  readonly collaborationId?: string;
  readonly startedBy: string;
  readonly status: AsyncStatus;
  readonly statusDetails?: StatusDetails;
  readonly metrics?: { readonly relevanceMetrics: readonly RelevanceMetric[]; readonly recallMetric: number };
  readonly protectedQueryIdentifier?: string;
  readonly tags: Tags;
  readonly createTime: string;
  readonly updateTime: string;
}

export interface AudienceExportJobDescription {
  readonly name: string;
  readonly description?: string;
  readonly audienceGenerationJobArn: string;
  readonly audienceSize: AudienceSize;
  readonly outputLocation?: string;
  readonly status: AsyncStatus;
  readonly statusDetails?: StatusDetails;
  readonly createTime: string;
  readonly updateTime: string;
}

/**
 * Everything that exists at one moment, as the Get operations describe it,
 * plus each configured model's policy; AWS Clean Rooms' collaborations,
 * memberships and associations too.
 */
export interface EmulatorInventory extends CleanRoomsInventory {
  readonly accountId: string;
  readonly region: string;
  readonly trainingDatasets: TrainingDatasetDescription[];
  readonly audienceModels: AudienceModelDescription[];
  readonly configuredAudienceModels: Array<ConfiguredAudienceModelDescription & {
    readonly policy?: { readonly configuredAudienceModelPolicy: string; readonly policyHash: string };
  }>;
  readonly audienceGenerationJobs: AudienceGenerationJobDescription[];
  readonly audienceExportJobs: AudienceExportJobDescription[];
}

const iso = (millis: number | undefined): string | undefined => (millis === undefined ? undefined : new Date(millis).toISOString());
const isoTime = (millis: number): string => new Date(millis).toISOString();

const bySequence = (a: { readonly sequence: number }, b: { readonly sequence: number }): number => a.sequence - b.sequence;

/** Lists of the store take the account whose records to list, or this for every account's (the inventory, the sweep). */
export const EVERY_ACCOUNT = null;

/** One account's records, or every account's. */
export type AccountFilter = string | typeof EVERY_ACCOUNT;

function ownedBy<T>(records: Iterable<T>, accountId: AccountFilter, arnOf: (record: T) => string): T[] {
  const all = [...records];
  return accountId === EVERY_ACCOUNT ? all : all.filter((record) => accountOf(arnOf(record)) === accountId);
}

/**
 * The job as its one execution knows it: the starting account's copy. A
 * cross-account job's two copies share their metrics and audiences, which
 * follow from the execution's ARN and name.
 */
export function jobExecution(record: AudienceGenerationJobRecord): { readonly arn: string; readonly name: string } {
  if (record.startedBy === undefined || record.otherCopyArn === undefined || record.startedBy === accountOf(record.arn)) {
    return { arn: record.arn, name: record.name };
  }
  // The owner's copy is named `<starting account>-<name>`.
  return { arn: record.otherCopyArn, name: record.name.slice(record.startedBy.length + 1) };
}

// ---------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------

export interface StoreOptions {
  /** The default account's scope: older state files hold its records only. */
  readonly scope: AccountScope;
  /** Every account the emulator serves: a state file may hold records of these only. */
  readonly accounts: EmulatorAccounts;
  readonly timings: EmulatorTimings;
  /** Where state is kept between runs; none keeps it in memory only. */
  readonly stateFile?: string;
  /** Where ACTIVE export jobs write their audience (see audience-output.ts); none writes nothing. */
  readonly outputDirectory?: string;
  /** Audience models report `metrics`, as the 2023 API did (see CleanRoomsMlEmulatorOptions.legacyAudienceModelMetrics). */
  readonly legacyAudienceModelMetrics?: boolean;
}

/**
 * Version 2 added the creation sequence; a version 1 file is still loaded,
 * its records numbered in the order their timestamps give. Version 3 holds
 * the records of several accounts (each ARN names its account) and lists
 * those accounts; a file of an earlier version holds the default account's.
 */
const STATE_VERSION = 3;

interface PersistedState extends EmulatorState {
  readonly version: 1 | 2 | typeof STATE_VERSION;
  /** The default account. */
  readonly accountId: string;
  readonly region: string;
  /** Version 3: every account the emulator served when it wrote the file, the default first. */
  readonly accountIds?: readonly string[];
}

export class Store {
  public state: EmulatorState = emptyState();
  public readonly scope: AccountScope;
  public readonly timings: EmulatorTimings;
  private readonly accounts: EmulatorAccounts;
  private readonly stateFile?: string;
  private readonly outputDirectory?: string;
  private readonly legacyAudienceModelMetrics: boolean;

  constructor(options: StoreOptions) {
    this.scope = options.scope;
    this.accounts = options.accounts;
    this.timings = options.timings;
    this.stateFile = options.stateFile;
    this.outputDirectory = options.outputDirectory;
    this.legacyAudienceModelMetrics = options.legacyAudienceModelMetrics ?? false;
    this.load();
  }

  /** Writes the state file (when there is one); called after every change. */
  public save(): void {
    if (!this.stateFile) {
      return;
    }
    const persisted: PersistedState = {
      version: STATE_VERSION,
      accountId: this.scope.accountId,
      region: this.scope.region,
      accountIds: this.accounts.all.map((account) => account.accountId),
      ...this.state,
    };
    mkdirSync(dirname(this.stateFile), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a truncated file to load.
    const temporary = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(persisted, undefined, 2)}\n`);
    renameSync(temporary, this.stateFile);
  }

  public reset(): void {
    this.state = emptyState();
    this.save();
  }

  /**
   * Forgets resources whose delete has completed (and the export jobs of a
   * deleted generation job), and writes the audience file of each export job
   * seen ACTIVE for the first time (with an outputDirectory). Returns whether
   * anything changed, so the caller can persist.
   */
  public sweep(now: number): boolean {
    let changed = false;
    for (const [arn, model] of Object.entries(this.state.audienceModels)) {
      if (!this.audienceModelState(model, now)) {
        delete this.state.audienceModels[arn];
        changed = true;
      }
    }
    for (const [arn, job] of Object.entries(this.state.audienceGenerationJobs)) {
      if (!this.generationJobState(job, now)) {
        delete this.state.audienceGenerationJobs[arn];
        changed = true;
      }
    }
    for (const [id, exportJob] of Object.entries(this.state.audienceExportJobs)) {
      if (!this.state.audienceGenerationJobs[exportJob.audienceGenerationJobArn]) {
        delete this.state.audienceExportJobs[id];
        changed = true;
      }
    }
    return this.writeAudienceFiles(now) || changed;
  }

  /** Writes the audience file of every ACTIVE export job that has none yet; returns whether any was written. */
  private writeAudienceFiles(now: number): boolean {
    if (this.outputDirectory === undefined) {
      return false;
    }
    let written = false;
    for (const exportJob of this.audienceExportJobs(EVERY_ACCOUNT)) {
      if (exportJob.outputWrittenAt !== undefined || this.exportJobState(exportJob, now).status !== 'ACTIVE') {
        continue;
      }
      const generationJob = this.state.audienceGenerationJobs[exportJob.audienceGenerationJobArn];
      const seed = `${generationJob ? jobExecution(generationJob).name : exportJob.audienceGenerationJobArn}\n${exportJob.name}`;
      writeAudienceFile(this.outputDirectory, exportJob.outputLocation, seed, exportJob.audienceSize);
      exportJob.outputWrittenAt = now;
      written = true;
    }
    return written;
  }

  /** Takes the oldest matching failure request off the queue. */
  public takeFailure(resourceType: FailableResourceType, phase: FailureRequest['phase']): FailureRequest | undefined {
    const index = this.state.pendingFailures.findIndex((request) => request.resourceType === resourceType && request.phase === phase);
    return index < 0 ? undefined : this.state.pendingFailures.splice(index, 1)[0];
  }

  public newId(): string {
    return randomUUID();
  }

  /**
   * The next number of the store's creation order, which every list and page
   * token follows. Creation times cannot order records: they have millisecond
   * resolution, and a fast machine creates several records in one millisecond.
   */
  public nextSequence(): number {
    this.state.lastSequence += 1;
    return this.state.lastSequence;
  }

  public audienceModelState(record: AudienceModelRecord, now: number): LifecycleState | undefined {
    return lifecycleState(record.lifecycle, this.timings.audienceModel, now);
  }

  public generationJobState(record: AudienceGenerationJobRecord, now: number): LifecycleState | undefined {
    return lifecycleState(record.lifecycle, this.timings.audienceGenerationJob, now);
  }

  public exportJobState(record: AudienceExportJobRecord, now: number): LifecycleState {
    // Export jobs have no delete, so their lifecycle always has a status.
    return lifecycleState(record.lifecycle, this.timings.audienceExportJob, now)!;
  }

  // --- listing, oldest first: one account's records (what its calls see), or EVERY_ACCOUNT's ---

  public trainingDatasets(accountId: AccountFilter): TrainingDatasetRecord[] {
    return ownedBy(Object.values(this.state.trainingDatasets), accountId, (record) => record.arn).sort(bySequence);
  }

  public audienceModels(accountId: AccountFilter): AudienceModelRecord[] {
    return ownedBy(Object.values(this.state.audienceModels), accountId, (record) => record.arn).sort(bySequence);
  }

  public configuredAudienceModels(accountId: AccountFilter): ConfiguredAudienceModelRecord[] {
    return ownedBy(Object.values(this.state.configuredAudienceModels), accountId, (record) => record.arn).sort(bySequence);
  }

  public audienceGenerationJobs(accountId: AccountFilter): AudienceGenerationJobRecord[] {
    return ownedBy(Object.values(this.state.audienceGenerationJobs), accountId, (record) => record.arn).sort(bySequence);
  }

  /** Export jobs have no ARN: they belong to the account of the generation job copy they were started on. */
  public audienceExportJobs(accountId: AccountFilter): AudienceExportJobRecord[] {
    return ownedBy(Object.values(this.state.audienceExportJobs), accountId, (record) => record.audienceGenerationJobArn).sort(bySequence);
  }

  // --- views ---------------------------------------------------------------

  public describeTrainingDataset(record: TrainingDatasetRecord): TrainingDatasetDescription {
    return {
      trainingDatasetArn: record.arn,
      name: record.name,
      description: record.description,
      roleArn: record.roleArn,
      trainingData: record.trainingData,
      status: 'ACTIVE',
      tags: { ...record.tags },
      createTime: isoTime(record.createdAt),
      updateTime: isoTime(record.updatedAt),
    };
  }

  public describeAudienceModel(record: AudienceModelRecord, now: number): AudienceModelDescription {
    const state = this.audienceModelState(record, now) ?? gone();
    return {
      audienceModelArn: record.arn,
      name: record.name,
      description: record.description,
      trainingDatasetArn: record.trainingDatasetArn,
      trainingDataStartTime: iso(record.trainingDataStartTime),
      trainingDataEndTime: iso(record.trainingDataEndTime),
      kmsKeyArn: record.kmsKeyArn,
      status: state.status,
      statusDetails: state.statusDetails,
      // Only on request: AWS's model dropped GetAudienceModel's metrics in 2024. They exist once
      // training has finished, and stay while a delete runs.
      metrics: this.legacyAudienceModelMetrics && hasCompletedCreate(record.lifecycle, state, this.timings.audienceModel)
        ? audienceModelMetrics(record.arn)
        : undefined,
      tags: { ...record.tags },
      createTime: isoTime(record.lifecycle.createdAt),
      updateTime: isoTime(state.since),
    };
  }

  public describeConfiguredAudienceModel(record: ConfiguredAudienceModelRecord): ConfiguredAudienceModelDescription {
    return {
      configuredAudienceModelArn: record.arn,
      name: record.name,
      description: record.description,
      audienceModelArn: record.audienceModelArn,
      outputConfig: record.outputConfig,
      sharedAudienceMetrics: record.sharedAudienceMetrics,
      minMatchingSeedSize: record.minMatchingSeedSize,
      audienceSizeConfig: record.audienceSizeConfig,
      childResourceTagOnCreatePolicy: record.childResourceTagOnCreatePolicy,
      status: 'ACTIVE',
      tags: { ...record.tags },
      createTime: isoTime(record.createdAt),
      updateTime: isoTime(record.updatedAt),
    };
  }

  public describeAudienceGenerationJob(record: AudienceGenerationJobRecord, now: number): AudienceGenerationJobDescription {
    const state = this.generationJobState(record, now) ?? gone();
    return {
      audienceGenerationJobArn: record.arn,
      name: record.name,
      description: record.description,
      configuredAudienceModelArn: record.configuredAudienceModelArn,
      seedAudience: record.seedAudience,
      includeSeedInOutput: record.includeSeedInOutput,
      collaborationId: record.collaborationId,
      startedBy: record.startedBy ?? accountOf(record.arn)!,
      status: state.status,
      statusDetails: state.statusDetails,
      metrics: hasCompletedCreate(record.lifecycle, state, this.timings.audienceGenerationJob)
        ? {
          relevanceMetrics: relevanceMetrics(jobExecution(record).arn, record.audienceSizeConfig),
          recallMetric: recallMetric(jobExecution(record).arn),
        }
        : undefined,
      protectedQueryIdentifier: record.protectedQueryIdentifier,
      tags: { ...record.tags },
      createTime: isoTime(record.lifecycle.createdAt),
      updateTime: isoTime(state.since),
    };
  }

  public describeAudienceExportJob(record: AudienceExportJobRecord, now: number): AudienceExportJobDescription {
    const state = this.exportJobState(record, now);
    return {
      name: record.name,
      description: record.description,
      audienceGenerationJobArn: record.audienceGenerationJobArn,
      audienceSize: record.audienceSize,
      outputLocation: state.status === 'ACTIVE' ? record.outputLocation : undefined,
      status: state.status,
      statusDetails: state.statusDetails,
      createTime: isoTime(record.lifecycle.createdAt),
      updateTime: isoTime(state.since),
    };
  }

  /** Every account's records (their ARNs tell the account). */
  public inventory(now: number): EmulatorInventory {
    return {
      accountId: this.scope.accountId,
      region: this.scope.region,
      trainingDatasets: this.trainingDatasets(EVERY_ACCOUNT).map((record) => this.describeTrainingDataset(record)),
      audienceModels: this.audienceModels(EVERY_ACCOUNT).map((record) => this.describeAudienceModel(record, now)),
      configuredAudienceModels: this.configuredAudienceModels(EVERY_ACCOUNT).map((record) => ({
        ...this.describeConfiguredAudienceModel(record),
        policy: record.policy && { configuredAudienceModelPolicy: record.policy.document, policyHash: record.policy.hash },
      })),
      audienceGenerationJobs: this.audienceGenerationJobs(EVERY_ACCOUNT).map((record) => this.describeAudienceGenerationJob(record, now)),
      audienceExportJobs: this.audienceExportJobs(EVERY_ACCOUNT).map((record) => this.describeAudienceExportJob(record, now)),
      ...cleanRoomsInventory(this.state),
    };
  }

  private load(): void {
    if (!this.stateFile || !existsSync(this.stateFile)) {
      return;
    }
    const persisted = JSON.parse(readFileSync(this.stateFile, 'utf-8')) as PersistedState;
    if (persisted.version !== 1 && persisted.version !== 2 && persisted.version !== STATE_VERSION) {
      throw new Error(`${this.stateFile}: unsupported emulator state version ${String(persisted.version)}`);
    }
    if (persisted.accountId !== this.scope.accountId || persisted.region !== this.scope.region) {
      // Its ARNs name another account or region and could never be found here.
      throw new Error(
        `${this.stateFile} holds the state of account ${persisted.accountId} in ${persisted.region}; `
        + `this emulator serves account ${this.scope.accountId} in ${this.scope.region}`,
      );
    }
    const fresh = emptyState();
    this.state = {
      trainingDatasets: persisted.trainingDatasets ?? fresh.trainingDatasets,
      audienceModels: persisted.audienceModels ?? fresh.audienceModels,
      configuredAudienceModels: persisted.configuredAudienceModels ?? fresh.configuredAudienceModels,
      audienceGenerationJobs: persisted.audienceGenerationJobs ?? fresh.audienceGenerationJobs,
      audienceExportJobs: persisted.audienceExportJobs ?? fresh.audienceExportJobs,
      collaborations: persisted.collaborations ?? fresh.collaborations,
      memberships: persisted.memberships ?? fresh.memberships,
      configuredAudienceModelAssociations: persisted.configuredAudienceModelAssociations ?? fresh.configuredAudienceModelAssociations,
      pendingFailures: persisted.pendingFailures ?? fresh.pendingFailures,
      lastSequence: persisted.lastSequence ?? fresh.lastSequence,
    };
    if (persisted.version === 1) {
      this.numberVersion1Records();
    }
    this.requireKnownAccounts();
  }

  /**
   * The records of an account this emulator does not serve could never be
   * reached, yet would linger in the inventory and the file: refuse the file
   * instead, naming the accounts to configure.
   */
  private requireKnownAccounts(): void {
    const arns = [
      ...Object.keys(this.state.trainingDatasets),
      ...Object.keys(this.state.audienceModels),
      ...Object.keys(this.state.configuredAudienceModels),
      ...Object.keys(this.state.audienceGenerationJobs),
      ...Object.values(this.state.audienceExportJobs).map((record) => record.audienceGenerationJobArn),
    ];
    const unknown = [...new Set(arns.map((arn) => accountOf(arn)).filter((id): id is string => id !== undefined && !this.accounts.has(id)))];
    if (unknown.length > 0) {
      throw new Error(
        `${this.stateFile} holds resources of account${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, `
        + `which this emulator does not serve (it serves ${this.accounts.all.map((account) => account.accountId).join(', ')}); `
        + 'add them to the accounts option, or use another state file',
      );
    }
  }

  /** Gives the records of a version 1 state file (which had no sequence) their creation order, oldest first. */
  private numberVersion1Records(): void {
    const entries = [
      ...Object.values(this.state.trainingDatasets).map((record) => ({ record, createdAt: record.createdAt, key: record.arn })),
      ...Object.values(this.state.audienceModels).map((record) => ({ record, createdAt: record.lifecycle.createdAt, key: record.arn })),
      ...Object.values(this.state.configuredAudienceModels).map((record) => ({ record, createdAt: record.createdAt, key: record.arn })),
      ...Object.values(this.state.audienceGenerationJobs).map((record) => ({ record, createdAt: record.lifecycle.createdAt, key: record.arn })),
      ...Object.values(this.state.audienceExportJobs).map((record) => ({ record, createdAt: record.lifecycle.createdAt, key: record.id })),
    ];
    entries.sort((a, b) => a.createdAt - b.createdAt || a.key.localeCompare(b.key));
    for (const { record } of entries) {
      (record as { sequence: number }).sequence = this.nextSequence();
    }
  }
}

/** A record whose delete completed is swept before anyone can look at it; describing one anyway is a bug. */
function gone(): never {
  throw new Error('Described a resource whose delete has completed; sweep the store first');
}

/** Whether the create reached ACTIVE (results stay visible while a later delete runs). */
function hasCompletedCreate(lifecycle: Lifecycle, state: LifecycleState, timings: CreateTimings): boolean {
  if (state.status === 'ACTIVE') {
    return true;
  }
  const activeFrom = lifecycle.createdAt + timings.createPendingMs + timings.createInProgressMs;
  return !lifecycle.createFailure && lifecycle.deleteRequestedAt !== undefined && lifecycle.deleteRequestedAt >= activeFrom;
}
