/**
 * The one declarative table of what every Clean Rooms ML request may carry:
 * the input members of all 25 operations with the official model's required
 * members, the reference text's enums and constraints.md's lengths, patterns,
 * ranges and cross-field rules (where the model and the user guide disagree,
 * the stricter one). `validateInput` walks a request against it and answers
 * ValidationException messages that name the field path, e.g.
 * `trainingData[0].inputConfig.schema[2].columnName must match pattern ..., got "..."`.
 *
 * Handlers never re-check what this table says; they only check what needs
 * state (existence, names, dependencies, quotas).
 */
import { ServiceError, validationError } from './errors';
import type { OperationName } from '../../handlers/api/operations';

export interface StringConstraint {
  readonly kind: 'string';
  /** Inclusive bounds on the number of Unicode code points. */
  readonly length?: readonly [number, number];
  /** Tested against the whole value. */
  readonly pattern?: RegExp;
  /** The pattern as the service documents it, for messages. */
  readonly patternText?: string;
  readonly oneOf?: readonly string[];
  /** The value must parse as this format. */
  readonly format?: 'json';
  readonly rules?: readonly CrossFieldRule[];
}

export interface IntegerConstraint {
  readonly kind: 'integer';
  readonly range?: readonly [number, number];
  readonly rules?: readonly CrossFieldRule[];
}

export interface BooleanConstraint {
  readonly kind: 'boolean';
  readonly rules?: readonly CrossFieldRule[];
}

/** ISO-8601 text (what restJson1 sends) or epoch seconds. */
export interface TimestampConstraint {
  readonly kind: 'timestamp';
  readonly rules?: readonly CrossFieldRule[];
}

export interface ListConstraint {
  readonly kind: 'list';
  readonly member: Constraint;
  readonly size?: readonly [number, number];
  readonly rules?: readonly CrossFieldRule[];
}

export interface MapConstraint {
  readonly kind: 'map';
  readonly key: StringConstraint;
  readonly value: Constraint;
  readonly size?: readonly [number, number];
  readonly rules?: readonly CrossFieldRule[];
}

export interface StructureConstraint {
  readonly kind: 'structure';
  readonly members: Readonly<Record<string, Constraint>>;
  readonly required?: readonly string[];
  readonly rules?: readonly CrossFieldRule[];
}

export type Constraint =
  | StringConstraint
  | IntegerConstraint
  | BooleanConstraint
  | TimestampConstraint
  | ListConstraint
  | MapConstraint
  | StructureConstraint;

/**
 * A rule over a whole value (several members, or list items together). It
 * runs only when the value itself passed its member constraints, so it may
 * rely on their types. Returns one message per violation.
 */
export type CrossFieldRule = (value: any, path: string) => string[];

// ---------------------------------------------------------------------------
// Building blocks (constraints.md "Field constraints")
// ---------------------------------------------------------------------------

const string = (options: Omit<StringConstraint, 'kind'> = {}): StringConstraint => ({ kind: 'string', ...options });
const integer = (range?: readonly [number, number], rules?: readonly CrossFieldRule[]): IntegerConstraint => ({ kind: 'integer', range, rules });
const list = (member: Constraint, size?: readonly [number, number], rules?: readonly CrossFieldRule[]): ListConstraint => ({ kind: 'list', member, size, rules });
const structure = (
  members: Record<string, Constraint>,
  required: readonly string[] = [],
  rules?: readonly CrossFieldRule[],
): StructureConstraint => ({ kind: 'structure', members, required, rules });
const enumOf = (...values: string[]): StringConstraint => string({ oneOf: values });
const BOOLEAN: BooleanConstraint = { kind: 'boolean' };
const TIMESTAMP: TimestampConstraint = { kind: 'timestamp' };

const NAME = string({
  length: [1, 63],
  pattern: /^(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF\t]*$/,
  patternText: String.raw`(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t]* (not only white space; printable characters and tab)`,
});

const DESCRIPTION = string({
  length: [0, 255],
  pattern: /^[\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF\t\r\n]*$/,
  patternText: String.raw`[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t\r\n]* (printable characters, tab, CR, LF)`,
});

