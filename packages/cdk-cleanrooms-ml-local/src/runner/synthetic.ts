/**
 * Physical ids and attributes for resources the runner only records (IAM
 * roles, Lambda functions, log groups, ...): shaped like the real ones, so
 * ARNs built from them, and handlers that parse them, see what AWS would give.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Json, JsonObject } from './template';

/** Where the stack lives: what pseudo parameters and synthetic ARNs are made of. */
export interface StackScope {
  readonly stackName: string;
  readonly stackId: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

interface SyntheticType {
  /** The property holding a user-given physical name (the physical id is made of it, so changing it replaces the resource). */
  readonly nameProperty?: string | ((properties: JsonObject) => Json | undefined);
  readonly maxNameLength?: number;
  readonly lowercase?: boolean;
  /** What Ref returns. @default the name */
  readonly ref?: (name: string, scope: StackScope, properties: JsonObject) => string;
  readonly attributes?: (name: string, scope: StackScope, properties: JsonObject) => Record<string, Json>;
}

const arn = (scope: StackScope, service: string, resource: string, regional = true): string =>
  `arn:${scope.partition}:${service}:${regional ? scope.region : ''}:${service === 's3' ? '' : scope.accountId}:${resource}`;

const iamPath = (properties: JsonObject): string => (typeof properties.Path === 'string' ? properties.Path : '/');

const SYNTHETIC_TYPES: Readonly<Record<string, SyntheticType>> = {
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    maxNameLength: 64,
    attributes: (name, scope) => ({ Arn: arn(scope, 'lambda', `function:${name}`) }),
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    maxNameLength: 64,
    attributes: (name, scope, properties) => ({
      Arn: arn(scope, 'iam', `role${iamPath(properties)}${name}`, false),
      RoleId: `AROA${digest(name, 17).toUpperCase()}`,
    }),
  },
  'AWS::IAM::User': {
    nameProperty: 'UserName',
    maxNameLength: 64,
    attributes: (name, scope, properties) => ({ Arn: arn(scope, 'iam', `user${iamPath(properties)}${name}`, false) }),
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    maxNameLength: 128,
    ref: (name, scope, properties) => arn(scope, 'iam', `policy${iamPath(properties)}${name}`, false),
    attributes: (name, scope, properties) => ({ PolicyArn: arn(scope, 'iam', `policy${iamPath(properties)}${name}`, false) }),
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    maxNameLength: 63,
    lowercase: true,
    attributes: (name, scope) => ({
      Arn: `arn:${scope.partition}:s3:::${name}`,
      DomainName: `${name}.s3.${scope.urlSuffix}`,
      RegionalDomainName: `${name}.s3.${scope.region}.${scope.urlSuffix}`,
      DualStackDomainName: `${name}.s3.dualstack.${scope.region}.${scope.urlSuffix}`,
      WebsiteURL: `http://${name}.s3-website-${scope.region}.${scope.urlSuffix}`,
    }),
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    maxNameLength: 512,
    attributes: (name, scope) => ({ Arn: arn(scope, 'logs', `log-group:${name}:*`) }),
  },
  'AWS::StepFunctions::StateMachine': {
    nameProperty: 'StateMachineName',
    maxNameLength: 80,
    ref: (name, scope) => arn(scope, 'states', `stateMachine:${name}`),
    attributes: (name, scope) => ({ Arn: arn(scope, 'states', `stateMachine:${name}`), Name: name }),
  },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    maxNameLength: 80,
    ref: (name, scope) => `https://sqs.${scope.region}.${scope.urlSuffix}/${scope.accountId}/${name}`,
    attributes: (name, scope) => ({
      Arn: arn(scope, 'sqs', name),
      QueueName: name,
      QueueUrl: `https://sqs.${scope.region}.${scope.urlSuffix}/${scope.accountId}/${name}`,
    }),
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    maxNameLength: 256,
    ref: (name, scope) => arn(scope, 'sns', name),
    attributes: (name, scope) => ({ TopicArn: arn(scope, 'sns', name), TopicName: name }),
  },
  'AWS::KMS::Key': {
    ref: (name) => keyId(name),
    attributes: (name, scope) => ({ Arn: arn(scope, 'kms', `key/${keyId(name)}`), KeyId: keyId(name) }),
  },
  'AWS::KMS::Alias': { nameProperty: 'AliasName' },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    maxNameLength: 512,
    ref: (name, scope) => arn(scope, 'secretsmanager', `secret:${name}-${digest(name, 6)}`),
    attributes: (name, scope) => ({ Id: arn(scope, 'secretsmanager', `secret:${name}-${digest(name, 6)}`) }),
  },
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    maxNameLength: 255,
    attributes: (name, scope) => ({
      Arn: arn(scope, 'dynamodb', `table/${name}`),
      StreamArn: arn(scope, 'dynamodb', `table/${name}/stream/1970-01-01T00:00:00.000`),
    }),
  },
  'AWS::Glue::Database': {
    nameProperty: (properties) => (properties.DatabaseInput as JsonObject | undefined)?.Name,
    lowercase: true,
  },
  'AWS::Glue::Table': {
    nameProperty: (properties) => (properties.TableInput as JsonObject | undefined)?.Name,
    lowercase: true,
  },
  'AWS::Events::Rule': {
    nameProperty: 'Name',
    maxNameLength: 64,
    attributes: (name, scope) => ({ Arn: arn(scope, 'events', `rule/${name}`) }),
  },
};

