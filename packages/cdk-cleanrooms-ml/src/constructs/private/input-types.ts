import { RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeInput, validationError } from './validation';
import { AudienceSizeType } from '../audience-size-config';

// The shape of what a construct is handed. TypeScript checks it at compile
// time, but JavaScript apps and the other jsii languages (Python's dicts,
// a number where an object belongs) can hand anything; a value of the wrong
// kind must fail as a validation error naming the field, never as a
// TypeError from deep inside the construct. The checks are structural
// (a role is what has a `roleArn`), as the props' interfaces are: imported
// resources and other libraries' implementations pass.

/** What a kind of value must be, as the rule of a message says it, and how to recognise one. */
export interface InputKind {
  /** Reads after "must", e.g. `be an IAM role (…)`. */
  readonly rule: string;
  /** Whether a value (never undefined) is of this kind. */
  readonly test: (value: any) => boolean;
}

/**
 * Checks that an optional value, when given, is of `kind`. `undefined`
 * passes (the field was left out); `null` does not.
 */
export function checkKind(scope: IConstruct, field: string, value: unknown, kind: InputKind): void {
  if (value !== undefined && !kind.test(value)) {
    throw validationError(scope, field, kind.rule, describeInput(value));
  }
}

/** Checks that a required value is given and of `kind`. */
export function checkRequired(scope: IConstruct, field: string, value: unknown, kind: InputKind): void {
  if (value === undefined || !kind.test(value)) {
    throw validationError(scope, field, kind.rule, describeInput(value));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasString(value: unknown, member: string): boolean {
  return isObject(value) && typeof value[member] === 'string';
}

function hasFunction(value: unknown, member: string): boolean {
  return isObject(value) && typeof value[member] === 'function';
}

/** The props (or options) object of a construct or factory. */
export function objectKind(typeName: string): InputKind {
  return { rule: `be given as an object (${typeName})`, test: isObject };
}

/** A resource of this library, recognised by its ARN attribute. */
export function resourceKind(arnMember: string, rule: string): InputKind {
  return { rule, test: (value) => hasString(value, arnMember) };
}

/** A plain string. Token strings are strings too. */
export const STRING: InputKind = { rule: 'be a string', test: (value) => typeof value === 'string' };

/** `true` or `false`. */
export const BOOLEAN: InputKind = { rule: 'be true or false', test: (value) => typeof value === 'boolean' };

/** A list (its entries are checked separately). */
export const LIST: InputKind = { rule: 'be a list', test: Array.isArray };

/** A point in time. */
export const DATE: InputKind = {
  rule: 'be a Date (e.g. new Date("2024-01-01T00:00:00Z"))',
  test: (value) => value instanceof Date || (hasFunction(value, 'getTime') && hasFunction(value, 'toISOString')),
};

/** An aws-cdk-lib Duration (possibly of a token amount). */
export const DURATION: InputKind = {
  rule: 'be a Duration (e.g. Duration.hours(1))',
  test: (value) => hasFunction(value, 'toSeconds') && hasFunction(value, 'toHumanString'),
};

/** An IAM role, created or imported. */
export const ROLE: InputKind = {
  rule: 'be an IAM role (e.g. new iam.Role(...) or iam.Role.fromRoleArn(...))',
  test: (value) => hasString(value, 'roleArn') && hasFunction(value, 'addToPrincipalPolicy'),
};

/** A KMS key, created or imported. */
export const KMS_KEY: InputKind = {
  rule: 'be a KMS key (e.g. new kms.Key(...) or kms.Key.fromKeyArn(...))',
  test: (value) => hasString(value, 'keyArn'),
};

/** An S3 bucket, created or imported. */
export const BUCKET: InputKind = {
  rule: 'be an S3 bucket (e.g. new s3.Bucket(...) or s3.Bucket.fromBucketName(...))',
  test: (value) => hasString(value, 'bucketName') && hasString(value, 'bucketArn') && hasFunction(value, 'arnForObjects'),
};

/** A Secrets Manager secret, created or imported. */
export const SECRET: InputKind = {
  rule: 'be a Secrets Manager secret (e.g. new secretsmanager.Secret(...) or secretsmanager.Secret.fromSecretCompleteArn(...))',
  test: (value) => hasString(value, 'secretArn'),
};

/** An IAM policy statement. */
export const POLICY_STATEMENT: InputKind = {
  rule: 'be an iam.PolicyStatement',
  test: (value) => hasFunction(value, 'toStatementJson') && hasFunction(value, 'validateForResourcePolicy'),
};

/**
 * One of an enum's values. A token (e.g. a CloudFormation parameter) passes:
 * it is checked at deployment.
 *
 * @param names the members' names, as the rule lists them (default: the values)
 */
export function enumKind(values: readonly string[], names: readonly string[] = values): InputKind {
  return {
    rule: `be one of ${names.join(', ')}`,
    test: (value) => typeof value === 'string' && (Token.isUnresolved(value) || values.includes(value)),
  };
}

/** aws-cdk-lib's RemovalPolicy. */
export const REMOVAL_POLICY: InputKind = enumKind(
  Object.values(RemovalPolicy),
  Object.keys(RemovalPolicy),
);

/** A number (a token number is a number too); its range is checked separately. */
export const NUMBER: InputKind = { rule: 'be a number', test: (value) => typeof value === 'number' };

/**
 * What `AudienceSize.absolute(n)` and `AudienceSize.percentage(n)` make (its
 * number is checked separately, so a wrong one is named as such).
 */
export const AUDIENCE_SIZE: InputKind = {
  rule: 'be an AudienceSize (AudienceSize.absolute(n) or AudienceSize.percentage(n))',
  test: (value) => isObject(value) && (Object.values(AudienceSizeType) as unknown[]).includes(value.sizeType),
};

/** A seed audience, a training data source: what is bound to a construct and grants read access. */
export function bindableKind(rule: string): InputKind {
  return { rule, test: (value) => hasFunction(value, 'bind') && hasFunction(value, 'grantRead') };
}