/** Any Clean Rooms ML resource ARN; which type it must be is decided on look-up (ResourceNotFoundException). */
export const CLEAN_ROOMS_ML_ARN = string({
  length: [20, 2048],
  pattern: /^arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:[-a-z]+\/[-a-zA-Z0-9_/.]+$/,
  patternText: 'arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:<resource-type>/[-a-zA-Z0-9_/.]+',
});

/** Must also be in the caller's account; that needs the account and is checked by the handlers (AccessDeniedException). */
export const ROLE_ARN = string({
  length: [20, 2048],
  pattern: /^arn:aws[-a-z]*:iam::[0-9]{12}:role\/.+$/,
  patternText: 'arn:aws[-a-z]*:iam::[0-9]{12}:role/.+',
});

const KMS_KEY_ARN = string({
  length: [20, 2048],
  pattern: /^arn:aws[-a-z]*:kms:[-a-z0-9]+:[0-9]{12}:key\/.+$/,
  patternText: 'arn:aws[-a-z]*:kms:[-a-z0-9]+:[0-9]{12}:key/.+',
});

const S3_URI = string({ length: [1, 1285], pattern: /^s3:\/\/.+$/, patternText: 's3://.+' });

const COLLABORATION_ID = string({
  length: [36, 36],
  pattern: /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/,
  patternText: '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}',
});

const GLUE_NAME_WITH_SPACES = {
  pattern: /^[a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?$/,
  patternText: '[a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?',
};

const COLUMN_TYPES = ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'CATEGORICAL_FEATURE', 'NUMERICAL_FEATURE'] as const;
const FEATURE_COLUMN_TYPES: readonly string[] = ['CATEGORICAL_FEATURE', 'NUMERICAL_FEATURE'];
const MAX_FEATURE_COLUMNS = 10;
export const MAX_TAGS_PER_RESOURCE = 50;
const RESERVED_TAG_KEY = /^aws:/i;

/** Tags the emulator reads to fail a resource's create or delete on request (see index.ts). */
export const FAIL_TAG = 'emulator:fail';
export const FAIL_MESSAGE_TAG = 'emulator:fail-message';
export const FAIL_TAG_VALUES = ['CREATE', 'DELETE'] as const;

const TAG_KEY = string({ length: [1, 128] });
const TAG_VALUE = string({ length: [0, 256] });

const reservedTagKeyRule = (key: string, path: string): string[] =>
  RESERVED_TAG_KEY.test(key) ? [`${path} key "${key}" is reserved: tag keys starting with aws: (in any case) are for AWS use`] : [];

const TAGS: MapConstraint = {
  kind: 'map',
  key: TAG_KEY,
  value: TAG_VALUE,
  size: [0, MAX_TAGS_PER_RESOURCE],
  rules: [
    (tags: Record<string, string>, path) => Object.keys(tags).flatMap((key) => reservedTagKeyRule(key, path)),
    (tags: Record<string, string>, path) => {
      const failOn = tags[FAIL_TAG];
      return failOn === undefined || (FAIL_TAG_VALUES as readonly string[]).includes(failOn)
        ? []
        : [`${path}["${FAIL_TAG}"] must be one of ${FAIL_TAG_VALUES.join(', ')}, got "${failOn}"`];
    },
  ],
};

const TAG_KEYS = list(TAG_KEY, [0, 200], [
  (keys: string[], path) => keys.flatMap((key, index) => reservedTagKeyRule(key, `${path}[${index}]`)),
]);

const schemaRules: CrossFieldRule[] = [
  (columns: Array<{ columnName: string; columnTypes: string[] }>, path) => {
    const violations: string[] = [];
    for (const required of ['USER_ID', 'ITEM_ID', 'TIMESTAMP']) {
      const count = columns.filter((column) => column.columnTypes.includes(required)).length;
      if (count !== 1) {
        violations.push(`${path} must have exactly one ${required} column, got ${count}`);
      }
    }
    const features = columns.filter((column) => column.columnTypes.some((type) => FEATURE_COLUMN_TYPES.includes(type))).length;
    if (features > MAX_FEATURE_COLUMNS) {
      violations.push(`${path} must have at most ${MAX_FEATURE_COLUMNS} CATEGORICAL_FEATURE or NUMERICAL_FEATURE columns, got ${features}`);
    }
    const seen = new Set<string>();
    columns.forEach((column, index) => {
      if (seen.has(column.columnName)) {
        violations.push(`${path}[${index}].columnName "${column.columnName}" is used by another column`);
      }
      seen.add(column.columnName);
    });
    return violations;
  },
];

