/**
 * Input and output shapes of the Clean Rooms ML API (cleanroomsml 2023-09-06),
 * named as in the AWS SDK for JavaScript v3 (`<Operation>Request` /
 * `<Operation>Response`) so the official client can replace this one without
 * touching callers. Optional members follow the published model's `required`
 * lists; timestamps are `Date`. test/client/shapes.test.ts reads these
 * declarations with the compiler and holds them, member by member, against
 * AWS's current model (spec/cleanroomsml-2023-09-06).
 */

// Enums: each value list is exported so the emulator and tests validate
// against the same values the types allow.

export const COLUMN_TYPES = ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'CATEGORICAL_FEATURE', 'NUMERICAL_FEATURE'] as const;
export type ColumnType = typeof COLUMN_TYPES[number];

export const DATASET_TYPES = ['INTERACTIONS'] as const;
export type DatasetType = typeof DATASET_TYPES[number];

export const TRAINING_DATASET_STATUSES = ['ACTIVE'] as const;
export type TrainingDatasetStatus = typeof TRAINING_DATASET_STATUSES[number];

export const AUDIENCE_MODEL_STATUSES = [
  'CREATE_PENDING',
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'ACTIVE',
  'DELETE_PENDING',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
] as const;
export type AudienceModelStatus = typeof AUDIENCE_MODEL_STATUSES[number];

export const AUDIENCE_MODEL_METRIC_TYPES = [
  'NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN',
  'MEAN_RECIPROCAL_RANK',
  'PRECISION',
  'RECALL',
] as const;
export type AudienceModelMetricType = typeof AUDIENCE_MODEL_METRIC_TYPES[number];

export const CONFIGURED_AUDIENCE_MODEL_STATUSES = ['ACTIVE'] as const;
export type ConfiguredAudienceModelStatus = typeof CONFIGURED_AUDIENCE_MODEL_STATUSES[number];

export const AUDIENCE_GENERATION_JOB_STATUSES = [
  'CREATE_PENDING',
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'ACTIVE',
  'DELETE_PENDING',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
] as const;
export type AudienceGenerationJobStatus = typeof AUDIENCE_GENERATION_JOB_STATUSES[number];

