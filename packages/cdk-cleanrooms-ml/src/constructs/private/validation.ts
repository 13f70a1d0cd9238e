import { TagManager, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

// Synth-time validation shared by every construct of the library. Each check
// skips values that are still tokens (they are only known at deploy time) and
// throws a ConstructValidationError with one message shape:
//
//   <construct path>: <field> must <rule>, got <value>

/** Longest excerpt of an offending value quoted in a message. */
const MAX_QUOTED_LENGTH = 64;

/**
 * Renders a value for the `got <value>` part of a message: strings quoted
 * (long ones shortened, with their length), everything else as JSON.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= MAX_QUOTED_LENGTH) {
      return JSON.stringify(value);
    }
    return `${JSON.stringify(value.slice(0, MAX_QUOTED_LENGTH))}… (${value.length} characters)`;
  }
  if (value === undefined) {
    return 'undefined';
  }
  return JSON.stringify(value) ?? String(value);
}

/**
 * A value of the wrong kind (from JavaScript or another jsii language, which
 * can hand a construct anything), as the `got <value>` part shows it: what
 * it is, never a JSON dump of an object (a construct is circular).
 */
export function describeInput(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `a list of ${value.length} entries`;
  }
  switch (typeof value) {
    case 'undefined':
    case 'string':
      return describeValue(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${String(value)} (a ${typeof value})`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  const node = (value as { node?: { path?: unknown } }).node;
  if (typeof node?.path === 'string') {
    return `the construct ${node.path}`;
  }
  const className = Object.getPrototypeOf(value)?.constructor?.name;
  if (className && className !== 'Object') {
    return `an instance of ${className}`;
  }
  const keys = Object.keys(value as object);
  if (keys.length === 0) {
    return 'an empty object';
  }
  return `an object with ${keys.slice(0, 4).map((key) => JSON.stringify(key)).join(', ')}${keys.length > 4 ? ', …' : ''}`;
}

/**
 * The error every check throws: `<path>: <field> must <rule>, got <got>`.
 *
 * @param got the already rendered offending value (see `describeValue`)
 */
export function validationError(scope: IConstruct, field: string, rule: string, got: string): Error {
  return new ConstructValidationError(`${scope.node.path}: ${field} must ${rule}, got ${got}`, scope);
}

/**
 * Markers by which aws-cdk-lib's public `Errors.isConstructError()` and
 * `Errors.isValidationError()` recognize a validation error of a construct
 * (registered symbols, the same in every aws-cdk-lib 2 release that has
 * `Errors`).
 */
const CONSTRUCT_ERROR_MARKER = Symbol.for('@aws-cdk/core.SynthesisError');
const VALIDATION_ERROR_MARKER = Symbol.for('@aws-cdk/core.ValidationError');

/**
 * The library's own validation error. Not aws-cdk-lib's `ValidationError`:
 * that class is @internal and its constructor changed between releases
 * (`(message, scope)` in 2.180, `(name, message, scope)` later), so building
 * one for every release would put the rule text in `name` and leave only the
 * construct path in `message` on some of them. This one keeps the message
 * whole everywhere and still answers `Errors.isValidationError()` as
 * aws-cdk-lib's own L2s' errors do (pinned by tests on the oldest and the
 * newest aws-cdk-lib).
 */
class ConstructValidationError extends Error {
  /** The path of the construct whose props broke the rule. */
  public readonly constructPath: string;

  constructor(message: string, scope: IConstruct) {
    super(message);
    this.name = 'ValidationError';
    this.constructPath = scope.node.path;
    Object.defineProperty(this, CONSTRUCT_ERROR_MARKER, { value: true });
    Object.defineProperty(this, VALIDATION_ERROR_MARKER, { value: true });
  }

  /** What `Errors.isValidationError()`'s errors report as their type. */
  public get type(): 'validation' {
    return 'validation';
  }
}

/** Rules for a string field. Every rule is optional; all given rules apply. */
export interface StringRules {
  /** Fewest characters allowed. */
  readonly minLength?: number;
  /** Most characters allowed. */
  readonly maxLength?: number;
  /** A pattern the whole value must match (anchor it with `^…$`). */
  readonly pattern?: RegExp;
  /**
   * The rule the pattern expresses, as it reads after "must" in a message.
   * Default: `match <the pattern's source>`.
   */
  readonly patternRule?: string;
  /** The value must contain something other than white space. */
  readonly notOnlyWhiteSpace?: boolean;
}

/**
 * Checks a string field. `undefined` (an optional field left out) and
 * unresolved tokens pass.
 */
export function validateString(scope: IConstruct, field: string, value: string | undefined, rules: StringRules): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (typeof value !== 'string') {
    throw validationError(scope, field, 'be a string', describeInput(value));
  }
  const { minLength, maxLength } = rules;
  if ((minLength !== undefined && value.length < minLength) || (maxLength !== undefined && value.length > maxLength)) {
    throw validationError(scope, field, `be ${amount(minLength, maxLength, 'characters')}`, lengthGot(value));
  }
  if (rules.notOnlyWhiteSpace && value.trim().length === 0) {
    throw validationError(scope, field, 'not be only white space', describeValue(value));
  }
  if (rules.pattern && !rules.pattern.test(value)) {
    throw validationError(scope, field, rules.patternRule ?? `match ${rules.pattern.source}`, describeValue(value));
  }
}

/** Rules for a number field. */
export interface NumberRules {
  /** Smallest value allowed. */
  readonly min?: number;
  /** Largest value allowed. */
  readonly max?: number;
  /** The value must be a whole number. */
  readonly integer?: boolean;
}

/**
 * Checks a number field. `undefined` and unresolved tokens pass.
 */
export function validateNumber(scope: IConstruct, field: string, value: number | undefined, rules: NumberRules): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (typeof value !== 'number') {
    throw validationError(scope, field, 'be a number', describeInput(value));
  }
  if (rules.integer && !Number.isInteger(value)) {
    throw validationError(scope, field, 'be a whole number', describeValue(value));
  }
  const { min, max } = rules;
  if (Number.isNaN(value) || (min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw validationError(scope, field, rangeRule(min, max), describeValue(value));
  }
}

/** Rules for the number of entries of a list field. */
export interface CountRules {
  /** Fewest entries allowed. */
  readonly min?: number;
  /** Most entries allowed. */
  readonly max?: number;
}

/**
 * Checks how many entries a list field has. `undefined` and unresolved
 * (token) lists pass.
 */
export function validateCount(scope: IConstruct, field: string, values: readonly unknown[] | undefined, rules: CountRules): void {
  if (values === undefined || Token.isUnresolved(values)) {
    return;
  }
  if (!Array.isArray(values)) {
    throw validationError(scope, field, 'be a list', describeInput(values));
  }
  const { min, max } = rules;
  if ((min !== undefined && values.length < min) || (max !== undefined && values.length > max)) {
    throw validationError(scope, field, `have ${amount(min, max, 'entries')}`, `${values.length}`);
  }
}

/**
 * Checks that no two entries of a list share a key (e.g. a column name).
 * Entries whose key is an unresolved token are left out of the comparison.
 *
 * @param normalize maps a key to the form in which two keys are "the same"
 * (e.g. lower case for case-insensitive names). Default: the key itself.
 */
export function validateUnique(
  scope: IConstruct,
  field: string,
  keys: readonly string[],
  rule: string,
  normalize: (key: string) => string = (key) => key,
): void {
  const seen = new Map<string, string>();
  for (const key of keys) {
    if (Token.isUnresolved(key)) {
      continue;
    }
    const normalized = normalize(key);
    const previous = seen.get(normalized);
    if (previous !== undefined) {
      const got = previous === key ? `${describeValue(key)} twice` : `${describeValue(previous)} and ${describeValue(key)}`;
      throw validationError(scope, field, rule, got);
    }
    seen.set(normalized, key);
  }
}

/** "1–63 characters", "at most 10 entries", "exactly 12 characters". */
function amount(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined) {
    return min === max ? `exactly ${min} ${unit}` : `${min}–${max} ${unit}`;
  }
  return min !== undefined ? `at least ${min} ${unit}` : `at most ${max} ${unit}`;
}