const TRAINING_DATA = list(
  structure(
    {
      type: enumOf('INTERACTIONS'),
      inputConfig: structure(
        {
          schema: list(
            structure(
              {
                columnName: string({ length: [1, 128], ...GLUE_NAME_WITH_SPACES }),
                columnTypes: list(enumOf(...COLUMN_TYPES), [1, 1]),
              },
              ['columnName', 'columnTypes'],
            ),
            [1, 100],
            schemaRules,
          ),
          dataSource: structure(
            {
              glueDataSource: structure(
                {
                  tableName: string({ length: [1, 128], ...GLUE_NAME_WITH_SPACES }),
                  databaseName: string({
                    length: [1, 128],
                    pattern: /^[a-zA-Z0-9_](([a-zA-Z0-9_]+-)*([a-zA-Z0-9_]+))?$/,
                    patternText: '[a-zA-Z0-9_](([a-zA-Z0-9_]+-)*([a-zA-Z0-9_]+))?',
                  }),
                  catalogId: string({ length: [12, 12], pattern: /^[0-9]{12}$/, patternText: '[0-9]{12}' }),
                },
                ['tableName', 'databaseName'],
              ),
            },
            ['glueDataSource'],
          ),
        },
        ['schema', 'dataSource'],
      ),
    },
    ['type', 'inputConfig'],
  ),
  [1, 1],
);

const MAX_AUDIENCE_SIZE = 20_000_000;
const MAX_PERCENTAGE = 100;

const AUDIENCE_SIZE_CONFIG = structure(
  {
    audienceSizeType: enumOf('ABSOLUTE', 'PERCENTAGE'),
    audienceSizeBins: list(integer([1, MAX_AUDIENCE_SIZE]), [1, 25]),
  },
  ['audienceSizeType', 'audienceSizeBins'],
  [
    (config: { audienceSizeType: string; audienceSizeBins: number[] }, path) =>
      config.audienceSizeType !== 'PERCENTAGE'
        ? []
        : config.audienceSizeBins.flatMap((bin, index) =>
          bin > MAX_PERCENTAGE ? [`${path}.audienceSizeBins[${index}] must be between 1 and ${MAX_PERCENTAGE} for PERCENTAGE sizes, got ${bin}`] : []),
  ],
);

const AUDIENCE_SIZE = structure(
  { type: enumOf('ABSOLUTE', 'PERCENTAGE'), value: integer([1, MAX_AUDIENCE_SIZE]) },
  ['type', 'value'],
  [
    (size: { type: string; value: number }, path) =>
      size.type === 'PERCENTAGE' && size.value > MAX_PERCENTAGE
        ? [`${path}.value must be between 1 and ${MAX_PERCENTAGE} for a PERCENTAGE size, got ${size.value}`]
        : [],
  ],
);

const OUTPUT_CONFIG = structure(
  {
    destination: structure({ s3Destination: structure({ s3Uri: S3_URI }, ['s3Uri']) }, ['s3Destination']),
    roleArn: ROLE_ARN,
  },
  ['destination', 'roleArn'],
);

const SHARED_AUDIENCE_METRICS = list(enumOf('ALL', 'NONE'), [1, 1]);
const MIN_MATCHING_SEED_SIZE = integer([25, 500_000]);

