import * as fs from 'node:fs';
import * as path from 'node:path';
import * as api from '../../../src/handlers/api';

const REFERENCE = fs.readFileSync(path.join(__dirname, '../../fixtures/cleanroomsml-api.txt'), 'utf8');

const ENUMS: Record<string, readonly string[]> = {
  COLUMN_TYPES: api.COLUMN_TYPES,
  DATASET_TYPES: api.DATASET_TYPES,
  TRAINING_DATASET_STATUSES: api.TRAINING_DATASET_STATUSES,
  AUDIENCE_MODEL_STATUSES: api.AUDIENCE_MODEL_STATUSES,
  AUDIENCE_MODEL_METRIC_TYPES: api.AUDIENCE_MODEL_METRIC_TYPES,
  CONFIGURED_AUDIENCE_MODEL_STATUSES: api.CONFIGURED_AUDIENCE_MODEL_STATUSES,
  AUDIENCE_GENERATION_JOB_STATUSES: api.AUDIENCE_GENERATION_JOB_STATUSES,
  AUDIENCE_EXPORT_JOB_STATUSES: api.AUDIENCE_EXPORT_JOB_STATUSES,
  AUDIENCE_SIZE_TYPES: api.AUDIENCE_SIZE_TYPES,
  SHARED_AUDIENCE_METRICS: api.SHARED_AUDIENCE_METRICS,
  TAG_ON_CREATE_POLICIES: api.TAG_ON_CREATE_POLICIES,
  POLICY_EXISTENCE_CONDITIONS: api.POLICY_EXISTENCE_CONDITIONS,
};

test.each(Object.entries(ENUMS))('%s lists the values of the API reference, in its order', (_, values) => {
  expect(REFERENCE).toContain(values.map((value) => `'${value}'`).join('|'));
});

test('every enumeration of the API reference has its value list', () => {
  const enumerations = new Set(REFERENCE.match(/'[A-Z_]+'(\|'[A-Z_]+')+/g));
  const declared = new Set(Object.values(ENUMS).map((values) => values.map((value) => `'${value}'`).join('|')));

  expect([...enumerations].filter((enumeration) => !declared.has(enumeration))).toEqual([]);
});