function lengthGot(value: string): string {
  return value.length <= MAX_QUOTED_LENGTH ? `${describeValue(value)} (${value.length} characters)` : describeValue(value);
}

function rangeRule(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) {
    return `be between ${min} and ${max}`;
  }
  if (min !== undefined) {
    return `be at least ${min}`;
  }
  return max !== undefined ? `be at most ${max}` : 'be a number';
}

// Constraints of the Clean Rooms ML API shared by several resources
// (see spec/constraints.md). Patterns are anchored.

/** Printable Unicode and tab, as the service's name pattern allows. */
const PRINTABLE = '\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800-\\uDBFF\\uDC00-\\uDFFF\\t';

/** Every resource `name`: 1–63 characters, not only white space, printable. */
export const NAME_RULES: StringRules = {
  minLength: 1,
  maxLength: 63,
  notOnlyWhiteSpace: true,
  pattern: new RegExp(`^[${PRINTABLE}]*$`),
  patternRule: 'contain only printable characters and tabs',
};

/** Every resource `description`: 0–255 characters, printable, tab, CR, LF. */
export const DESCRIPTION_RULES: StringRules = {
  minLength: 0,
  maxLength: 255,
  pattern: new RegExp(`^[${PRINTABLE}\\r\\n]*$`),
  patternRule: 'contain only printable characters, tabs and line breaks',
};

