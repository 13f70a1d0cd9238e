/**
 * Timeouts longer than CloudFormation's hour: the wait conditions, the
 * training poller and the ready resource an AudienceModel or
 * AudienceGenerationJob adds after its own resource, and how what uses the
 * model or job waits for them.
 */
import { App, CfnResource, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
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
import {
  AudienceGenerationJobProps,
  AudienceModel,
  AudienceModelProps,
  AudienceSize,
  AudienceSizeConfig,
  ColumnType,
  ConfiguredAudienceModel,
  ConfiguredAudienceModelProps,
  TagOnCreatePolicy,
  TrainingDataset,
  TrainingDataSource,
} from '../../src';

const DATASET_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset/7f3c0a5e-1d2b-4c8f-9e6a-0b1c2d3e4f5a`;
const MODEL_TYPE = 'Custom::CleanRoomsMLAudienceModel';
const CONFIGURED_TYPE = 'Custom::CleanRoomsMLConfiguredAudienceModel';
const WAIT_TYPE = 'Custom::CleanRoomsMLWait';
const WAIT_CONDITION_TYPE = 'AWS::CloudFormation::WaitCondition';
const STATE_MACHINE_TYPE = 'AWS::StepFunctions::StateMachine';
const HOUR = 3600;
/** A custom resource's window: CloudFormation's hour less the handler's two-minute margin. */
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

interface Resource {
  readonly id: string;
  readonly resource: any;
}

/** The wait conditions of the template, in chain order (each depends on the one before). */
function waitConditions(template: Template): Resource[] {
  const all = Object.entries(template.findResources(WAIT_CONDITION_TYPE)).map(([id, resource]) => ({ id, resource }));
  const ordered: Resource[] = [];
  let next = all.find((candidate) => !all.some((other) => candidate.resource.DependsOn?.includes(other.id)));
  while (next) {
    ordered.push(next);
    const previous: string = next.id;
    next = all.find((candidate) => candidate.resource.DependsOn?.includes(previous));
  }
  expect(ordered).toHaveLength(all.length);
  return ordered;
}

/** Statements of the policies whose name matches. */
function statementsOf(template: Template, policyName: RegExp): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy: any) => policyName.test(policy.Properties.PolicyName))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

describe('AudienceModel timeout', () => {
  test.each([
    ['30 minutes', Duration.minutes(30), 1800],
    ['1 hour', Duration.hours(1), HOUR],
  ])('a timeout of %s fits in the model\'s own resource: nothing else, no poller execution', (_name, timeout, seconds) => {
    const stack = newStack();
    audienceModel(stack, { timeout });

    const template = Template.fromStack(stack);
    template.resourceCountIs(WAIT_TYPE, 0);
    template.resourceCountIs(WAIT_CONDITION_TYPE, 0);
    // The stack's one state machine, which completes every operation; the model starts no long wait's execution on it.
    template.resourceCountIs(STATE_MACHINE_TYPE, 1);
    const model = template.findResources(MODEL_TYPE)[onlyId(template, MODEL_TYPE)];
    expect(model.Properties.TimeoutSeconds).toBe(seconds);
    expect(model.Properties.WaitLinks).toBeUndefined();
    expect(model.Properties.WaitConditions).toBeUndefined();
  });

  test('a timeout under two hours adds only the ready resource, which waits what the model\'s window leaves', () => {
    const stack = newStack();
    audienceModel(stack, { timeout: Duration.minutes(90) });

    const template = Template.fromStack(stack);
    template.resourceCountIs(WAIT_CONDITION_TYPE, 0);
    template.resourceCountIs(STATE_MACHINE_TYPE, 1);
    const modelId = onlyId(template, MODEL_TYPE);
    template.hasResource(WAIT_TYPE, {
      Properties: Match.objectLike({ ResourceArn: { 'Fn::GetAtt': [modelId, 'AudienceModelArn'] }, WindowSeconds: 5400 - 120 - WINDOW }),
    });
    expect(template.findResources(MODEL_TYPE)[modelId].Properties).toMatchObject({ TimeoutSeconds: HOUR, WaitLinks: 1 });
  });

  test.each([
    ['1 h 58 min', 7080],
    ['exactly 2 hours', 7200],
  ])('a timeout of %s needs no wait condition and no poller execution: two windows are the whole wait', (_name, seconds) => {
    const stack = newStack();
    audienceModel(stack, { timeout: Duration.seconds(seconds) });

    const template = Template.fromStack(stack);
    template.resourceCountIs(WAIT_CONDITION_TYPE, 0);
    // The stack's one state machine, whatever the wait.
    template.resourceCountIs(STATE_MACHINE_TYPE, 1);
    const modelId = onlyId(template, MODEL_TYPE);
    expect(template.findResources(MODEL_TYPE)[modelId].Properties).toMatchObject({ TimeoutSeconds: HOUR, WaitLinks: 1 });
    expect(template.findResources(MODEL_TYPE)[modelId].Properties.WaitConditions).toBeUndefined();
    // A whole window (the handler's default), the most one custom resource waits: past 1 h 58 min the wait ends up to
    // 2 minutes before the timeout's own margin, rather than add a 2-minute wait condition and the poller.
    template.hasResource(WAIT_TYPE, {
      Properties: Match.objectLike({ ResourceArn: { 'Fn::GetAtt': [modelId, 'AudienceModelArn'] }, WindowSeconds: Match.absent() }),
    });
  });

  test('a timeout just past 2 hours gets a wait condition, signalled by the poller, which waits what the two windows leave', () => {
    const stack = newStack();
    audienceModel(stack, { timeout: Duration.seconds(7201) });

    const template = Template.fromStack(stack);
    const [condition] = waitConditions(template);
    template.resourceCountIs(WAIT_CONDITION_TYPE, 1);
    template.resourceCountIs(STATE_MACHINE_TYPE, 1);
    expect(template.findResources(MODEL_TYPE)[onlyId(template, MODEL_TYPE)].Properties.WaitConditions).toMatchObject({
      LogicalIds: [condition.id],
      Signals: 1,
      WindowSeconds: 7201 - 120 - 2 * WINDOW,
    });
  });

  test.each([
    ['24 hours (the default)', undefined, 2],
    ['72 hours (the most)', Duration.hours(72), 6],
  ])('a timeout of %s adds wait conditions of at most 12 hours, then the ready resource', (_name, timeout, count) => {
    const stack = newStack();
    audienceModel(stack, timeout ? { timeout } : {});

    const template = Template.fromStack(stack);
    const total = timeout?.toSeconds() ?? 24 * HOUR;
    const modelId = onlyId(template, MODEL_TYPE);
    const conditions = waitConditions(template);
    expect(conditions).toHaveLength(count);
    const model = template.findResources(MODEL_TYPE)[modelId];
    const plan = model.Properties.WaitConditions;
    expect(model.Properties).toMatchObject({ TimeoutSeconds: HOUR, WaitLinks: count + 1 });
    expect(plan).toEqual({
      LogicalIds: conditions.map((condition) => condition.id),
      Signals: expect.any(Number),
      WindowSeconds: expect.any(Number),
      IntervalSeconds: expect.any(Number),
    });
    conditions.forEach((condition, index) => {
      // With a CreationPolicy, no properties (CloudFormation's rule), the most a CreationPolicy waits, and the plan's signals.
      expect(condition.resource).toEqual({
        Type: WAIT_CONDITION_TYPE,
        CreationPolicy: { ResourceSignal: { Count: plan.Signals, Timeout: 'PT12H' } },
        DependsOn: [index === 0 ? modelId : conditions[index - 1].id],
      });
      expect(condition.id).toMatch(new RegExp(`^AudienceModelWait${index + 1}[0-9A-F]{8}[0-9A-F]{8}$`));
    });
    // The poller hands over before a wait condition's 12 hours, with time for a late check.
    expect(plan.WindowSeconds).toBeLessThanOrEqual(12 * HOUR - 15 * 60);
    // A stack event (a signal) every 2 hours at most.
    expect(plan.WindowSeconds / plan.Signals).toBeLessThanOrEqual(2 * HOUR);
    // An execution of the poller stays under Step Functions' 25,000 history events (about 9 per check).
    expect((total / plan.IntervalSeconds) * 9).toBeLessThanOrEqual(20_000);
    expect(plan.IntervalSeconds).toBeGreaterThanOrEqual(30);

    const readyId = onlyId(template, WAIT_TYPE);
    const ready = template.findResources(WAIT_TYPE)[readyId];
    // The kind is the ARN's and it is the only link (the handler's defaults); it follows the last wait condition, and the
    // handler policy through the model it reads.
    // A whole window (the handler's default) after the wait conditions.
    expect(ready.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^CleanRoomsMlProviderframeworkonEvent/), 'Arn'] },
      TimeoutSeconds: total,
      ResourceArn: { 'Fn::GetAtt': [modelId, 'AudienceModelArn'] },
    });
    expect(readyId).toMatch(/^AudienceModelReady[0-9A-F]{8}$/);
    expect(ready.DependsOn).toEqual([conditions[count - 1].id]);
    // The model's window, the wait conditions', the ready resource's and the handler's margin make up the whole timeout.
    const waited = WINDOW + count * plan.WindowSeconds + WINDOW + 120;
    expect(waited).toBeGreaterThanOrEqual(total);
    expect(waited - total).toBeLessThan(count);
  });

  test('the model\'s ARN, name, status and metrics are the ready resource\'s: those of the ACTIVE model', () => {
    const stack = newStack();
    const model = audienceModel(stack);

    const ready = onlyId(Template.fromStack(stack), WAIT_TYPE);
    const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [ready, attribute] });
    expect(stack.resolve(model.audienceModelArn)).toEqual(getAtt('AudienceModelArn'));
    expect(stack.resolve(model.audienceModelName)).toEqual(getAtt('Name'));
    expect(stack.resolve(model.attrStatus)).toEqual(getAtt('Status'));
    expect(stack.resolve(model.attrMetrics)).toEqual(getAtt('Metrics'));
    expect(stack.resolve(model.attrPrecision)).toEqual(getAtt('Precision'));
    expect(stack.resolve(model.attrRecall)).toEqual(getAtt('Recall'));
    expect(stack.resolve(model.attrMeanReciprocalRank)).toEqual(getAtt('MeanReciprocalRank'));
    expect(stack.resolve(model.attrNormalizedDiscountedCumulativeGain)).toEqual(getAtt('NormalizedDiscountedCumulativeGain'));
  });

  test('a configured audience model of the model is created after the ready resource', () => {
    const stack = newStack();
    audienceModel(stack, { timeout: Duration.hours(5) });
    createdConfiguredModel(stack, { outputBucket: new s3.Bucket(stack, 'Output') });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(CONFIGURED_TYPE, { AudienceModelArn: { 'Fn::GetAtt': [onlyId(template, WAIT_TYPE), 'AudienceModelArn'] } });
  });

  test('a dependency on the model construct waits for the wait conditions and the ready resource', () => {
    const stack = newStack();
    const model = audienceModel(stack);
    const dependant = new CfnResource(stack, 'Dependant', { type: 'AWS::SNS::Topic' });
    dependant.node.addDependency(model);

    const template = Template.fromStack(stack);
    const conditions = waitConditions(template).map((condition) => condition.id);
    expect(template.toJSON().Resources.Dependant.DependsOn).toEqual(
      expect.arrayContaining([onlyId(template, MODEL_TYPE), ...conditions, onlyId(template, WAIT_TYPE)]),
    );
  });

  describe('the wait conditions\' logical ids', () => {
    const ids = (configure: (stack: Stack) => void = (stack) => audienceModel(stack)): string[] => {
      const stack = newStack();
      configure(stack);
      return waitConditions(Template.fromStack(stack)).map((condition) => condition.id);
    };

    test('stay the same from one synthesis to the next, and when only the tags change', () => {
      expect(ids()).toEqual(ids());
      expect(ids((stack) => Tags.of(audienceModel(stack)).add('team', 'growth'))).toEqual(ids());
    });

    test('change with what replaces the model (a create-only property, the timeout), so a replacement waits again', () => {
      const before = ids();
      for (const changed of [
        ids((stack) => audienceModel(stack, { description: 'v2' })),
        ids((stack) => audienceModel(stack, { trainingDataStartTime: new Date('2026-01-01T00:00:00Z') })),
        ids((stack) => audienceModel(stack, { timeout: Duration.hours(23) })),
      ]) {
        expect(changed.some((id) => before.includes(id))).toBe(false);
      }
    });

    test('change when the training dataset of the app is replaced, which replaces the model', () => {
      const withDataset = (description: string, tag?: string) => ids((stack) => {
        const trainingDataset = new TrainingDataset(stack, 'Data', {
          description,
          dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases' }),
          columns: [
            { columnName: 'user_id', columnType: ColumnType.USER_ID },
            { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
            { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
          ],
        });
        if (tag) Tags.of(trainingDataset).add('team', tag);
        new AudienceModel(stack, 'AudienceModel', { trainingDataset });
      });

      expect(withDataset('v2')).not.toEqual(withDataset('v1'));
      expect(withDataset('v1', 'growth')).toEqual(withDataset('v1'));
    });
  });

  describe('the training poller', () => {
    test('is one state machine per stack, looping: check (the isComplete function) → done? → wait', () => {
      const stack = newStack();
      audienceModel(stack);
      new AudienceModel(stack, 'Second', { trainingDataset: TrainingDataset.fromTrainingDatasetArn(stack, 'Dataset2', DATASET_ARN) });

      const template = Template.fromStack(stack);
      const pollers = template.findResources(STATE_MACHINE_TYPE, { Properties: { DefinitionString: Match.anyValue() } });
      const poller = Object.entries(pollers).filter(([id]) => id.startsWith('CleanRoomsMlTrainingPoller'));
      expect(poller).toHaveLength(1);
      const [definition, variables] = poller[0][1].Properties.DefinitionString['Fn::Sub'];
      expect(variables).toEqual({ IsCompleteArn: { 'Fn::GetAtt': [expect.stringMatching(/^CleanRoomsMlProviderIsComplete/), 'Arn'] } });
      expect(JSON.parse(definition.replace('${IsCompleteArn}', 'FUNCTION_ARN'))).toMatchObject({
        StartAt: 'Check',
        States: {
          Check: {
            Type: 'Task',
            Resource: 'FUNCTION_ARN',
            Next: 'Done',
            // Lambda's transient errors, then anything else for about an hour: one failed check does not end the wait.
            Retry: [
              expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']) }),
              { ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: 60, BackoffRate: 1 },
            ],
          },
          Done: { Type: 'Choice', Choices: [{ Variable: '$.Done', BooleanEquals: true, Next: 'Finished' }], Default: 'Interval' },
          Interval: { Type: 'Wait', SecondsPath: '$.WaitSeconds', Next: 'Check' },
          Finished: { Type: 'Succeed' },
        },
      });
      // Both models have a plan for it, and their handlers find it in the onEvent function's environment (tested below).
      const plans = Object.values(template.findResources(MODEL_TYPE)).map((model: any) => model.Properties.WaitConditions.LogicalIds.length);
      expect(plans).toEqual([2, 2]);
    });

    test('least privilege: starting and stopping its executions, reading and signalling this stack only; no new Resource "*"', () => {
      const stack = newStack();
      audienceModel(stack);
      const template = Template.fromStack(stack);
      const pollerId = Object.keys(template.findResources(STATE_MACHINE_TYPE)).find((id) => id.startsWith('CleanRoomsMlTrainingPoller'))!;

      expect(statementsOf(template, /^CleanRoomsMlTrainingPollerPolicy/)).toEqual([
        { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: pollerId } },
        {
          // Describing one: onEvent's check for a request delivered again; stopping one: a waited-for resource's Delete.
          Action: ['states:DescribeExecution', 'states:StopExecution'],
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', [
              'arn:', { Ref: 'AWS::Partition' }, `:states:${REGION}:${ACCOUNT}:execution:`,
              { 'Fn::GetAtt': [pollerId, 'Name'] }, ':*',
            ]],
          },
        },
        {
          Action: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks', 'cloudformation:SignalResource'],
          Effect: 'Allow',
          Resource: { Ref: 'AWS::StackId' },
        },
        // Lambda sends onEvent's on-failure records to isComplete with the handler role.
        { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CleanRoomsMlProviderIsComplete/), 'Arn'] } },
      ]);
      // The state machine may invoke the isComplete function, unqualified, as its definition names it.
      const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('CleanRoomsMlTrainingPollerRole'))![1];
      expect(role.Properties.Policies).toEqual([{
        PolicyName: 'CheckWithIsComplete',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CleanRoomsMlProviderIsComplete/), 'Arn'] } }],
        },
      }]);
      // The handler policy is the same as without a long wait.
      const shortStack = newStack();
      audienceModel(shortStack, { timeout: Duration.hours(1) });
      expect(statementsOf(template, /^CleanRoomsMlProviderHandlerPolicy/))
        .toEqual(statementsOf(Template.fromStack(shortStack), /^CleanRoomsMlProviderHandlerPolicy/));
      // No statement of the stack's policies outside the provider's framework grants Resource "*" beyond the List action.
      const wildcards = statementsOf(template, /^CleanRoomsMl(TrainingPoller|ProviderHandlerPolicy)/)
        .filter((statement) => [statement.Resource].flat().includes('*'));
      expect(wildcards.flatMap((statement) => [statement.Action].flat())).toEqual(['cleanrooms-ml:ListAudienceModels']);
      // The handlers find the poller in the onEvent function's environment.
      const onEvent = Object.entries(template.findResources('AWS::Lambda::Function'))
        .find(([, fn]: [string, any]) => fn.Properties.Handler === 'on-event/index.handler')![1];
      expect(onEvent.Properties.Environment.Variables).toEqual({ CLEANROOMS_ML_TRAINING_POLLER_ARN: { Ref: pollerId } });
      // The handlers may start the poller only once the policy exists: the onEvent function, which every custom resource
      // comes after (it is their ServiceToken), depends on it.
      expect(onEvent.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^CleanRoomsMlTrainingPollerPolicy/)]));
    });
  });

  describe('validation', () => {
    test('fails when timeout is longer than 72 hours', () => {
      const error = validationErrorOf(() => audienceModel(newStack(), { timeout: Duration.hours(73) }));
      expect(error.message).toBe('TestStack/AudienceModel: timeout must be between 5 minutes and 72 hours, got 3 days 1 hour');
    });
  });
});

describe('AudienceGenerationJob timeout', () => {
  test('keeps the job a single resource by default', () => {
    const stack = newStack();
    generationJob(stack);

    const template = Template.fromStack(stack);
    template.resourceCountIs(WAIT_TYPE, 0);
    template.resourceCountIs(WAIT_CONDITION_TYPE, 0);
    template.hasResourceProperties(JOB_TYPE, { TimeoutSeconds: HOUR, WaitLinks: Match.absent(), WaitConditions: Match.absent() });
  });

  test('a timeout over two hours adds a wait condition and the ready resource, which carries the relevance scores the app reads', () => {
    const stack = newStack();
    const job = generationJob(stack, { timeout: Duration.hours(3) });
    const score = job.relevanceScore(AudienceSize.absolute(10_000));

    const template = Template.fromStack(stack);
    const jobId = onlyId(template, JOB_TYPE);
    const [condition] = waitConditions(template);
    expect(condition.id).toMatch(/^JobWait1[0-9A-F]{16}$/);
    expect(template.findResources(JOB_TYPE)[jobId].Properties.WaitConditions).toMatchObject({ LogicalIds: [condition.id] });
    const readyId = onlyId(template, WAIT_TYPE);
    expect(template.findResources(WAIT_TYPE)[readyId].Properties).toMatchObject({
      ResourceArn: { 'Fn::GetAtt': [jobId, 'AudienceGenerationJobArn'] },
      TimeoutSeconds: 3 * HOUR,
      RelevanceScoreSizes: ['ABSOLUTE:10000'],
    });
    expect(stack.resolve(score)).toEqual({ 'Fn::GetAtt': [readyId, 'RelevanceScore.ABSOLUTE.10000'] });
    expect(stack.resolve(job.audienceGenerationJobArn)).toEqual({ 'Fn::GetAtt': [readyId, 'AudienceGenerationJobArn'] });
    expect(stack.resolve(job.attrRelevanceMetrics)).toEqual({ 'Fn::GetAtt': [readyId, 'RelevanceMetrics'] });
  });

  test('an export of the job is started after the ready resource', () => {
    const stack = newStack();
    const configured = createdConfiguredModel(stack);
    const job = generationJob(stack, { configuredAudienceModel: configured, timeout: Duration.hours(2) });
    job.export('Export', { audienceSize: AudienceSize.absolute(10_000) });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(EXPORT_TYPE, { AudienceGenerationJobArn: { 'Fn::GetAtt': [onlyId(template, WAIT_TYPE), 'AudienceGenerationJobArn'] } });
  });

  describe('the wait conditions\' logical ids', () => {
    /** The job's wait conditions, with a configured model and (optionally) a seed role of the same stack. */
    const ids = (
      configured: Partial<ConfiguredAudienceModelProps> = {},
      configure: (stack: Stack) => Partial<AudienceGenerationJobProps> = () => ({}),
    ): string[] => {
      const stack = newStack();
      const configuredAudienceModel = createdConfiguredModel(stack, configured);
      generationJob(stack, { configuredAudienceModel, timeout: Duration.hours(3), ...configure(stack) });
      return waitConditions(Template.fromStack(stack)).map((condition) => condition.id);
    };

    test('change when the configured model of the stack is replaced (its name, its tag policy), which replaces the job', () => {
      const before = ids();
      expect(ids({ configuredAudienceModelName: 'lookalikes-v2' })).not.toEqual(before);
      expect(ids({ childResourceTagOnCreatePolicy: TagOnCreatePolicy.FROM_PARENT_RESOURCE })).not.toEqual(before);
      // Removing the sizes replaces the configured model (the service cannot clear them).
      expect(ids({ audienceSizeConfig: undefined })).not.toEqual(before);
    });

    test('stay when the configured model changes in place (its tags, its sizes, its description)', () => {
      const before = ids();
      expect(ids({}, (stack) => {
        Tags.of(stack.node.findChild('Configured')).add('team', 'growth');
        return {};
      })).toEqual(before);
      expect(ids({ audienceSizeConfig: AudienceSizeConfig.absolute([10_000]) })).toEqual(before);
      expect(ids({ description: 'v2' })).toEqual(before);
    });

    test('stay when the audience model of the stack is replaced: the configured model takes the new one in place', () => {
      const withModel = (description: string) => {
        const stack = newStack();
        new AudienceModel(stack, 'AudienceModel', {
          trainingDataset: TrainingDataset.fromTrainingDatasetArn(stack, 'Dataset', DATASET_ARN),
          description,
        });
        generationJob(stack, { configuredAudienceModel: createdConfiguredModel(stack), timeout: Duration.hours(3) });
        // The model's own wait conditions are new (the model is replaced): the job's are the question.
        return Object.keys(Template.fromStack(stack).findResources(WAIT_CONDITION_TYPE)).filter((id) => id.startsWith('JobWait'));
      };

      expect(withModel('v1')).toHaveLength(1);
      expect(withModel('v2')).toEqual(withModel('v1'));
    });

    test('change when a seed role of the stack is replaced (its name), not when it changes in place', () => {
      const withRole = (roleName: string, description?: string) => ids({}, (stack) => ({
        seedRole: new iam.Role(stack, 'SeedRole', {
          roleName,
          description,
          assumedBy: new iam.ServicePrincipal('cleanrooms-ml.amazonaws.com'),
        }),
      }));

      expect(withRole('seed-reader-v2')).not.toEqual(withRole('seed-reader'));
      expect(withRole('seed-reader', 'reads the seeds')).toEqual(withRole('seed-reader'));
    });
  });

  test('fails when timeout is longer than 72 hours', () => {
    const error = validationErrorOf(() => generationJob(newStack(), { timeout: Duration.hours(100) }));
    expect(error.message).toBe('TestStack/Job: timeout must be between 5 minutes and 72 hours, got 4 days 4 hours');
  });
});

test('a pipeline with the default timeouts adds three resources for the 24-hour training wait', () => {
  const stack = newStack();
  const model = audienceModel(stack);
  const configured = new ConfiguredAudienceModel(stack, 'Configured', {
    audienceModel: model,
    outputBucket: new s3.Bucket(stack, 'Output'),
  });
  generationJob(stack, { configuredAudienceModel: configured });

  const template = Template.fromStack(stack);
  template.resourceCountIs(WAIT_CONDITION_TYPE, 2);
  template.resourceCountIs(WAIT_TYPE, 1);
});
