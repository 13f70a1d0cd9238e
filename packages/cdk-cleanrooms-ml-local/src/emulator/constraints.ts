/**
 * The one declarative table of what every Clean Rooms ML request may carry:
 * the input members of all 25 operations as AWS's current model
 * (`spec/cleanroomsml-2023-09-06/service-2.json`) declares them — types,
 * required members, lengths, sizes, ranges, enums and patterns — plus the
 * rules the model cannot express, each with the AWS source it comes from.
 * Where the emulator is stricter than the model, the constraint says which
 * facet and why (`stricter`); test/emulator/model-drift.test.ts holds
 * the table to the model member by member, so a drift fails CI.
 *
 * `validateInput` walks a request against it and answers ValidationException
 * messages that name the field path, e.g.
 * `trainingData[0].inputConfig.schema[2].columnName must match pattern ..., got "..."`.
 * A member the table does not declare is refused the same way (see
 * `checkStructure`).
 *
 * Handlers never re-check what this table says; they only check what needs
 * state (existence, names, dependencies, quotas).
 */
import { validationError } from './errors';
import type { OperationName } from '../client/operations';
import { WORKER_COMPUTE_TYPES } from '../client/types';

/** A facet of a constraint the emulator checks more strictly than the model, and the AWS source for it. */
export type StricterThanModel = Readonly<Partial<Record<'length' | 'size' | 'range' | 'format', string>>>;

/**
 * A rule over a whole value (several members, or list items together). It
 * runs only when the value itself passed its member constraints, so it may
 * rely on their types. `check` returns one message per violation; `source`
 * says where AWS states the rule (or why the emulator has it).
 */
export interface CrossFieldRule {
  readonly source: string;
  readonly check: (value: any, path: string) => string[];
}

interface ConstraintBase {
  readonly rules?: readonly CrossFieldRule[];
  readonly stricter?: StricterThanModel;
  /** A facet the emulator checks less strictly than the model, and why (where the model contradicts itself). */
  readonly looser?: StricterThanModel;
}

export interface PatternConstraint {
  /** The pattern exactly as AWS's model declares it; messages show it. */
  readonly model: string;
  /**
   * Tested against the whole value. Smithy patterns are not implicitly
   * anchored, but the model's describe whole values (ARNs, Glue names,
   * S3 URIs), so the emulator anchors them: the stricter reading.
   */
  readonly regexp: RegExp;
  /** Why `regexp` is not the model's pattern read as an anchored ECMAScript regular expression. */
  readonly deviation?: string;
  /** Plain words added to messages. */
  readonly hint?: string;
}

export interface StringConstraint extends ConstraintBase {
  readonly kind: 'string';
  /** Inclusive bounds on the number of Unicode code points. */
  readonly length?: readonly [number, number];
  readonly pattern?: PatternConstraint;
  readonly oneOf?: readonly string[];
  /** The value must parse as this format. */
  readonly format?: 'json';
}

export interface IntegerConstraint extends ConstraintBase {
  readonly kind: 'integer';
  readonly range?: readonly [number, number];
}

export interface BooleanConstraint extends ConstraintBase {
  readonly kind: 'boolean';
}

/** ISO-8601 text (what restJson1 sends) or epoch seconds. */
export interface TimestampConstraint extends ConstraintBase {
  readonly kind: 'timestamp';
}

export interface ListConstraint extends ConstraintBase {
  readonly kind: 'list';
  readonly member: Constraint;
  readonly size?: readonly [number, number];
}

export interface MapConstraint extends ConstraintBase {
  readonly kind: 'map';
  readonly key: StringConstraint;
  readonly value: Constraint;
  readonly size?: readonly [number, number];
}

export interface StructureConstraint extends ConstraintBase {
  readonly kind: 'structure';
  readonly members: Readonly<Record<string, Constraint>>;
  readonly required?: readonly string[];
}

