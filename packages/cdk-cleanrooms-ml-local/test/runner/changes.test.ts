import { join } from 'node:path';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  fixtureProvider,
  onEventCalls,
  readJournal,
  removeTemporaryDirectories,
  resourceEvents,
  synth,
  temporaryDirectory,
  thing,
} from './helpers';
import { deployStack, DeploymentEvent, StackOperationResult } from '../../src/runner';
import { resourceChange } from '../../src/runner/changes';
import type { JsonObject } from '../../src/runner/template';

afterAll(removeTemporaryDirectories);

describe('resourceChange', () => {
  const dataset = { Name: 'purchases', RoleArn: 'arn:aws:iam::123456789012:role/r', TrainingData: [], Tags: [{ Key: 'team', Value: 'growth' }] };

  test('replaces a resource when its type\'s schema says the changed property needs a new one', () => {
    expect(resourceChange('AWS::CleanRoomsML::TrainingDataset', dataset, { ...dataset, Tags: [{ Key: 'team', Value: 'ads' }] })).toBe('update');
    expect(resourceChange('AWS::CleanRoomsML::TrainingDataset', dataset, { ...dataset, Description: 'now described' })).toBe('replace');
    expect(resourceChange('AWS::CleanRoomsML::TrainingDataset', dataset, { ...dataset, Name: 'purchases-v2' })).toBe('replace');
    expect(resourceChange('AWS::IAM::Role', { Path: '/' }, { Path: '/service/' })).toBe('replace');
    expect(resourceChange('AWS::IAM::Role', { Path: '/' }, { Path: '/', Description: 'new' })).toBe('update');
  });

  test('finds no change where CloudFormation finds none (a number and its string are equal)', () => {
    expect(resourceChange('AWS::CleanRoomsML::TrainingDataset', dataset, structuredClone(dataset))).toBe('none');
    expect(resourceChange('AWS::Lambda::Function', { Timeout: 10 }, { Timeout: '10' })).toBe('none');
  });

  test('updates a custom resource in place: its handler decides on a replacement', () => {
    expect(resourceChange('Custom::Thing', { ServiceToken: 'arn', Name: 'a' }, { ServiceToken: 'arn', Name: 'b' })).toBe('update');
  });

  test('replaces a recorded resource whose physical name changes, even where the schema updates the property in place', () => {
    const table = (name: string): JsonObject => ({ DatabaseName: 'retail', CatalogId: '123456789012', TableInput: { Name: name } });

    expect(resourceChange('AWS::Glue::Table', table('purchases'), table('purchases_v2'))).toBe('replace');
  });
});

test('replaces a resource whose create-only property changed and updates what refers to it, deleting the old one after the update', async () => {
  const directory = temporaryDirectory();
  const journal = join(directory, 'journal.jsonl');
  const stateFile = join(directory, 'state.json');
  const version = (fifoQueue: boolean, visibilityTimeout: number): string => synth((stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    const queue = new sqs.CfnQueue(stack, 'Queue', { fifoQueue, visibilityTimeout });
    queue.overrideLogicalId('Queue');
    thing(stack, provider, 'Consumer', { QueueUrl: queue.ref });
  });
  const physicalId = (result: StackOperationResult, logicalId: string): string =>
    result.resources.find((resource) => resource.logicalResourceId === logicalId)!.physicalResourceId;
  const first = await deployStack({ assembly: version(false, 30), stateFile });

  const inPlace = await deployStack({ assembly: version(false, 60), stateFile });
  const events: DeploymentEvent[] = [];
  const replaced = await deployStack({ assembly: version(true, 60), stateFile, onEvent: (event) => events.push(event) });

  expect([first.status, inPlace.status, replaced.status]).toEqual(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_COMPLETE']);
  // VisibilityTimeout is updated in place: the queue keeps its URL and the consumer is left alone.
  expect(physicalId(inPlace, 'Queue')).toBe(physicalId(first, 'Queue'));
  // FifoQueue needs a new queue (the schema says so): the consumer is told its new URL.
  expect(physicalId(replaced, 'Queue')).not.toBe(physicalId(first, 'Queue'));
  expect(onEventCalls(journal)).toEqual(['Create Consumer', 'Update Consumer']);
  const update = readJournal(journal)[1];
  expect([update.OldResourceProperties!.QueueUrl, update.ResourceProperties.QueueUrl]).toEqual([physicalId(first, 'Queue'), physicalId(replaced, 'Queue')]);
  expect(resourceEvents(events)).toEqual([
    'Queue UPDATE_IN_PROGRESS',
    'Queue UPDATE_IN_PROGRESS',
    'Queue UPDATE_COMPLETE',
    'Consumer UPDATE_IN_PROGRESS',
    'Consumer UPDATE_COMPLETE',
    'Queue DELETE_IN_PROGRESS',
    'Queue DELETE_COMPLETE',
  ]);
});