const SEED_AUDIENCE = structure(
  {
    dataSource: structure({ s3Uri: S3_URI }, ['s3Uri']),
    roleArn: ROLE_ARN,
    sqlParameters: structure(
      {
        queryString: string({ length: [0, 500_000] }),
        analysisTemplateArn: string({
          length: [0, 200],
          pattern: /^arn:aws[-a-z]*:cleanrooms:[\w]{2}-[\w]{4,9}-[\d]:[\d]{12}:membership\/[\d\w-]+\/analysistemplate\/[\d\w-]+$/,
          patternText: String.raw`arn:aws[-a-z]*:cleanrooms:[\w]{2}-[\w]{4,9}-[\d]:[\d]{12}:membership/[\d\w-]+/analysistemplate/[\d\w-]+`,
        }),
        parameters: {
          kind: 'map',
          key: string({ length: [1, 100], pattern: /^[0-9a-zA-Z_]+$/, patternText: '[0-9a-zA-Z_]+' }),
          value: string({ length: [0, 1000] }),
        },
      },
      [],
      [
        (sql: { queryString?: string; analysisTemplateArn?: string }, path) =>
          sql.queryString || sql.analysisTemplateArn ? [] : [`${path} must have a queryString or an analysisTemplateArn`],
      ],
    ),
  },
  ['roleArn'],
  [
    (seed: { dataSource?: unknown; sqlParameters?: unknown }, path) =>
      (seed.dataSource === undefined) === (seed.sqlParameters === undefined)
        ? [`${path} must have exactly one of dataSource, sqlParameters`]
        : [],
  ],
);

const POLICY_DOCUMENT = string({ length: [1, 20_480], format: 'json' });
const POLICY_HASH = string({ length: [64, 128], pattern: /^[0-9a-f]+$/, patternText: '[0-9a-f]+' });

const PAGINATION = {
  nextToken: string({ length: [1, 10_240] }),
  maxResults: integer([1, 100]),
};

const trainingWindowRule: CrossFieldRule = (input: { trainingDataStartTime?: string | number; trainingDataEndTime?: string | number }) => {
  if (input.trainingDataStartTime === undefined || input.trainingDataEndTime === undefined) {
    return [];
  }
  return timestampMillis(input.trainingDataStartTime) < timestampMillis(input.trainingDataEndTime)
    ? []
    : ['trainingDataStartTime must be before trainingDataEndTime'];
};

// ---------------------------------------------------------------------------
// The table: every operation's input
// ---------------------------------------------------------------------------