export type Constraint =
  | StringConstraint
  | IntegerConstraint
  | BooleanConstraint
  | TimestampConstraint
  | ListConstraint
  | MapConstraint
  | StructureConstraint;

// ---------------------------------------------------------------------------
// Building blocks (the model's shapes)
// ---------------------------------------------------------------------------

export const string = (options: Omit<StringConstraint, 'kind'> = {}): StringConstraint => ({ kind: 'string', ...options });
export const integer = (range?: readonly [number, number], rules?: readonly CrossFieldRule[]): IntegerConstraint => ({ kind: 'integer', range, rules });
export const list = (member: Constraint, size?: readonly [number, number], rules?: readonly CrossFieldRule[]): ListConstraint => ({ kind: 'list', member, size, rules });
export const structure = (
  members: Record<string, Constraint>,
  required: readonly string[] = [],
  rules?: readonly CrossFieldRule[],
): StructureConstraint => ({ kind: 'structure', members, required, rules });
export const enumOf = (...values: string[]): StringConstraint => string({ oneOf: values });
export const rule = (source: string, checkValue: CrossFieldRule['check']): CrossFieldRule => ({ source, check: checkValue });
export const BOOLEAN: BooleanConstraint = { kind: 'boolean' };
export const TIMESTAMP: TimestampConstraint = { kind: 'timestamp' };

/** The model's pattern, tested against the whole value. */
export function modelPattern(model: string, hint?: string): PatternConstraint {
  return { model, regexp: new RegExp(`^(?:${model})$`), hint };
}

export const PRINTABLE_DEVIATION = String.raw`The model spells the surrogate ranges D800-DBFF and DC00-DFFF as \uD800\uDBFF-\uDC00\uDFFF; `
  + 'read literally by ECMAScript that admits only four lone surrogates and would refuse every character beyond the BMP '
  + '(an emoji in a name), so the emulator admits every surrogate, as the pattern intends.';

/** NameString. */
const NAME = string({
  length: [1, 63],
  pattern: {
    model: String.raw`(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t]*`,
    regexp: /^(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF\t]*$/,
    deviation: PRINTABLE_DEVIATION,
    hint: 'not only white space; printable characters and tab',
  },
});

/** ResourceDescription. */
export const DESCRIPTION = string({
  length: [0, 255],
  pattern: {
    model: String.raw`[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t\r\n]*`,
    regexp: /^[\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF\t\r\n]*$/,
    deviation: PRINTABLE_DEVIATION,
    hint: 'printable characters, tab, CR, LF',
  },
});

/** The model's ARN shape of one Clean Rooms ML resource type: another type's ARN is a ValidationException. */
const cleanRoomsMlArn = (resourceType: string): StringConstraint =>
  string({ length: [20, 2048], pattern: modelPattern(`arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:${resourceType}/[-a-zA-Z0-9_/.]+`) });

const TRAINING_DATASET_ARN = cleanRoomsMlArn('training-dataset');
const AUDIENCE_MODEL_ARN = cleanRoomsMlArn('audience-model');
const CONFIGURED_AUDIENCE_MODEL_ARN = cleanRoomsMlArn('configured-audience-model');
const AUDIENCE_GENERATION_JOB_ARN = cleanRoomsMlArn('audience-generation-job');

/**
 * TaggableArn: the audience resources and the custom-model resources the
 * emulator does not serve (those are well-formed, and not found).
 */
const TAGGABLE_ARN = string({
  length: [20, 2048],
  pattern: modelPattern(
    'arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:((membership/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/'
    + '(configured-model-algorithm-association|trained-model|trained-model-inference-job|ml-input-channel))'
    + '|training-dataset|audience-model|configured-audience-model|audience-generation-job|configured-model-algorithm)/[-a-zA-Z0-9_/.]+',
  ),
});