/** Name properties of the types the runner creates for real (replacing them under the same name fails). */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::CleanRoomsML::TrainingDataset': 'Name',
};

/** The user-given physical name of a resource, if its type has one and the template sets it. */
export function physicalNameOf(type: string, properties: JsonObject): string | undefined {
  const nameProperty = SYNTHETIC_TYPES[type]?.nameProperty ?? NAME_PROPERTIES[type];
  const value = typeof nameProperty === 'function' ? nameProperty(properties) : nameProperty ? properties[nameProperty] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A new recorded resource: its physical id (the Ref value) and attributes. */
export function syntheticResource(
  type: string,
  logicalId: string,
  properties: JsonObject,
  scope: StackScope,
): { readonly physicalResourceId: string; readonly attributes: Record<string, Json> } {
  const info = SYNTHETIC_TYPES[type] ?? {};
  const name = physicalNameOf(type, properties) ?? generatedName(scope.stackName, logicalId, info.maxNameLength ?? 128, info.lowercase ?? false);
  const physicalResourceId = info.ref ? info.ref(name, scope, properties) : name;
  return { physicalResourceId, attributes: info.attributes ? info.attributes(name, scope, properties) : {} };
}

/**
 * Fn::GetAtt of an attribute the runner did not record: an ARN for `Arn` /
 * `*Arn`, the physical id for ids and names, otherwise a value derived from
 * the physical id. Deterministic, so repeated deploys see the same value.
 */
export function genericAttribute(type: string, physicalResourceId: string, attribute: string, scope: StackScope): string {
  if (attribute === 'Arn' || attribute.endsWith('Arn')) {
    const [, service = 'unknown', resource = 'resource'] = type.split('::');
    const resourceId = physicalResourceId.startsWith('arn:') ? physicalResourceId.split(':').slice(5).join(':') : physicalResourceId;
    return arn(scope, service.toLowerCase(), `${resource.toLowerCase()}/${resourceId}`);
  }
  if (attribute.endsWith('Id') || attribute.endsWith('Name')) {
    return physicalResourceId;
  }
  return `${physicalResourceId}.${attribute}`;
}

/**
 * `<stack>-<logicalId>-<RANDOM>` as CloudFormation names resources it names
 * itself, shortened to the type's length limit.
 */
export function generatedName(stackName: string, logicalId: string, maxLength: number, lowercase: boolean): string {
  const suffix = randomBytes(8).toString('hex').toUpperCase().slice(0, 12);
  const room = Math.max(2, maxLength - suffix.length - 2);
  const stackPart = stackName.slice(0, Math.max(1, Math.floor(room / 2)));
  const logicalPart = logicalId.slice(0, room - stackPart.length);
  const name = `${stackPart}-${logicalPart}-${suffix}`;
  return lowercase ? name.toLowerCase() : name;
}

function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function keyId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