/** An IAM role ARN passed to the service. */
export const ROLE_ARN_RULES: StringRules = {
  minLength: 20,
  maxLength: 2048,
  pattern: /^arn:aws[-a-z]*:iam::[0-9]{12}:role\/.+$/,
};

/** A KMS key ARN passed to the service. */
export const KMS_KEY_ARN_RULES: StringRules = {
  minLength: 20,
  maxLength: 2048,
  pattern: /^arn:aws[-a-z]*:kms:[-a-z0-9]+:[0-9]{12}:key\/.+$/,
};

/** An S3 URI passed to the service. */
export const S3_URI_RULES: StringRules = {
  minLength: 1,
  maxLength: 1285,
  pattern: /^s3:\/\/.+$/,
};

/** An AWS account id (e.g. a Glue catalog id). */
export const ACCOUNT_ID_RULES: StringRules = {
  pattern: /^[0-9]{12}$/,
  patternRule: 'be 12 digits',
};

/**
 * An AWS Clean Rooms identifier: a lower-case UUID, exactly 36 characters
 * (the `UUID`, `MembershipIdentifier` and `CollaborationIdentifier` shapes
 * of spec/cleanrooms-2022-02-17/service-2.json).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A collaboration id, as StartAudienceGenerationJob and Clean Rooms take it. */
export const COLLABORATION_ID_RULES: StringRules = {
  pattern: UUID,
  patternRule: 'be a collaboration id (a lower-case UUID, 36 characters)',
};

/** A membership id, as Clean Rooms takes it. */
export const MEMBERSHIP_ID_RULES: StringRules = {
  pattern: UUID,
  patternRule: 'be a membership id (a lower-case UUID, 36 characters)',
};

/** Tag keys the service reserves (any case). */
const AWS_TAG_PREFIX = /^aws:/i;

/**
 * Checks the tags of a Clean Rooms ML resource: at most `maxTags` entries,
 * keys of 1–128 characters outside the reserved `aws:` and `reservedPrefix`
 * prefixes, values of at most 256 characters.
 */
export function validateTags(
  scope: IConstruct,
  field: string,
  tags: Readonly<Record<string, string>>,
  maxTags: number,
  reservedPrefix: string,
): void {
  const keys = Object.keys(tags);
  validateCount(scope, field, keys, { max: maxTags });
  for (const key of keys) {
    validateString(scope, `${field} key`, key, { minLength: 1, maxLength: 128 });
    if (AWS_TAG_PREFIX.test(key) || key.startsWith(reservedPrefix)) {
      throw validationError(scope, `${field} key`, `not start with aws: or ${reservedPrefix} (reserved)`, describeValue(key));
    }
    validateString(scope, `${field}[${JSON.stringify(key)}]`, tags[key], { maxLength: 256 });
  }
}

/**
 * Checks a construct's tags when the app is synthesized, with `validateTags`
 * and, when given, the construct's own further checks: Tags.of() applies
 * tags in an aspect (and users add resource policy statements) after the
 * construct is built, and before validation runs.
 */
export function validateTagsAtSynthesis(
  scope: IConstruct,
  tags: TagManager,
  maxTags: number,
  reservedPrefix: string,
  alsoCheck: () => void = () => undefined,
): void {
  scope.node.addValidation({
    validate: () => {
      try {
        validateTags(scope, 'tags', tags.tagValues(), maxTags, reservedPrefix);
        alsoCheck();
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    },
  });
}