/** IamRoleArn. Must also be in the caller's account; that needs the account and is checked by the handlers (AccessDeniedException). */
const ROLE_ARN = string({ length: [20, 2048], pattern: modelPattern('arn:aws[-a-z]*:iam::[0-9]{12}:role/.+') });

const KMS_KEY_ARN = string({ length: [20, 2048], pattern: modelPattern('arn:aws[-a-z]*:kms:[-a-z0-9]+:[0-9]{12}:key/.+') });

/** S3Path. */
const S3_URI = string({ length: [1, 1285], pattern: modelPattern('s3://.+') });

/** UUID. */
const COLLABORATION_ID = string({ length: [36, 36], pattern: modelPattern('[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}') });

/** ColumnName and GlueTableName. */
const GLUE_NAME_WITH_SPACES = modelPattern('[a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?');

const COLUMN_TYPES = ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'CATEGORICAL_FEATURE', 'NUMERICAL_FEATURE'] as const;
const FEATURE_COLUMN_TYPES: readonly string[] = ['CATEGORICAL_FEATURE', 'NUMERICAL_FEATURE'];
const MAX_FEATURE_COLUMNS = 10;
export const MAX_TAGS_PER_RESOURCE = 50;
const RESERVED_TAG_KEY = /^aws:/i;

/** Tags the emulator reads to fail a resource's create or delete on request (see index.ts). */
export const FAIL_TAG = 'emulator:fail';
export const FAIL_MESSAGE_TAG = 'emulator:fail-message';
export const FAIL_TAG_VALUES = ['CREATE', 'DELETE'] as const;

export const TAG_KEY = string({ length: [1, 128] });
export const TAG_VALUE = string({ length: [0, 256] });

/** The model's own documentation of every `tags` member (the TagMap shape allows 200). */
const TAGS_DOC = 'the model\'s documentation of tags: "Maximum number of tags per resource - 50"';
export const RESERVED_TAG_KEY_DOC = 'the model\'s documentation of tags: "Do not use aws:, AWS:, or any upper or lowercase combination '
  + 'of such as a prefix for keys as it is reserved for AWS use"';

export const reservedTagKey = (key: string, path: string): string[] =>
  RESERVED_TAG_KEY.test(key) ? [`${path} key "${key}" is reserved: tag keys starting with aws: (in any case) are for AWS use`] : [];

const TAGS: MapConstraint = {
  kind: 'map',
  key: TAG_KEY,
  value: TAG_VALUE,
  size: [0, MAX_TAGS_PER_RESOURCE],
  stricter: { size: TAGS_DOC },
  rules: [
    rule(RESERVED_TAG_KEY_DOC, (tags: Record<string, string>, path) => Object.keys(tags).flatMap((key) => reservedTagKey(key, path))),
    rule('the emulator\'s own failure tag (index.ts): a value it would not act on is a mistake worth seeing', (tags: Record<string, string>, path) => {
      const failOn = tags[FAIL_TAG];
      return failOn === undefined || (FAIL_TAG_VALUES as readonly string[]).includes(failOn)
        ? []
        : [`${path}["${FAIL_TAG}"] must be one of ${FAIL_TAG_VALUES.join(', ')}, got "${failOn}"`];
    }),
  ],
};

const TAG_KEYS = list(TAG_KEY, [0, 200], [
  rule(RESERVED_TAG_KEY_DOC, (keys: string[], path) => keys.flatMap((key, index) => reservedTagKey(key, `${path}[${index}]`))),
]);

const SCHEMA_RULE = rule(
  'Clean Rooms user guide, "Training data requirements" (constraints.md): exactly one USER_ID, ITEM_ID and TIMESTAMP column, '
  + 'at most 10 feature columns, column names unique',
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
);