export const OPERATION_INPUTS: Readonly<Record<OperationName, StructureConstraint>> = {
  CreateTrainingDataset: structure(
    { name: NAME, roleArn: ROLE_ARN, trainingData: TRAINING_DATA, tags: TAGS, description: DESCRIPTION },
    ['name', 'roleArn', 'trainingData'],
  ),
  GetTrainingDataset: structure({ trainingDatasetArn: CLEAN_ROOMS_ML_ARN }, ['trainingDatasetArn']),
  ListTrainingDatasets: structure({ ...PAGINATION }),
  DeleteTrainingDataset: structure({ trainingDatasetArn: CLEAN_ROOMS_ML_ARN }, ['trainingDatasetArn']),

  CreateAudienceModel: structure(
    {
      trainingDataStartTime: TIMESTAMP,
      trainingDataEndTime: TIMESTAMP,
      name: NAME,
      trainingDatasetArn: CLEAN_ROOMS_ML_ARN,
      kmsKeyArn: KMS_KEY_ARN,
      tags: TAGS,
      description: DESCRIPTION,
    },
    ['name', 'trainingDatasetArn'],
    [trainingWindowRule],
  ),
  GetAudienceModel: structure({ audienceModelArn: CLEAN_ROOMS_ML_ARN }, ['audienceModelArn']),
  ListAudienceModels: structure({ ...PAGINATION }),
  DeleteAudienceModel: structure({ audienceModelArn: CLEAN_ROOMS_ML_ARN }, ['audienceModelArn']),

  CreateConfiguredAudienceModel: structure(
    {
      name: NAME,
      audienceModelArn: CLEAN_ROOMS_ML_ARN,
      outputConfig: OUTPUT_CONFIG,
      description: DESCRIPTION,
      sharedAudienceMetrics: SHARED_AUDIENCE_METRICS,
      minMatchingSeedSize: MIN_MATCHING_SEED_SIZE,
      audienceSizeConfig: AUDIENCE_SIZE_CONFIG,
      tags: TAGS,
      childResourceTagOnCreatePolicy: enumOf('FROM_PARENT_RESOURCE', 'NONE'),
    },
    ['name', 'audienceModelArn', 'outputConfig', 'sharedAudienceMetrics'],
  ),
  GetConfiguredAudienceModel: structure({ configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN }, ['configuredAudienceModelArn']),
  ListConfiguredAudienceModels: structure({ ...PAGINATION }),
  UpdateConfiguredAudienceModel: structure(
    {
      configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN,
      outputConfig: OUTPUT_CONFIG,
      audienceModelArn: CLEAN_ROOMS_ML_ARN,
      sharedAudienceMetrics: SHARED_AUDIENCE_METRICS,
      minMatchingSeedSize: MIN_MATCHING_SEED_SIZE,
      audienceSizeConfig: AUDIENCE_SIZE_CONFIG,
      description: DESCRIPTION,
    },
    ['configuredAudienceModelArn'],
  ),
  DeleteConfiguredAudienceModel: structure({ configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN }, ['configuredAudienceModelArn']),

  PutConfiguredAudienceModelPolicy: structure(
    {
      configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN,
      configuredAudienceModelPolicy: POLICY_DOCUMENT,
      previousPolicyHash: POLICY_HASH,
      policyExistenceCondition: enumOf('POLICY_MUST_EXIST', 'POLICY_MUST_NOT_EXIST'),
    },
    ['configuredAudienceModelArn', 'configuredAudienceModelPolicy'],
  ),
  GetConfiguredAudienceModelPolicy: structure({ configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN }, ['configuredAudienceModelArn']),
  DeleteConfiguredAudienceModelPolicy: structure({ configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN }, ['configuredAudienceModelArn']),

  StartAudienceGenerationJob: structure(
    {
      name: NAME,
      configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN,
      seedAudience: SEED_AUDIENCE,
      includeSeedInOutput: BOOLEAN,
      collaborationId: COLLABORATION_ID,
      description: DESCRIPTION,
      tags: TAGS,
    },
    ['name', 'configuredAudienceModelArn', 'seedAudience'],
  ),
  GetAudienceGenerationJob: structure({ audienceGenerationJobArn: CLEAN_ROOMS_ML_ARN }, ['audienceGenerationJobArn']),
  ListAudienceGenerationJobs: structure({ ...PAGINATION, configuredAudienceModelArn: CLEAN_ROOMS_ML_ARN, collaborationId: COLLABORATION_ID }),
  DeleteAudienceGenerationJob: structure({ audienceGenerationJobArn: CLEAN_ROOMS_ML_ARN }, ['audienceGenerationJobArn']),

  StartAudienceExportJob: structure(
    { name: NAME, audienceGenerationJobArn: CLEAN_ROOMS_ML_ARN, audienceSize: AUDIENCE_SIZE, description: DESCRIPTION },
    ['name', 'audienceGenerationJobArn', 'audienceSize'],
  ),
  ListAudienceExportJobs: structure({ ...PAGINATION, audienceGenerationJobArn: CLEAN_ROOMS_ML_ARN }),

  TagResource: structure({ resourceArn: CLEAN_ROOMS_ML_ARN, tags: TAGS }, ['resourceArn', 'tags']),
  UntagResource: structure({ resourceArn: CLEAN_ROOMS_ML_ARN, tagKeys: TAG_KEYS }, ['resourceArn', 'tagKeys']),
  ListTagsForResource: structure({ resourceArn: CLEAN_ROOMS_ML_ARN }, ['resourceArn']),
};

// ---------------------------------------------------------------------------
// The validator
// ---------------------------------------------------------------------------

/** Throws a ValidationException listing every violation of the operation's input constraints. */
export function validateInput(operation: OperationName, input: Record<string, unknown>): void {
  const violations: string[] = [];
  check(input, OPERATION_INPUTS[operation], '', violations);
  if (violations.length === 1) {
    throw validationError(violations[0]);
  }
  if (violations.length > 1) {
    throw new ServiceError('ValidationException', `${violations.length} validation errors detected: ${violations.join('; ')}`);
  }
}

/** Epoch milliseconds of a timestamp member that passed validation. */
export function timestampMillis(value: string | number): number {
  return typeof value === 'number' ? value * 1000 : Date.parse(value);
}

