import * as fs from 'node:fs';
import * as path from 'node:path';
import * as types from '../../src/client/types';
import { modelShape } from '../fixtures/cleanroomsml-model';

/** Each value list the client exports, and the model's enum shape it stands for. */
const MODEL_ENUMS: Readonly<Record<string, string>> = {
  COLUMN_TYPES: 'ColumnType',
  DATASET_TYPES: 'DatasetType',
  TRAINING_DATASET_STATUSES: 'TrainingDatasetStatus',
  AUDIENCE_MODEL_STATUSES: 'AudienceModelStatus',
  CONFIGURED_AUDIENCE_MODEL_STATUSES: 'ConfiguredAudienceModelStatus',
  AUDIENCE_GENERATION_JOB_STATUSES: 'AudienceGenerationJobStatus',
  AUDIENCE_EXPORT_JOB_STATUSES: 'AudienceExportJobStatus',
  AUDIENCE_SIZE_TYPES: 'AudienceSizeType',
  SHARED_AUDIENCE_METRICS: 'SharedAudienceMetrics',
  TAG_ON_CREATE_POLICIES: 'TagOnCreatePolicy',
  POLICY_EXISTENCE_CONDITIONS: 'PolicyExistenceCondition',
  WORKER_COMPUTE_TYPES: 'WorkerComputeType',
};

/** Value lists of members the current model no longer has (GetAudienceModel's `metrics`): held against the older API text. */
const OLDER_TEXT_ENUMS: Readonly<Record<string, string>> = {
  AUDIENCE_MODEL_METRIC_TYPES: 'GetAudienceModel metrics[].type',
};

const OLDER_TEXT = fs.readFileSync(path.join(__dirname, '../fixtures/cleanroomsml-api.txt'), 'utf8');

const exported = Object.entries(types)
  .filter(([, value]) => Array.isArray(value) && value.every((item) => typeof item === 'string')) as Array<[string, readonly string[]]>;

test('every value list the client exports is held against the model or, when the model dropped it, the older text', () => {
  expect(exported.map(([name]) => name).sort()).toEqual([...Object.keys(MODEL_ENUMS), ...Object.keys(OLDER_TEXT_ENUMS)].sort());
});

test.each(Object.entries(MODEL_ENUMS))('%s lists the values of the model\'s %s, in its order', (name, shapeName) => {
  expect((types as unknown as Record<string, readonly string[]>)[name]).toEqual(modelShape(shapeName).enum);
});

test.each(Object.keys(OLDER_TEXT_ENUMS))('%s lists the values of the older API text, in its order', (name) => {
  const values = (types as unknown as Record<string, readonly string[]>)[name];

  expect(OLDER_TEXT).toContain(values.map((value) => `'${value}'`).join('|'));
});