const TRAINING_DATA = list(
  structure(
    {
      type: enumOf('INTERACTIONS'),
      inputConfig: structure(
        {
          schema: list(
            structure(
              {
                columnName: string({ length: [1, 128], pattern: GLUE_NAME_WITH_SPACES }),
                columnTypes: list(enumOf(...COLUMN_TYPES), [1, 1]),
              },
              ['columnName', 'columnTypes'],
            ),
            [1, 100],
            [SCHEMA_RULE],
          ),
          dataSource: structure(
            {
              glueDataSource: structure(
                {
                  tableName: string({ length: [1, 128], pattern: GLUE_NAME_WITH_SPACES }),
                  databaseName: string({ length: [1, 128], pattern: modelPattern('[a-zA-Z0-9_](([a-zA-Z0-9_]+-)*([a-zA-Z0-9_]+))?') }),
                  catalogId: string({ length: [12, 12], pattern: modelPattern('[0-9]{12}') }),
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
/** AudienceSizeConfig's and AudienceSize's documentation. */
const PERCENTAGE_DOC = 'the model\'s documentation of AudienceSizeConfig and AudienceSize: "configure sizes in the range 1-100 percent"';

const AUDIENCE_SIZE_CONFIG = structure(
  {
    audienceSizeType: enumOf('ABSOLUTE', 'PERCENTAGE'),
    audienceSizeBins: list(integer([1, MAX_AUDIENCE_SIZE]), [1, 25], [
      // Neither the model nor the API reference says what AWS answers to a
      // repeated bin. The bins are "the list of allowed audienceSize values"
      // an export picks from, and each gets one relevance metric: a repeat is
      // a mistake, refused here as the construct refuses it at synth time.
      rule('the bins are a set: AudienceSizeConfig is "the list of allowed audienceSize values" (model documentation)', (bins: number[], path) =>
        bins.flatMap((bin, index) => (bins.indexOf(bin) < index ? [`${path}[${index}] repeats ${bin}: each audience size bin must be unique`] : []))),
    ]),
  },
  ['audienceSizeType', 'audienceSizeBins'],
  [
    rule(PERCENTAGE_DOC, (config: { audienceSizeType: string; audienceSizeBins: number[] }, path) =>
      config.audienceSizeType !== 'PERCENTAGE'
        ? []
        : config.audienceSizeBins.flatMap((bin, index) =>
          bin > MAX_PERCENTAGE ? [`${path}.audienceSizeBins[${index}] must be between 1 and ${MAX_PERCENTAGE} for PERCENTAGE sizes, got ${bin}`] : [])),
  ],
);

const AUDIENCE_SIZE = structure(
  { type: enumOf('ABSOLUTE', 'PERCENTAGE'), value: integer([1, MAX_AUDIENCE_SIZE]) },
  ['type', 'value'],
  [
    rule(PERCENTAGE_DOC, (size: { type: string; value: number }, path) =>
      size.type === 'PERCENTAGE' && size.value > MAX_PERCENTAGE
        ? [`${path}.value must be between 1 and ${MAX_PERCENTAGE} for a PERCENTAGE size, got ${size.value}`]
        : []),
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

/** A union structure of the model: exactly one of its members is set. */
const exactlyOneMember = rule(
  'the model marks ComputeConfiguration and WorkerComputeConfigurationProperties as unions ("union": true): exactly one member is set',
  (union: Record<string, unknown>, path) => {
    const set = Object.keys(union).filter((member) => union[member] !== undefined && union[member] !== null);
    return set.length === 1 ? [] : [`${path} must have exactly one member, got ${set.length === 0 ? 'none' : set.join(', ')}`];
  },
);

/** The model's ComputeConfiguration (a union) around WorkerComputeConfiguration, whose members are each optional. */
const SQL_COMPUTE_CONFIGURATION = structure(
  {
    worker: structure({
      type: enumOf(...WORKER_COMPUTE_TYPES),
      number: integer([2, 1024]),
      properties: structure(
        { spark: { kind: 'map', key: string({ length: [1, 200] }), value: string({ length: [0, 500] }), size: [0, 50] } },
        [],
        [exactlyOneMember],
      ),
    }),
  },
  [],
  [exactlyOneMember],
);

const SEED_AUDIENCE = structure(
  {
    dataSource: structure({ s3Uri: S3_URI }, ['s3Uri']),
    roleArn: ROLE_ARN,
    sqlParameters: structure(
      {
        queryString: string({ length: [0, 500_000] }),
        analysisTemplateArn: string({
          length: [0, 200],
          pattern: modelPattern(String.raw`arn:aws[-a-z]*:cleanrooms:[\w]{2}-[\w]{4,9}-[\d]:[\d]{12}:membership/[\d\w-]+/analysistemplate/[\d\w-]+`),
        }),
        parameters: {
          kind: 'map',
          key: string({ length: [1, 100], pattern: modelPattern('[0-9a-zA-Z_]+') }),
          value: string({ length: [0, 1000] }),
        },
      },
      [],
      [
        rule('Clean Rooms protected queries run a query string or an analysis template (AWS Clean Rooms API, ProtectedQuerySQLParameters)',
          (sql: { queryString?: string; analysisTemplateArn?: string }, path) =>
            sql.queryString || sql.analysisTemplateArn ? [] : [`${path} must have a queryString or an analysisTemplateArn`]),
      ],
    ),
    sqlComputeConfiguration: SQL_COMPUTE_CONFIGURATION,
  },
  ['roleArn'],
  [
    rule('the reference text of AudienceGenerationJobDataSource: the seed comes from an S3 data source or from a SQL query',
      (seed: { dataSource?: unknown; sqlParameters?: unknown }, path) =>
        (seed.dataSource === undefined) === (seed.sqlParameters === undefined)
          ? [`${path} must have exactly one of dataSource, sqlParameters`]
          : []),
  ],
);

const POLICY_DOCUMENT = string({
  length: [1, 20_480],
  format: 'json',
  stricter: { format: 'the model documents configuredAudienceModelPolicy as "The IAM resource policy", and IAM policies are JSON documents (IAM User Guide, "Policies and permissions")' },
});
const POLICY_HASH = string({ length: [64, 128], pattern: modelPattern('[0-9a-f]+') });

const PAGINATION = {
  nextToken: string({ length: [1, 10_240] }),
  maxResults: integer([1, 100]),
};

const TRAINING_WINDOW_RULE = rule(
  'the model documents trainingDataStartTime and trainingDataEndTime as "the start" and "the end" of the training window',
  (input: { trainingDataStartTime?: string | number; trainingDataEndTime?: string | number }) => {
    if (input.trainingDataStartTime === undefined || input.trainingDataEndTime === undefined) {
      return [];
    }
    return timestampMillis(input.trainingDataStartTime) < timestampMillis(input.trainingDataEndTime)
      ? []
      : ['trainingDataStartTime must be before trainingDataEndTime'];
  },
);

// ---------------------------------------------------------------------------
// The table: every operation's input
// ---------------------------------------------------------------------------

export const OPERATION_INPUTS: Readonly<Record<OperationName, StructureConstraint>> = {
  CreateTrainingDataset: structure(
    { name: NAME, roleArn: ROLE_ARN, trainingData: TRAINING_DATA, tags: TAGS, description: DESCRIPTION },
    ['name', 'roleArn', 'trainingData'],
  ),
  GetTrainingDataset: structure({ trainingDatasetArn: TRAINING_DATASET_ARN }, ['trainingDatasetArn']),
  ListTrainingDatasets: structure({ ...PAGINATION }),
  DeleteTrainingDataset: structure({ trainingDatasetArn: TRAINING_DATASET_ARN }, ['trainingDatasetArn']),

  CreateAudienceModel: structure(
    {
      trainingDataStartTime: TIMESTAMP,
      trainingDataEndTime: TIMESTAMP,
      name: NAME,
      trainingDatasetArn: TRAINING_DATASET_ARN,
      kmsKeyArn: KMS_KEY_ARN,
      tags: TAGS,
      description: DESCRIPTION,
    },
    ['name', 'trainingDatasetArn'],
    [TRAINING_WINDOW_RULE],
  ),
  GetAudienceModel: structure({ audienceModelArn: AUDIENCE_MODEL_ARN }, ['audienceModelArn']),
  ListAudienceModels: structure({ ...PAGINATION }),
  DeleteAudienceModel: structure({ audienceModelArn: AUDIENCE_MODEL_ARN }, ['audienceModelArn']),

  CreateConfiguredAudienceModel: structure(
    {
      name: NAME,
      audienceModelArn: AUDIENCE_MODEL_ARN,
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
  GetConfiguredAudienceModel: structure({ configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN }, ['configuredAudienceModelArn']),
  ListConfiguredAudienceModels: structure({ ...PAGINATION }),
  UpdateConfiguredAudienceModel: structure(
    {
      configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN,
      outputConfig: OUTPUT_CONFIG,
      audienceModelArn: AUDIENCE_MODEL_ARN,
      sharedAudienceMetrics: SHARED_AUDIENCE_METRICS,
      minMatchingSeedSize: MIN_MATCHING_SEED_SIZE,
      audienceSizeConfig: AUDIENCE_SIZE_CONFIG,
      description: DESCRIPTION,
    },
    ['configuredAudienceModelArn'],
  ),
  DeleteConfiguredAudienceModel: structure({ configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN }, ['configuredAudienceModelArn']),

  PutConfiguredAudienceModelPolicy: structure(
    {
      configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN,
      configuredAudienceModelPolicy: POLICY_DOCUMENT,
      previousPolicyHash: POLICY_HASH,
      policyExistenceCondition: enumOf('POLICY_MUST_EXIST', 'POLICY_MUST_NOT_EXIST'),
    },
    ['configuredAudienceModelArn', 'configuredAudienceModelPolicy'],
  ),
  GetConfiguredAudienceModelPolicy: structure({ configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN }, ['configuredAudienceModelArn']),
  DeleteConfiguredAudienceModelPolicy: structure({ configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN }, ['configuredAudienceModelArn']),

  StartAudienceGenerationJob: structure(
    {
      name: NAME,
      configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN,
      seedAudience: SEED_AUDIENCE,
      includeSeedInOutput: BOOLEAN,
      collaborationId: COLLABORATION_ID,
      description: DESCRIPTION,
      tags: TAGS,
    },
    ['name', 'configuredAudienceModelArn', 'seedAudience'],
  ),
  GetAudienceGenerationJob: structure({ audienceGenerationJobArn: AUDIENCE_GENERATION_JOB_ARN }, ['audienceGenerationJobArn']),
  ListAudienceGenerationJobs: structure({
    ...PAGINATION,
    configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN,
    collaborationId: COLLABORATION_ID,
  }),
  DeleteAudienceGenerationJob: structure({ audienceGenerationJobArn: AUDIENCE_GENERATION_JOB_ARN }, ['audienceGenerationJobArn']),

  StartAudienceExportJob: structure(
    { name: NAME, audienceGenerationJobArn: AUDIENCE_GENERATION_JOB_ARN, audienceSize: AUDIENCE_SIZE, description: DESCRIPTION },
    ['name', 'audienceGenerationJobArn', 'audienceSize'],
  ),
  ListAudienceExportJobs: structure({ ...PAGINATION, audienceGenerationJobArn: AUDIENCE_GENERATION_JOB_ARN }),

  TagResource: structure({ resourceArn: TAGGABLE_ARN, tags: TAGS }, ['resourceArn', 'tags']),
  UntagResource: structure({ resourceArn: TAGGABLE_ARN, tagKeys: TAG_KEYS }, ['resourceArn', 'tagKeys']),
  ListTagsForResource: structure({ resourceArn: TAGGABLE_ARN }, ['resourceArn']),
};

// ---------------------------------------------------------------------------
// The validator
// ---------------------------------------------------------------------------

/** Throws a ValidationException listing every violation of the operation's input constraints. */
export function validateInput(operation: OperationName, input: Record<string, unknown>): void {
  const violations = inputViolations(OPERATION_INPUTS[operation], operation, input);
  if (violations.length > 0) {
    throw validationError(violationsMessage(violations));
  }
}

/**
 * Every violation of an operation's input constraints, as messages naming
 * the field path: the walk every endpoint of the emulator shares (each
 * answers them with its own service's ValidationException).
 */
export function inputViolations(constraint: StructureConstraint, operation: string, input: Record<string, unknown>): string[] {
  const violations: string[] = [];
  check(input, constraint, '', { operation, violations });
  return violations;
}

/** The message of a ValidationException for the violations: the one, or how many and each. */
export function violationsMessage(violations: readonly string[]): string {
  return violations.length === 1 ? violations[0] : `${violations.length} validation errors detected: ${violations.join('; ')}`;
}

/** Epoch milliseconds of a timestamp member that passed validation. */
export function timestampMillis(value: string | number): number {
  return typeof value === 'number' ? value * 1000 : Date.parse(value);
}

/** Where a walk is and what it found so far. */
interface Walk {
  readonly operation: string;
  readonly violations: string[];
}

function check(value: unknown, constraint: Constraint, path: string, walk: Walk): void {
  const violations = walk.violations;
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
      value.forEach((item, index) => check(item, constraint.member, `${path}[${index}]`, walk));
      break;
    case 'map':
      if (!isPlainObject(value)) {
        violations.push(`${path} must be a map, got ${describe(value)}`);
        break;
      }
      checkSize(Object.keys(value).length, constraint.size, path, 'entries', violations);
      for (const [key, entry] of Object.entries(value)) {
        checkString(key, constraint.key, `${path} key`, violations);
        check(entry, constraint.value, `${path}["${key}"]`, walk);
      }
      break;
    case 'structure':
      checkStructure(value, constraint, path, walk);
      break;
  }
  if (violations.length === before) {
    for (const crossFieldRule of constraint.rules ?? []) {
      violations.push(...crossFieldRule.check(value, path));
    }
  }
}

/**
 * Required members, then members the table does not declare, then each
 * member. A member the table does not know is refused, naming it: AWS's
 * SDKs refuse such a member before sending ("Unknown parameter in input"),
 * and what the service itself answers could not be established from AWS's
 * documentation, so a strict emulator makes the mistake visible rather than
 * ignoring input the caller meant to have an effect (a misspelled optional
 * member would otherwise pass silently).
 */
function checkStructure(value: unknown, constraint: StructureConstraint, path: string, walk: Walk): void {
  const violations = walk.violations;
  if (!isPlainObject(value)) {
    violations.push(`${path || 'The request'} must be a structure, got ${describe(value)}`);
    return;
  }
  for (const member of constraint.required ?? []) {
    if (value[member] === undefined || value[member] === null) {
      violations.push(`${join(path, member)} is required`);
    }
  }
  const known = Object.keys(constraint.members);
  for (const member of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(constraint.members, member)) {
      const owner = path === '' ? `the ${walk.operation} request` : path;
      violations.push(`${join(path, member)} is not a member of ${owner}: the members are ${known.join(', ')}`);
    }
  }
  for (const [member, memberConstraint] of Object.entries(constraint.members)) {
    if (value[member] !== undefined && value[member] !== null) {
      check(value[member], memberConstraint, join(path, member), walk);
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
  const pattern = constraint.pattern;
  if (pattern && !pattern.regexp.test(value)) {
    const hint = pattern.hint ? ` (${pattern.hint})` : '';
    violations.push(`${path} must match pattern ${pattern.model}${hint}, got ${describe(value)}`);
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
