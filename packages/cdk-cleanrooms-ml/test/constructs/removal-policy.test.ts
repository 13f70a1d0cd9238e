/**
 * `applyRemovalPolicy()` on every construct of the library, held to what it
 * does on an aws-cdk-lib L2 (`Queue`): the policy lands on the construct's
 * CloudFormation resource as DeletionPolicy and UpdateReplacePolicy.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import {
  createdConfiguredModel,
  EXPORT_TYPE,
  generationJob,
  importedConfiguredModel,
  JOB_TYPE,
  newStack,
  validationErrorOf,
} from './job-fixtures';
import { AudienceModel, AudienceSize, CollaborationMembership, ColumnType, TrainingDataset, TrainingDataSource } from '../../src';

const MODEL_TYPE = 'Custom::CleanRoomsMLAudienceModel';
const CONFIGURED_TYPE = 'Custom::CleanRoomsMLConfiguredAudienceModel';
const DATASET_TYPE = 'AWS::CleanRoomsML::TrainingDataset';
const WAIT_TYPE = 'Custom::CleanRoomsMLWait';
const ASSOCIATION_TYPE = 'Custom::CleanRoomsConfiguredAudienceModelAssociation';

function dataset(stack: Stack): TrainingDataset {
  return new TrainingDataset(stack, 'Dataset', {
    dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases' }),
    columns: [
      { columnName: 'user_id', columnType: ColumnType.USER_ID },
      { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
      { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
    ],
  });
}

/** Each construct of the library, created alone in a stack, with the type of the resource that carries its policy. */
const CONSTRUCTS: ReadonlyArray<readonly [string, string, (stack: Stack) => IConstruct & { applyRemovalPolicy(policy: RemovalPolicy): void }]> = [
  ['TrainingDataset', DATASET_TYPE, dataset],
  ['AudienceModel', MODEL_TYPE, (stack) => new AudienceModel(stack, 'Model', { trainingDataset: dataset(stack), timeout: Duration.hours(1) })],
  ['ConfiguredAudienceModel', CONFIGURED_TYPE, (stack) => createdConfiguredModel(stack)],
  ['AudienceGenerationJob', JOB_TYPE, (stack) => generationJob(stack)],
  ['AudienceExportJob', EXPORT_TYPE, (stack) => generationJob(stack).export('Export', { audienceSize: AudienceSize.absolute(10_000) })],
  [
    'ConfiguredAudienceModelAssociation',
    ASSOCIATION_TYPE,
    (stack) => importedConfiguredModel(stack).associateWith(CollaborationMembership.fromMembershipId('5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f')),
  ],
];

/** DeletionPolicy and UpdateReplacePolicy of the only resource of `type`. */
function policiesOf(stack: Stack, type: string): { DeletionPolicy?: string; UpdateReplacePolicy?: string } {
  const resources = Object.values(Template.fromStack(stack).findResources(type));
  expect(resources).toHaveLength(1);
  const { DeletionPolicy, UpdateReplacePolicy } = resources[0];
  return { DeletionPolicy, UpdateReplacePolicy };
}

/** What the same policy makes of a Queue's resource. */
function queuePolicies(policy: RemovalPolicy): { DeletionPolicy?: string; UpdateReplacePolicy?: string } {
  const stack = newStack();
  new sqs.Queue(stack, 'Queue').applyRemovalPolicy(policy);
  return policiesOf(stack, 'AWS::SQS::Queue');
}

describe.each(CONSTRUCTS)('%s', (_name, type, create) => {
  test.each([RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY])(
    'applyRemovalPolicy(%s) sets the resource\'s policies as on a Queue',
    (policy) => {
      const stack = newStack();
      create(stack).applyRemovalPolicy(policy);

      expect(policiesOf(stack, type)).toEqual(queuePolicies(policy));
    },
  );

  test('fails, naming removalPolicy, when applyRemovalPolicy is given something else than a RemovalPolicy', () => {
    const stack = newStack();
    const construct = create(stack);

    const error = validationErrorOf(() => construct.applyRemovalPolicy('keep' as RemovalPolicy));

    expect(error.message).toBe(`${construct.node.path}: removalPolicy must be one of DESTROY, RETAIN, SNAPSHOT, RETAIN_ON_UPDATE_OR_DELETE, got "keep"`);
  });
});

describe('with wait resources (a timeout over an hour)', () => {
  test('the audience model\'s own resource carries the policy; its wait resources, which own nothing, stay Delete', () => {
    const stack = newStack();
    new AudienceModel(stack, 'Model', { trainingDataset: dataset(stack), timeout: Duration.hours(3) }).applyRemovalPolicy(RemovalPolicy.RETAIN);

    const template = Template.fromStack(stack);
    expect(policiesOf(stack, MODEL_TYPE)).toEqual({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const waits = Object.values(template.findResources(WAIT_TYPE));
    expect(waits.length).toBeGreaterThan(0);
    for (const wait of waits) {
      // CloudFormation's default, Delete: not written.
      expect(wait.DeletionPolicy).toBeUndefined();
      expect(wait.UpdateReplacePolicy).toBeUndefined();
    }
  });

  test('the generation job\'s own resource carries the policy, as with the removalPolicy prop', () => {
    const applied = newStack();
    generationJob(applied, { timeout: Duration.hours(2) }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    const given = newStack();
    generationJob(given, { timeout: Duration.hours(2), removalPolicy: RemovalPolicy.RETAIN });

    expect(policiesOf(applied, JOB_TYPE)).toEqual({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(policiesOf(applied, JOB_TYPE)).toEqual(policiesOf(given, JOB_TYPE));
  });
});