function check(value: unknown, constraint: Constraint, path: string, violations: string[]): void {
  const before = violations.length;
  switch (constraint.kind) {
    case 'string':
      checkString(value, constraint, path, violations);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        violations.push(`${path} must be an integer, got ${describe(value)}`);
      } else if (constraint.range && (value < constraint.range[0] || value > constraint.range[1])) {
        violations.push(`${path} must be between ${constraint.range[0]} and ${constraint.range[1]}, got ${value}`);
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') {
        violations.push(`${path} must be a boolean, got ${describe(value)}`);
      }
      break;
    case 'timestamp':
      if (!(typeof value === 'number' && Number.isFinite(value)) && !(typeof value === 'string' && !Number.isNaN(Date.parse(value)))) {
        violations.push(`${path} must be an ISO-8601 timestamp, got ${describe(value)}`);
      }
      break;
    case 'list':
      if (!Array.isArray(value)) {
        violations.push(`${path} must be a list, got ${describe(value)}`);
        break;
      }
      checkSize(value.length, constraint.size, path, 'items', violations);
      value.forEach((item, index) => check(item, constraint.member, `${path}[${index}]`, violations));
      break;
    case 'map':
      if (!isPlainObject(value)) {
        violations.push(`${path} must be a map, got ${describe(value)}`);
        break;
      }
      checkSize(Object.keys(value).length, constraint.size, path, 'entries', violations);
      for (const [key, entry] of Object.entries(value)) {
        checkString(key, constraint.key, `${path} key`, violations);
        check(entry, constraint.value, `${path}["${key}"]`, violations);
      }
      break;
    case 'structure':
      if (!isPlainObject(value)) {
        violations.push(`${path || 'The request'} must be a structure, got ${describe(value)}`);
        break;
      }
      for (const member of constraint.required ?? []) {
        if (value[member] === undefined || value[member] === null) {
          violations.push(`${join(path, member)} is required`);
        }
      }
      for (const [member, memberConstraint] of Object.entries(constraint.members)) {
        if (value[member] !== undefined && value[member] !== null) {
          check(value[member], memberConstraint, join(path, member), violations);
        }
      }
      break;
  }
  if (violations.length === before) {
    for (const rule of constraint.rules ?? []) {
      violations.push(...rule(value, path));
    }
  }
}

function checkString(value: unknown, constraint: StringConstraint, path: string, violations: string[]): void {
  if (typeof value !== 'string') {
    violations.push(`${path} must be a string, got ${describe(value)}`);
    return;
  }
  if (constraint.length) {
    const [min, max] = constraint.length;
    const length = Array.from(value).length;
    if (length < min || length > max) {
      const expected = min === max ? `${min}` : `${min}-${max}`;
      violations.push(`${path} must be ${expected} characters, got ${length}`);
      // A pattern check on an out-of-range value adds nothing and may be slow.
      return;
    }
  }
  if (constraint.oneOf && !constraint.oneOf.includes(value)) {
    violations.push(`${path} must be one of ${constraint.oneOf.join(', ')}, got ${describe(value)}`);
  }
  if (constraint.pattern && !constraint.pattern.test(value)) {
    violations.push(`${path} must match pattern ${constraint.patternText ?? constraint.pattern.source}, got ${describe(value)}`);
  }
  if (constraint.format === 'json') {
    try {
      JSON.parse(value);
    } catch (error) {
      violations.push(`${path} must be a valid JSON document (${(error as Error).message})`);
    }
  }
}

function checkSize(size: number, bounds: readonly [number, number] | undefined, path: string, noun: string, violations: string[]): void {
  if (!bounds || (size >= bounds[0] && size <= bounds[1])) {
    return;
  }
  const [min, max] = bounds;
  const expected = min === max ? `exactly ${min}` : min === 0 ? `at most ${max}` : `${min}-${max}`;
  violations.push(`${path} must have ${expected} ${min === max && min === 1 ? noun.replace(/s$/, '') : noun}, got ${size}`);
}

function join(path: string, member: string): string {
  return path ? `${path}.${member}` : member;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_ECHOED_CHARACTERS = 100;

/** How a rejected value is echoed in a message: quoted, and cut short so a huge input cannot bloat the reply. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_ECHOED_CHARACTERS ? `${value.slice(0, MAX_ECHOED_CHARACTERS)}...` : value;
    return JSON.stringify(shown);
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (value === null) {
    return 'null';
  }
  return typeof value === 'object' ? 'a structure' : `${typeof value} ${String(value)}`;
}