export const AUDIENCE_EXPORT_JOB_STATUSES = ['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'CREATE_FAILED', 'ACTIVE'] as const;
export type AudienceExportJobStatus = typeof AUDIENCE_EXPORT_JOB_STATUSES[number];

export const AUDIENCE_SIZE_TYPES = ['ABSOLUTE', 'PERCENTAGE'] as const;
export type AudienceSizeType = typeof AUDIENCE_SIZE_TYPES[number];

export const SHARED_AUDIENCE_METRICS = ['ALL', 'NONE'] as const;
export type SharedAudienceMetrics = typeof SHARED_AUDIENCE_METRICS[number];

export const TAG_ON_CREATE_POLICIES = ['FROM_PARENT_RESOURCE', 'NONE'] as const;
export type TagOnCreatePolicy = typeof TAG_ON_CREATE_POLICIES[number];

/** Worker sizes of the Clean Rooms SQL compute that runs a seed audience query. */
export const WORKER_COMPUTE_TYPES = ['CR.1X', 'CR.4X', 'CR.8X'] as const;
export type WorkerComputeType = typeof WORKER_COMPUTE_TYPES[number];

export const POLICY_EXISTENCE_CONDITIONS = ['POLICY_MUST_EXIST', 'POLICY_MUST_NOT_EXIST'] as const;
export type PolicyExistenceCondition = typeof POLICY_EXISTENCE_CONDITIONS[number];

/** Tag key → value. */
export type TagMap = Record<string, string>;

// Nested shapes

export interface StatusDetails {
  statusCode?: string;
  message?: string;
}

export interface S3ConfigMap {
  s3Uri: string;
}

export interface GlueDataSource {
  tableName: string;
  databaseName: string;
  catalogId?: string;
}

export interface DataSource {
  glueDataSource: GlueDataSource;
}

export interface ColumnSchema {
  columnName: string;
  columnTypes: ColumnType[];
}

export interface DatasetInputConfig {
  schema: ColumnSchema[];
  dataSource: DataSource;
}

export interface Dataset {
  type: DatasetType;
  inputConfig: DatasetInputConfig;
}

export interface AudienceDestination {
  s3Destination: S3ConfigMap;
}

export interface ConfiguredAudienceModelOutputConfig {
  destination: AudienceDestination;
  roleArn: string;
}

export interface AudienceSizeConfig {
  audienceSizeType: AudienceSizeType;
  audienceSizeBins: number[];
}

export interface AudienceSize {
  type: AudienceSizeType;
  value: number;
}

/** A Clean Rooms protected query that produces the seed audience. Sensitive: never log it. */
export interface ProtectedQuerySQLParameters {
  queryString?: string;
  analysisTemplateArn?: string;
  parameters?: Record<string, string>;
}

/** A union: exactly one member is set. */
export interface WorkerComputeConfigurationProperties {
  /** Spark properties of the query engine (at most 50). */
  spark?: Record<string, string>;
}

/** The workers of the SQL compute; each member is optional and the service picks a default for it. */
export interface WorkerComputeConfiguration {
  type?: WorkerComputeType;
  /** 2–1024. */
  number?: number;
  properties?: WorkerComputeConfigurationProperties;
}

/** A union: exactly one member is set. */
export interface ComputeConfiguration {
  worker?: WorkerComputeConfiguration;
}

/** The seed audience of a generation job: an S3 location or a protected SQL query. */
export interface AudienceGenerationJobDataSource {
  dataSource?: S3ConfigMap;
  roleArn: string;
  sqlParameters?: ProtectedQuerySQLParameters;
  /** The compute that runs `sqlParameters`' query (only with `sqlParameters`). */
  sqlComputeConfiguration?: ComputeConfiguration;
}

export interface RelevanceMetric {
  audienceSize: AudienceSize;
  score?: number;
}

export interface AudienceQualityMetrics {
  relevanceMetrics: RelevanceMetric[];
  recallMetric?: number;
}

/**
 * Reported by GetAudienceModel in the older API text only: AWS's current model
 * (spec/cleanroomsml-2023-09-06) has no such member, so the service no longer returns it.
 */
export interface AudienceModelMetric {
  type: AudienceModelMetricType;
  forTopKItemPredictions: number;
  value: number;
}

export interface TrainingDatasetSummary {
  createTime: Date;
  updateTime: Date;
  trainingDatasetArn: string;
  name: string;
  status: TrainingDatasetStatus;
  description?: string;
}

export interface AudienceModelSummary {
  createTime: Date;
  updateTime: Date;
  audienceModelArn: string;
  name: string;
  trainingDatasetArn: string;
  status: AudienceModelStatus;
  description?: string;
}

export interface ConfiguredAudienceModelSummary {
  createTime: Date;
  updateTime: Date;
  name: string;
  audienceModelArn: string;
  outputConfig: ConfiguredAudienceModelOutputConfig;
  description?: string;
  configuredAudienceModelArn: string;
  status: ConfiguredAudienceModelStatus;
}

export interface AudienceGenerationJobSummary {
  createTime: Date;
  updateTime: Date;
  audienceGenerationJobArn: string;
  name: string;
  description?: string;
  status: AudienceGenerationJobStatus;
  configuredAudienceModelArn: string;
  collaborationId?: string;
  startedBy?: string;
}

export interface AudienceExportJobSummary {
  createTime: Date;
  updateTime: Date;
  name: string;
  audienceGenerationJobArn: string;
  audienceSize: AudienceSize;
  description?: string;
  status: AudienceExportJobStatus;
  statusDetails?: StatusDetails;
  outputLocation?: string;
}

/** The reply of the operations whose model declares no output members. */
export type EmptyResponse = Record<string, never>;

/** The request members every list operation shares. */
export interface PaginatedRequest {
  nextToken?: string;
  maxResults?: number;
}

// Training datasets

export interface CreateTrainingDatasetRequest {
  name: string;
  roleArn: string;
  trainingData: Dataset[];
  tags?: TagMap;
  description?: string;
}

export interface CreateTrainingDatasetResponse {
  trainingDatasetArn: string;
}

export interface GetTrainingDatasetRequest {
  trainingDatasetArn: string;
}

export interface GetTrainingDatasetResponse {
  createTime: Date;
  updateTime: Date;
  trainingDatasetArn: string;
  name: string;
  trainingData: Dataset[];
  status: TrainingDatasetStatus;
  roleArn: string;
  tags?: TagMap;
  description?: string;
}

export interface ListTrainingDatasetsRequest extends PaginatedRequest {}

export interface ListTrainingDatasetsResponse {
  nextToken?: string;
  trainingDatasets: TrainingDatasetSummary[];
}

export interface DeleteTrainingDatasetRequest {
  trainingDatasetArn: string;
}

export type DeleteTrainingDatasetResponse = EmptyResponse;

// Audience models

export interface CreateAudienceModelRequest {
  trainingDataStartTime?: Date;
  trainingDataEndTime?: Date;
  name: string;
  trainingDatasetArn: string;
  kmsKeyArn?: string;
  tags?: TagMap;
  description?: string;
}

export interface CreateAudienceModelResponse {
  audienceModelArn: string;
}

export interface GetAudienceModelRequest {
  audienceModelArn: string;
}

export interface GetAudienceModelResponse {
  createTime: Date;
  updateTime: Date;
  trainingDataStartTime?: Date;
  trainingDataEndTime?: Date;
  audienceModelArn: string;
  name: string;
  trainingDatasetArn: string;
  status: AudienceModelStatus;
  statusDetails?: StatusDetails;
  /** No longer returned: in the older API text only, not in AWS's current model. Kept so older replies still type-check. */
  metrics?: AudienceModelMetric[];
  kmsKeyArn?: string;
  tags?: TagMap;
  description?: string;
}

export interface ListAudienceModelsRequest extends PaginatedRequest {}

export interface ListAudienceModelsResponse {
  nextToken?: string;
  audienceModels: AudienceModelSummary[];
}

export interface DeleteAudienceModelRequest {
  audienceModelArn: string;
}

export type DeleteAudienceModelResponse = EmptyResponse;

// Configured audience models and their resource policy

export interface CreateConfiguredAudienceModelRequest {
  name: string;
  audienceModelArn: string;
  outputConfig: ConfiguredAudienceModelOutputConfig;
  description?: string;
  sharedAudienceMetrics: SharedAudienceMetrics[];
  minMatchingSeedSize?: number;
  audienceSizeConfig?: AudienceSizeConfig;
  tags?: TagMap;
  childResourceTagOnCreatePolicy?: TagOnCreatePolicy;
}

export interface CreateConfiguredAudienceModelResponse {
  configuredAudienceModelArn: string;
}

export interface GetConfiguredAudienceModelRequest {
  configuredAudienceModelArn: string;
}

export interface GetConfiguredAudienceModelResponse {
  createTime: Date;
  updateTime: Date;
  configuredAudienceModelArn: string;
  name: string;
  audienceModelArn: string;
  outputConfig: ConfiguredAudienceModelOutputConfig;
  description?: string;
  status: ConfiguredAudienceModelStatus;
  sharedAudienceMetrics: SharedAudienceMetrics[];
  minMatchingSeedSize?: number;
  audienceSizeConfig?: AudienceSizeConfig;
  tags?: TagMap;
  childResourceTagOnCreatePolicy?: TagOnCreatePolicy;
}

export interface UpdateConfiguredAudienceModelRequest {
  configuredAudienceModelArn: string;
  outputConfig?: ConfiguredAudienceModelOutputConfig;
  audienceModelArn?: string;
  sharedAudienceMetrics?: SharedAudienceMetrics[];
  minMatchingSeedSize?: number;
  audienceSizeConfig?: AudienceSizeConfig;
  description?: string;
}

export interface UpdateConfiguredAudienceModelResponse {
  configuredAudienceModelArn: string;
}

export interface ListConfiguredAudienceModelsRequest extends PaginatedRequest {}

export interface ListConfiguredAudienceModelsResponse {
  nextToken?: string;
  configuredAudienceModels: ConfiguredAudienceModelSummary[];
}

export interface DeleteConfiguredAudienceModelRequest {
  configuredAudienceModelArn: string;
}

export type DeleteConfiguredAudienceModelResponse = EmptyResponse;

export interface PutConfiguredAudienceModelPolicyRequest {
  configuredAudienceModelArn: string;
  configuredAudienceModelPolicy: string;
  previousPolicyHash?: string;
  policyExistenceCondition?: PolicyExistenceCondition;
}

export interface PutConfiguredAudienceModelPolicyResponse {
  configuredAudienceModelPolicy: string;
  policyHash: string;
}

export interface GetConfiguredAudienceModelPolicyRequest {
  configuredAudienceModelArn: string;
}

export interface GetConfiguredAudienceModelPolicyResponse {
  configuredAudienceModelArn: string;
  configuredAudienceModelPolicy: string;
  policyHash: string;
}

export interface DeleteConfiguredAudienceModelPolicyRequest {
  configuredAudienceModelArn: string;
}

export type DeleteConfiguredAudienceModelPolicyResponse = EmptyResponse;

// Audience generation and export jobs

export interface StartAudienceGenerationJobRequest {
  name: string;
  configuredAudienceModelArn: string;
  seedAudience: AudienceGenerationJobDataSource;
  includeSeedInOutput?: boolean;
  collaborationId?: string;
  description?: string;
  tags?: TagMap;
}

export interface StartAudienceGenerationJobResponse {
  audienceGenerationJobArn: string;
}

export interface GetAudienceGenerationJobRequest {
  audienceGenerationJobArn: string;
}

export interface GetAudienceGenerationJobResponse {
  createTime: Date;
  updateTime: Date;
  audienceGenerationJobArn: string;
  name: string;
  description?: string;
  status: AudienceGenerationJobStatus;
  statusDetails?: StatusDetails;
  configuredAudienceModelArn: string;
  seedAudience?: AudienceGenerationJobDataSource;
  includeSeedInOutput?: boolean;
  collaborationId?: string;
  metrics?: AudienceQualityMetrics;
  startedBy?: string;
  tags?: TagMap;
  protectedQueryIdentifier?: string;
}

export interface ListAudienceGenerationJobsRequest extends PaginatedRequest {
  configuredAudienceModelArn?: string;
  collaborationId?: string;
}

export interface ListAudienceGenerationJobsResponse {
  nextToken?: string;
  audienceGenerationJobs: AudienceGenerationJobSummary[];
}

export interface DeleteAudienceGenerationJobRequest {
  audienceGenerationJobArn: string;
}

export type DeleteAudienceGenerationJobResponse = EmptyResponse;

export interface StartAudienceExportJobRequest {
  name: string;
  audienceGenerationJobArn: string;
  audienceSize: AudienceSize;
  description?: string;
}

export type StartAudienceExportJobResponse = EmptyResponse;

export interface ListAudienceExportJobsRequest extends PaginatedRequest {
  audienceGenerationJobArn?: string;
}

export interface ListAudienceExportJobsResponse {
  nextToken?: string;
  audienceExportJobs: AudienceExportJobSummary[];
}

// Tags

export interface TagResourceRequest {
  resourceArn: string;
  tags: TagMap;
}

export type TagResourceResponse = EmptyResponse;

export interface UntagResourceRequest {
  resourceArn: string;
  tagKeys: string[];
}

export type UntagResourceResponse = EmptyResponse;

export interface ListTagsForResourceRequest {
  resourceArn: string;
}

export interface ListTagsForResourceResponse {
  tags: TagMap;
}

/** Request and response type of every operation, keyed by operation name. */
export interface OperationShapes {
  CreateAudienceModel: { input: CreateAudienceModelRequest; output: CreateAudienceModelResponse };
  CreateConfiguredAudienceModel: { input: CreateConfiguredAudienceModelRequest; output: CreateConfiguredAudienceModelResponse };
  CreateTrainingDataset: { input: CreateTrainingDatasetRequest; output: CreateTrainingDatasetResponse };
  DeleteAudienceGenerationJob: { input: DeleteAudienceGenerationJobRequest; output: DeleteAudienceGenerationJobResponse };
  DeleteAudienceModel: { input: DeleteAudienceModelRequest; output: DeleteAudienceModelResponse };
  DeleteConfiguredAudienceModel: { input: DeleteConfiguredAudienceModelRequest; output: DeleteConfiguredAudienceModelResponse };
  DeleteConfiguredAudienceModelPolicy: { input: DeleteConfiguredAudienceModelPolicyRequest; output: DeleteConfiguredAudienceModelPolicyResponse };
  DeleteTrainingDataset: { input: DeleteTrainingDatasetRequest; output: DeleteTrainingDatasetResponse };
  GetAudienceGenerationJob: { input: GetAudienceGenerationJobRequest; output: GetAudienceGenerationJobResponse };
  GetAudienceModel: { input: GetAudienceModelRequest; output: GetAudienceModelResponse };
  GetConfiguredAudienceModel: { input: GetConfiguredAudienceModelRequest; output: GetConfiguredAudienceModelResponse };
  GetConfiguredAudienceModelPolicy: { input: GetConfiguredAudienceModelPolicyRequest; output: GetConfiguredAudienceModelPolicyResponse };
  GetTrainingDataset: { input: GetTrainingDatasetRequest; output: GetTrainingDatasetResponse };
  ListAudienceExportJobs: { input: ListAudienceExportJobsRequest; output: ListAudienceExportJobsResponse };
  ListAudienceGenerationJobs: { input: ListAudienceGenerationJobsRequest; output: ListAudienceGenerationJobsResponse };
  ListAudienceModels: { input: ListAudienceModelsRequest; output: ListAudienceModelsResponse };
  ListConfiguredAudienceModels: { input: ListConfiguredAudienceModelsRequest; output: ListConfiguredAudienceModelsResponse };
  ListTagsForResource: { input: ListTagsForResourceRequest; output: ListTagsForResourceResponse };
  ListTrainingDatasets: { input: ListTrainingDatasetsRequest; output: ListTrainingDatasetsResponse };
  PutConfiguredAudienceModelPolicy: { input: PutConfiguredAudienceModelPolicyRequest; output: PutConfiguredAudienceModelPolicyResponse };
  StartAudienceExportJob: { input: StartAudienceExportJobRequest; output: StartAudienceExportJobResponse };
  StartAudienceGenerationJob: { input: StartAudienceGenerationJobRequest; output: StartAudienceGenerationJobResponse };
  TagResource: { input: TagResourceRequest; output: TagResourceResponse };
  UntagResource: { input: UntagResourceRequest; output: UntagResourceResponse };
  UpdateConfiguredAudienceModel: { input: UpdateConfiguredAudienceModelRequest; output: UpdateConfiguredAudienceModelResponse };
}

