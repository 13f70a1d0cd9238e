/**
 * Timeouts longer than CloudFormation's hour: the wait resources an
 * AudienceModel or AudienceGenerationJob adds after its own, and how what
 * uses the model or job waits for the last of them.
 */
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ACCOUNT,
  createdConfiguredModel,
  EXPORT_TYPE,
  generationJob,
  JOB_TYPE,
  REGION,
  validationErrorOf,
} from './job-fixtures';
import { AudienceModel, AudienceModelProps, AudienceSize, ConfiguredAudienceModel, TrainingDataset } from '../../src';

const DATASET_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset/7f3c0a5e-1d2b-4c8f-9e6a-0b1c2d3e4f5a`;
const MODEL_TYPE = 'Custom::CleanRoomsMLAudienceModel';
const CONFIGURED_TYPE = 'Custom::CleanRoomsMLConfiguredAudienceModel';
const WAIT_TYPE = 'Custom::CleanRoomsMLWait';
const HOUR = 3600;
/** A wait resource's full window: CloudFormation's hour less the handler's two-minute margin. */
const WINDOW = 3480;

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
}

function audienceModel(stack: Stack, props: Partial<AudienceModelProps> = {}): AudienceModel {
  return new AudienceModel(stack, 'AudienceModel', {
    trainingDataset: TrainingDataset.fromTrainingDatasetArn(stack, 'Dataset', DATASET_ARN),
    ...props,
  });
}

function onlyId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

interface Link {
  readonly id: string;
  readonly resource: any;
}

/** The wait resources of the template, in chain order. */
function waitChain(template: Template): Link[] {
  return Object.entries(template.findResources(WAIT_TYPE))
    .map(([id, resource]) => ({ id, resource }))
    .sort((a, b) => a.resource.Properties.Link - b.resource.Properties.Link);
}

describe('AudienceModel timeout', () => {
  test.each([
    ['30 minutes', Duration.minutes(30), 1800],
    ['1 hour', Duration.hours(1), HOUR],
  ])('a timeout of %s fits in the model\'s own resource: no wait resource', (_name, timeout, seconds) => {
    const stack = newStack();
    audienceModel(stack, { timeout });

    const template = Template.fromStack(stack);
    expect(waitChain(template)).toEqual([]);
    const model = template.findResources(MODEL_TYPE)[onlyId(template, MODEL_TYPE)];
    expect(model.Properties.TimeoutSeconds).toBe(seconds);
    expect(model.Properties.WaitLinks).toBeUndefined();
  });

  test.each([
    ['2 hours', Duration.hours(2), [WINDOW, 120]],
    ['24 hours (the default)', undefined, [...Array(23).fill(WINDOW), 2760]],
    ['72 hours (the most)', Duration.hours(72), [...Array(73).fill(WINDOW), 1560]],
  ])('a timeout of %s adds one wait resource per window past the model\'s own, in a chain', (_name, timeout, windows) => {
    const stack = newStack();
    audienceModel(stack, timeout ? { timeout } : {});

    const template = Template.fromStack(stack);
    const modelId = onlyId(template, MODEL_TYPE);
    const links = waitChain(template);
    const total = timeout?.toSeconds() ?? 24 * HOUR;
    expect(links.map((link) => link.resource.Properties.WindowSeconds)).toEqual(windows);
    // The model's window, the links' and the handler's margin make up the whole timeout.
    expect(WINDOW + windows.reduce((sum, window) => sum + window, 0) + 120).toBe(total);
    expect(template.findResources(MODEL_TYPE)[modelId].Properties).toMatchObject({ TimeoutSeconds: HOUR, WaitLinks: windows.length });
    links.forEach((link, index) => {
      expect(link.resource.Properties).toEqual({
        ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^CleanRoomsMlProviderframeworkonEvent/), 'Arn'] },
        ServiceTimeout: '3600',
        TimeoutSeconds: total,
        ResourceKind: 'audience-model',
        ResourceArn: { 'Fn::GetAtt': [modelId, 'AudienceModelArn'] },
        Link: index + 1,
        Links: windows.length,
        WindowSeconds: windows[index],
      });
      // The first link's ResourceArn (a GetAtt) already orders it after the model: a DependsOn
      // on the model as well is redundant, which cfn-lint reports (W3005).
      if (index === 0) {
        expect(link.resource.DependsOn).not.toContain(modelId);
      } else {
        expect(link.resource.DependsOn).toContain(links[index - 1].id);
      }
      expect(link.id).toMatch(new RegExp(`^AudienceModelTrainingWait${index + 1}[0-9A-F]{8}$`));
    });
  });

  test('the model\'s ARN, name, status and metrics are the last wait resource\'s: those of the ACTIVE model', () => {
    const stack = newStack();
    const model = audienceModel(stack, { timeout: Duration.hours(3) });

    const last = waitChain(Template.fromStack(stack)).pop()!.id;
    const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [last, attribute] });
    expect(stack.resolve(model.audienceModelArn)).toEqual(getAtt('AudienceModelArn'));
    expect(stack.resolve(model.audienceModelName)).toEqual(getAtt('Name'));
    expect(stack.resolve(model.attrStatus)).toEqual(getAtt('Status'));
    expect(stack.resolve(model.attrMetrics)).toEqual(getAtt('Metrics'));
    expect(stack.resolve(model.attrPrecision)).toEqual(getAtt('Precision'));
    expect(stack.resolve(model.attrRecall)).toEqual(getAtt('Recall'));
    expect(stack.resolve(model.attrMeanReciprocalRank)).toEqual(getAtt('MeanReciprocalRank'));
    expect(stack.resolve(model.attrNormalizedDiscountedCumulativeGain)).toEqual(getAtt('NormalizedDiscountedCumulativeGain'));
  });

  test('a configured audience model of the model is created after the last wait resource', () => {
    const stack = newStack();
    audienceModel(stack, { timeout: Duration.hours(5) });
    createdConfiguredModel(stack, { outputBucket: new s3.Bucket(stack, 'Output') });

    const template = Template.fromStack(stack);
    const last = waitChain(template).pop()!.id;
    template.hasResourceProperties(CONFIGURED_TYPE, { AudienceModelArn: { 'Fn::GetAtt': [last, 'AudienceModelArn'] } });
  });

  test('a dependency on the model construct waits for every wait resource', () => {
    const stack = newStack();
    const model = audienceModel(stack, { timeout: Duration.hours(3) });
    const dependant = new CfnResource(stack, 'Dependant', { type: 'AWS::SNS::Topic' });
    dependant.node.addDependency(model);

    const template = Template.fromStack(stack);
    const links = waitChain(template).map((link) => link.id);
    expect(links).toHaveLength(3);
    expect(template.toJSON().Resources.Dependant.DependsOn).toEqual(expect.arrayContaining([onlyId(template, MODEL_TYPE), ...links]));
  });

  test('logical ids stay the same from one synthesis to the next', () => {
    const ids = () => {
      const stack = newStack();
      audienceModel(stack);
      return Object.keys(Template.fromStack(stack).toJSON().Resources);
    };
    expect(ids()).toEqual(ids());
  });

  test('wait resources need no permission the model does not already have', () => {
    const statements = (timeout: Duration) => {
      const stack = newStack();
      audienceModel(stack, { timeout });
      const template = Template.fromStack(stack);
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { PolicyName: Match.stringLikeRegexp('CleanRoomsMlProviderHandlerPolicy') },
      });
      return Object.values(policies).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    };

    const chained = statements(Duration.hours(24));
    expect(chained).toEqual(statements(Duration.hours(1)));
    const wildcards = chained.filter((statement) => statement.Resource === '*');
    expect(wildcards.flatMap((statement) => [statement.Action].flat())).toEqual(['cleanrooms-ml:ListAudienceModels']);
  });

  describe('validation', () => {
    test('fails when timeout is longer than 72 hours', () => {
      const error = validationErrorOf(() => audienceModel(newStack(), { timeout: Duration.hours(73) }));
      expect(error.message).toBe(
        'TestStack/AudienceModel: timeout must be between 5 minutes and 72 hours (each hour of waiting past the first adds a wait '
        + 'resource to the stack, and a stack holds at most 500 resources), got 3 days 1 hour',
      );
    });
  });
});

describe('AudienceGenerationJob timeout', () => {
  test('keeps the job a single resource by default', () => {
    const stack = newStack();
    generationJob(stack);

    const template = Template.fromStack(stack);
    expect(waitChain(template)).toEqual([]);
    template.hasResourceProperties(JOB_TYPE, { TimeoutSeconds: HOUR, WaitLinks: Match.absent() });
  });

  test('a timeout over an hour adds generation wait resources carrying the relevance scores the app reads', () => {
    const stack = newStack();
    const job = generationJob(stack, { timeout: Duration.hours(3) });
    const score = job.relevanceScore(AudienceSize.absolute(10_000));

    const template = Template.fromStack(stack);
    const jobId = onlyId(template, JOB_TYPE);
    const links = waitChain(template);
    expect(links.map((link) => link.resource.Properties.WindowSeconds)).toEqual([WINDOW, WINDOW, 240]);
    links.forEach((link, index) => {
      expect(link.id).toMatch(new RegExp(`^JobGenerationWait${index + 1}[0-9A-F]{8}$`));
      expect(link.resource.Properties).toMatchObject({
        ResourceKind: 'audience-generation-job',
        ResourceArn: { 'Fn::GetAtt': [jobId, 'AudienceGenerationJobArn'] },
        Link: index + 1,
        Links: 3,
        TimeoutSeconds: 3 * HOUR,
      });
      // Ordered after the job by its ResourceArn, then after the link before (cfn-lint's W3005: no redundant DependsOn).
      if (index === 0) {
        expect(link.resource.DependsOn).not.toContain(jobId);
      } else {
        expect(link.resource.DependsOn).toContain(links[index - 1].id);
      }
    });
    // Only the last link is read, so only it returns the scores.
    expect(links.map((link) => link.resource.Properties.RelevanceScoreSizes)).toEqual([undefined, undefined, ['ABSOLUTE:10000']]);
    const last = links[2].id;
    expect(stack.resolve(score)).toEqual({ 'Fn::GetAtt': [last, 'RelevanceScore.ABSOLUTE.10000'] });
    expect(stack.resolve(job.audienceGenerationJobArn)).toEqual({ 'Fn::GetAtt': [last, 'AudienceGenerationJobArn'] });
    expect(stack.resolve(job.attrRelevanceMetrics)).toEqual({ 'Fn::GetAtt': [last, 'RelevanceMetrics'] });
  });

  test('an export of the job is started after the last generation wait resource', () => {
    const stack = newStack();
    const configured = createdConfiguredModel(stack);
    const job = generationJob(stack, { configuredAudienceModel: configured, timeout: Duration.hours(2) });
    job.export('Export', { audienceSize: AudienceSize.absolute(10_000) });

    const template = Template.fromStack(stack);
    const last = waitChain(template).pop()!.id;
    template.hasResourceProperties(EXPORT_TYPE, { AudienceGenerationJobArn: { 'Fn::GetAtt': [last, 'AudienceGenerationJobArn'] } });
  });

  test('fails when timeout is longer than 72 hours', () => {
    const error = validationErrorOf(() => generationJob(newStack(), { timeout: Duration.hours(100) }));
    expect(error.message).toMatch(/^TestStack\/Job: timeout must be between 5 minutes and 72 hours .*, got 4 days 4 hours$/);
  });
});

test('a pipeline with the default timeouts stays far below CloudFormation\'s 500 resources', () => {
  const stack = newStack();
  const model = audienceModel(stack);
  const configured = new ConfiguredAudienceModel(stack, 'Configured', {
    audienceModel: model,
    outputBucket: new s3.Bucket(stack, 'Output'),
  });
  generationJob(stack, { configuredAudienceModel: configured });

  const resources = Object.keys(Template.fromStack(stack).toJSON().Resources);
  expect(waitChain(Template.fromStack(stack))).toHaveLength(24);
  expect(resources.length).toBeLessThan(100);
});
