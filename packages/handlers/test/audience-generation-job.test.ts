import type { AudienceGenerationJobProperties } from 'cdk-cleanrooms-ml/lib/contracts/audience-generation-job';
import { SecretsManagerEmulator } from 'cdk-cleanrooms-ml-local';
import type { AudienceGenerationJobDescription } from 'cdk-cleanrooms-ml-local';
import {
  DELETED_OR_DELETING,
  ACCOUNT_ID,
  captureLogs,
  CustomResourceEvents,
  FAST_TIMINGS,
  HandlerTestbed,
  isComplete,
  isCompleteEvent,
  ManualClock,
  onEvent,
  ONE_SECOND_PHASES,
  REGION,
  rejectionOf,
  RESPONSE_URL_CANARY,
  ROLE_ARN,
  runToCompletion,
  serviceCallsDuring,
} from './harness';
import { configuredAudienceModel } from './job-fixtures';
import { CREATION_TOKEN_TAG } from '../src/framework';
import { dispatchIsComplete } from '../src/framework/dispatch';
import type { CustomResourceEvent, IsCompleteResponse, OnEventResponse } from '../src/framework/events';
import { Logger } from '../src/framework/logger';
import { clientFromEnvironment } from '../src/framework/runtime';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

const TYPE = 'Custom::CleanRoomsMLAudienceGenerationJob';
const SUBJECT = `Job (${TYPE}): `;
const events = new CustomResourceEvents(TYPE, 'Job');
const JOB_ARN = new RegExp(`^arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:audience-generation-job/[0-9a-f-]{36}$`);
const UNKNOWN_JOB_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:audience-generation-job/00000000-0000-4000-8000-000000000000`;
const COLLABORATION_ID = '0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e';
const PARAMETERS_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:seed-params-AbCdEf`;
const QUERY_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:seed-query-GhIjKl`;
const TEMPLATE_ARN = `arn:aws:cleanrooms:${REGION}:${ACCOUNT_ID}:membership/5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f/analysistemplate/7d2a8192-3b4c-43a1`;
/** A unique value placed in the SQL parameters: it must appear nowhere but in the request to the service. */
const CANARY = 'Canary-seed-parameter-3f9a1c7e52';

let testbed: HandlerTestbed;
let secrets: SecretsManagerEmulator;
let logs: ReturnType<typeof captureLogs>;
let configuredArn: string;

beforeAll(async () => {
  testbed = await HandlerTestbed.start();
  secrets = await SecretsManagerEmulator.start();
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.endpoint;
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  await secrets.stop();
  await testbed.stop();
});
beforeEach(async () => {
  testbed.emulator.reset();
  testbed.emulator.setFaults({});
  secrets.reset();
  logs = captureLogs();
  configuredArn = await configuredAudienceModel(testbed);
});
afterEach(() => logs.restore());

type Overrides = Partial<Record<keyof AudienceGenerationJobProperties, unknown>> & Record<string, unknown>;

function properties(overrides: Overrides = {}): Record<string, unknown> {
  return {
    ConfiguredAudienceModelArn: configuredArn,
    SeedRoleArn: ROLE_ARN,
    SeedS3Uri: 's3://seeds/buyers.csv',
    TimeoutSeconds: 3600,
    AttributesRevision: 1,
    ...overrides,
  };
}

/** A SQL seed whose parameters come from the secret (holding the canary). */
function sqlProperties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  secrets.put(PARAMETERS_SECRET, JSON.stringify({ min_date: '2024-01-01', segment: CANARY }));
  return properties({
    SeedS3Uri: undefined,
    SeedSqlAnalysisTemplateArn: TEMPLATE_ARN,
    SeedSqlParametersSecretArn: PARAMETERS_SECRET,
    CollaborationId: COLLABORATION_ID,
    ...overrides,
  });
}

function jobs(): AudienceGenerationJobDescription[] {
  return testbed.emulator.inventory().audienceGenerationJobs;
}

function jobAt(arn: string): AudienceGenerationJobDescription | undefined {
  return jobs().find((job) => job.audienceGenerationJobArn === arn);
}

async function created(props: Record<string, unknown> = properties()): Promise<string> {
  const { response } = await runToCompletion(events.create(props));
  return response.PhysicalResourceId;
}

/** Runs isComplete until it throws, and returns the error. */
async function isCompleteFailure(event: CustomResourceEvent, response: OnEventResponse): Promise<Error> {
  for (let poll = 0; poll < 500; poll++) {
    const error = await isComplete(isCompleteEvent(event, response)).then(() => undefined, (thrown: Error) => thrown);
    if (error) {
      return error;
    }
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  throw new Error('isComplete never failed');
}

describe('Create', () => {
  test('starts the job, waits until it is ACTIVE and returns every attribute, the relevance metrics and the scores asked for', async () => {
    const { response, result } = await runToCompletion(events.create(properties({
      Name: 'lookalikes',
      Description: 'Lookalikes of 2024 buyers',
      IncludeSeedInOutput: true,
      CollaborationId: COLLABORATION_ID,
      Tags: { team: 'growth' },
      RelevanceScoreSizes: ['ABSOLUTE:10000', 'PERCENTAGE:5'],
    })));

    expect(response.PhysicalResourceId).toMatch(JOB_ARN);
    const job = jobAt(response.PhysicalResourceId)!;
    expect(job).toMatchObject({
      name: 'lookalikes',
      description: 'Lookalikes of 2024 buyers',
      configuredAudienceModelArn: configuredArn,
      includeSeedInOutput: true,
      collaborationId: COLLABORATION_ID,
      seedAudience: { dataSource: { s3Uri: 's3://seeds/buyers.csv' }, roleArn: ROLE_ARN },
      status: 'ACTIVE',
      tags: { team: 'growth', [CREATION_TOKEN_TAG]: expect.stringMatching(/^[0-9a-f]{32}\.[0-9a-f]{32}$/) },
    });
    const metrics = job.metrics!.relevanceMetrics;
    expect(metrics.map((metric) => metric.audienceSize)).toEqual([{ type: 'ABSOLUTE', value: 10_000 }, { type: 'ABSOLUTE', value: 100_000 }]);
    expect(result).toEqual({
      IsComplete: true,
      Data: {
        'AudienceGenerationJobArn': response.PhysicalResourceId,
        'Name': 'lookalikes',
        'Status': 'ACTIVE',
        'RelevanceMetrics': JSON.stringify(metrics),
        'RecallMetric': String(job.metrics!.recallMetric),
        'RelevanceScore.ABSOLUTE.10000': String(metrics[0].score),
        // Not one of the model's sizes: the service reports no score.
        'RelevanceScore.PERCENTAGE.5': '',
      },
    });
  });

  test('generates a name from the stack, the logical id and the request when none is given', async () => {
    const { result } = await runToCompletion(events.create(properties()));

    expect(result.Data!.Name).toMatch(/^LookalikeStack-Job-[0-9a-f]{10}$/);
  });

  test('a retried Create with the same request id starts one job and answers the same physical id', async () => {
    const event = events.create(properties());
    const first = await onEvent(event);
    const second = await onEvent(event);
    const { result } = await runToCompletion(event);

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(jobs()).toHaveLength(1);
    expect(result.Data!.AudienceGenerationJobArn).toBe(first.PhysicalResourceId);
  });

  test('fails when the name is used by a job this stack did not start, and leaves that job alone', async () => {
    const { audienceGenerationJobArn: foreign } = await testbed.client.startAudienceGenerationJob({
      name: 'taken',
      configuredAudienceModelArn: configuredArn,
      seedAudience: { dataSource: { s3Uri: 's3://other/seed.csv' }, roleArn: ROLE_ARN },
    });

    const error = await rejectionOf(onEvent(events.create(properties({ Name: 'taken' }))));

    expect(error.message).toBe(
      `${SUBJECT}the name "taken" is already used by an audience generation job this stack did not create (${foreign}); choose another name.`,
    );
    expect(jobs().map((job) => job.audienceGenerationJobArn)).toEqual([foreign]);
  });

  test('fails with the service\'s statusDetails when generation ends in CREATE_FAILED, and deletes the failed job', async () => {
    const event = events.create(properties({
      Name: 'doomed',
      Tags: { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Fewer than 25 seed users match the training data' },
    }));
    const response = await onEvent(event);

    const error = await isCompleteFailure(event, response);

    expect(error.message).toBe(
      `${SUBJECT}generating the audience of the audience generation job "doomed" failed (CREATE_FAILED): ` +
      'Fewer than 25 seed users match the training data (EmulatedFailure).',
    );
    expect(DELETED_OR_DELETING).toContain(jobAt(response.PhysicalResourceId)?.status);
    expect(testbed.emulator.stats().calls.DeleteAudienceGenerationJob).toBe(1);
    const { result } = await runToCompletion(events.delete(response.PhysicalResourceId, properties()));
    expect(result).toEqual({ IsComplete: true });
    expect(jobAt(response.PhysicalResourceId)).toBeUndefined();
  });

  test('fails at once, naming the field, when the service refuses the request', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ CollaborationId: 'not-a-uuid' }))));

    expect(error.message).toMatch(new RegExp(`^${escape(SUBJECT)}StartAudienceGenerationJob failed with ValidationException: .*collaborationId`));
    expect(jobs()).toEqual([]);
  });

  test('fails when the configured audience model does not exist', async () => {
    const missing = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:configured-audience-model/00000000-0000-4000-8000-000000000000`;
    const error = await rejectionOf(onEvent(events.create(properties({ ConfiguredAudienceModelArn: missing }))));

    expect(error.message).toMatch(new RegExp(`^${escape(SUBJECT)}StartAudienceGenerationJob failed with ResourceNotFoundException: `));
  });

  test('fails when the properties name both an S3 seed and a SQL seed', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ SeedSqlQueryString: 'SELECT 1' }))));

    expect(error.message).toBe(
      `${SUBJECT}the seed audience must be either an S3 location (SeedS3Uri) or a SQL query (SeedSql…), not both or neither.`,
    );
  });
});

describe('SQL seed read from Secrets Manager', () => {
  test('reads the parameters from the secret with a signed GetSecretValue and sends them to the service', async () => {
    const { response, result } = await runToCompletion(events.create(sqlProperties()));

    expect(jobAt(response.PhysicalResourceId)).toMatchObject({
      status: 'ACTIVE',
      collaborationId: COLLABORATION_ID,
      seedAudience: {
        roleArn: ROLE_ARN,
        sqlParameters: { analysisTemplateArn: TEMPLATE_ARN, parameters: { min_date: '2024-01-01', segment: CANARY } },
      },
    });
    expect(secrets.requests).toEqual([{
      target: 'secretsmanager.GetSecretValue',
      authorization: expect.stringMatching(new RegExp(`^AWS4-HMAC-SHA256 Credential=test/\\d{8}/${REGION}/secretsmanager/aws4_request, `)),
      secretId: PARAMETERS_SECRET,
    }]);
    expect(result.Data!.Status).toBe('ACTIVE');
  });

  test('retries a throttled GetSecretValue', async () => {
    secrets.throttleNext(1);

    const { response } = await runToCompletion(events.create(sqlProperties()));

    expect(secrets.requests).toHaveLength(2);
    expect(jobAt(response.PhysicalResourceId)!.seedAudience!.sqlParameters!.parameters).toEqual({ min_date: '2024-01-01', segment: CANARY });
  });

  test('the parameter values appear in no log line, response, attribute or error (secret canary)', async () => {
    const props = sqlProperties();
    const { response, result } = await runToCompletion(events.create(props));
    const update = await runToCompletion(events.update(response.PhysicalResourceId, props, { ...props, Tags: { team: 'ads' } }));
    const replaced = await runToCompletion(events.update(response.PhysicalResourceId, props, { ...props, Description: 'second' }));
    const failure = await rejectionOf(onEvent(events.create({ ...props, Name: 'bad\u0000name' })));
    await runToCompletion(events.delete(response.PhysicalResourceId, props));

    const output = [
      ...logs.lines,
      JSON.stringify([response, result, update, replaced]),
      failure.message,
      failure.stack,
    ].join('\n');
    expect(output).not.toContain(CANARY);
    expect(output).not.toContain(RESPONSE_URL_CANARY);
    expect(logs.parsed()).toContainEqual(expect.objectContaining({
      message: 'Read the seed audience\'s SQL parameters from Secrets Manager',
      secretArn: PARAMETERS_SECRET,
    }));
  });

  test('a parameter the service refuses is redacted from the error it quotes it in', async () => {
    secrets.put(PARAMETERS_SECRET, JSON.stringify({ [`${CANARY}!`]: 'x' }));
    const props = properties({
      SeedS3Uri: undefined,
      SeedSqlAnalysisTemplateArn: TEMPLATE_ARN,
      SeedSqlParametersSecretArn: PARAMETERS_SECRET,
      CollaborationId: COLLABORATION_ID,
    });

    const error = await rejectionOf(onEvent(events.create(props)));

    expect(error.message).toMatch(new RegExp(`^${escape(SUBJECT)}StartAudienceGenerationJob failed with ValidationException: .*\\[redacted\\]`));
    expect([error.message, error.stack, ...logs.lines].join('\n')).not.toContain(CANARY);
  });

  test('reads a confidential query from its secret', async () => {
    secrets.put(QUERY_SECRET, `SELECT user_id FROM buyers WHERE email = '${CANARY}@example.com'`);
    const { response } = await runToCompletion(events.create(properties({
      SeedS3Uri: undefined,
      SeedSqlQueryStringSecretArn: QUERY_SECRET,
      CollaborationId: COLLABORATION_ID,
    })));

    expect(jobAt(response.PhysicalResourceId)!.seedAudience!.sqlParameters).toEqual({
      queryString: `SELECT user_id FROM buyers WHERE email = '${CANARY}@example.com'`,
    });
    expect(logs.lines.join('\n')).not.toContain(CANARY);
  });

  test('fails, naming the secret, when the secret cannot be read; starts no job', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({
      SeedS3Uri: undefined,
      SeedSqlQueryString: 'SELECT user_id FROM buyers',
      SeedSqlParametersSecretArn: PARAMETERS_SECRET,
      CollaborationId: COLLABORATION_ID,
    }))));

    expect(error.message).toBe(
      `${SUBJECT}could not read the seed audience's SQL parameters: GetSecretValue of the secret ${PARAMETERS_SECRET} ` +
      'failed with ResourceNotFoundException: Secrets Manager can\'t find the specified secret.',
    );
    expect(jobs()).toEqual([]);
  });

  test('fails without quoting the secret when it does not hold a JSON object of parameters', async () => {
    secrets.put(PARAMETERS_SECRET, `segment=${CANARY}`);
    const error = await rejectionOf(onEvent(events.create(properties({
      SeedS3Uri: undefined,
      SeedSqlAnalysisTemplateArn: TEMPLATE_ARN,
      SeedSqlParametersSecretArn: PARAMETERS_SECRET,
      CollaborationId: COLLABORATION_ID,
    }))));

    expect(error.message).toBe(
      `${SUBJECT}the secret ${PARAMETERS_SECRET} must hold a JSON object of SQL parameter names and string values, ` +
      'like {"min_date": "2024-01-01"}; its value is not JSON.',
    );
    expect([error.message, ...logs.lines].join('\n')).not.toContain(CANARY);
  });
});

describe('SQL seed compute (seedAudience.sqlComputeConfiguration)', () => {
  // As CloudFormation hands them over: every scalar a string.
  const COMPUTE = { SeedSqlWorkerType: 'CR.4X', SeedSqlNumberOfWorkers: '16', SeedSqlSparkProperties: { 'spark.sql.shuffle.partitions': '400' } };

  test('passes the worker type, number and Spark properties to the service, which returns them with the job', async () => {
    const { response } = await runToCompletion(events.create(sqlProperties(COMPUTE)));

    const job = await testbed.client.getAudienceGenerationJob({ audienceGenerationJobArn: response.PhysicalResourceId });
    expect(job.seedAudience?.sqlComputeConfiguration).toEqual({
      worker: { type: 'CR.4X', number: 16, properties: { spark: { 'spark.sql.shuffle.partitions': '400' } } },
    });
  });

  test('sends no compute when none is given, leaving it to the service', async () => {
    const { response } = await runToCompletion(events.create(sqlProperties()));

    expect(jobAt(response.PhysicalResourceId)!.seedAudience!.sqlComputeConfiguration).toBeUndefined();
  });

  test('a change of the compute starts a new job, as any change of the seed does', async () => {
    const before = sqlProperties(COMPUTE);
    const oldArn = await created(before);
    const after = sqlProperties({ ...COMPUTE, SeedSqlNumberOfWorkers: '32' });

    const { response } = await runToCompletion(events.update(oldArn, before, after));

    expect(response.PhysicalResourceId).not.toBe(oldArn);
    expect(jobAt(response.PhysicalResourceId)!.seedAudience!.sqlComputeConfiguration).toMatchObject({ worker: { number: 32 } });
    expect(jobAt(oldArn)!.seedAudience!.sqlComputeConfiguration).toMatchObject({ worker: { number: 16 } });
  });

  test('fails at once, naming the field, when the service refuses the number of workers; starts no job', async () => {
    const error = await rejectionOf(onEvent(events.create(sqlProperties({ SeedSqlNumberOfWorkers: '2000' }))));

    expect(error.message).toMatch(new RegExp(
      `^${escape(SUBJECT)}StartAudienceGenerationJob failed with ValidationException: .*seedAudience\\.sqlComputeConfiguration\\.worker\\.number`,
    ));
    expect(jobs()).toEqual([]);
  });

  test('fails when an S3 seed is given a compute, which only a SQL seed has', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ SeedSqlWorkerType: 'CR.1X' }))));

    expect(error.message).toBe(
      `${SUBJECT}the compute of a seed audience (SeedSqlWorkerType, SeedSqlNumberOfWorkers, SeedSqlSparkProperties) applies to a SQL seed only.`,
    );
    expect(jobs()).toEqual([]);
  });
});

describe('isComplete, with the emulator\'s clock moved by hand', () => {
  const clock = new ManualClock();
  let manual: HandlerTestbed;
  let manualConfiguredArn: string;

  beforeAll(async () => {
    manual = await HandlerTestbed.start(ONE_SECOND_PHASES, clock.now);
  });
  // Restores the environment the outer testbed set.
  afterAll(() => manual.stop());
  beforeEach(async () => {
    // Training waits for the clock: once the model is created, move the clock past its two phases.
    manualConfiguredArn = await configuredAudienceModel(manual, undefined, () => clock.advance(10_000));
  });

  type Answer = { status?: string; result: IsCompleteResponse };

  async function answersUntilDone(event: CustomResourceEvent, response: OnEventResponse): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let second = 0; second < 10; second++) {
      const status = manual.emulator.inventory().audienceGenerationJobs
        .find((job) => job.audienceGenerationJobArn === response.PhysicalResourceId)?.status;
      const result = await isComplete(isCompleteEvent(event, response));
      answers.push({ status, result: { IsComplete: result.IsComplete } });
      if (result.IsComplete) break;
      clock.advance(1000);
    }
    return answers;
  }

  test('waits while the audience is generated (CREATE_PENDING, CREATE_IN_PROGRESS) and completes when it is ACTIVE', async () => {
    const event = events.create(properties({ ConfiguredAudienceModelArn: manualConfiguredArn }));
    const answers = await answersUntilDone(event, await onEvent(event));

    expect(answers).toEqual([
      { status: 'CREATE_PENDING', result: { IsComplete: false } },
      { status: 'CREATE_IN_PROGRESS', result: { IsComplete: false } },
      { status: 'ACTIVE', result: { IsComplete: true } },
    ]);
  });

  test('a Delete waits while the job is deleted (DELETE_PENDING, DELETE_IN_PROGRESS) and completes when it is gone', async () => {
    const props = properties({ ConfiguredAudienceModelArn: manualConfiguredArn });
    const { PhysicalResourceId: arn } = await onEvent(events.create(props));
    clock.advance(10_000);
    const event = events.delete(arn, props);
    const response = await onEvent(event);
    const answers = await answersUntilDone(event, response);

    expect(response.PhysicalResourceId).toBe(arn);
    expect(answers).toEqual([
      { status: 'DELETE_PENDING', result: { IsComplete: false } },
      { status: 'DELETE_IN_PROGRESS', result: { IsComplete: false } },
      { status: undefined, result: { IsComplete: true } },
    ]);
  });
});

describe('isComplete past the deadline', () => {
  /** Longer than any test runs: a phase of this length is never left. */
  const AN_HOUR = 3_600_000;

  /** The handler's runtime 20 minutes after onEvent: past the deadline of a 1,200 s timeout (less the 120 s margin). */
  function twentyMinutesLater() {
    return { client: clientFromEnvironment(), log: new Logger({}, [], () => undefined), now: () => Date.now() + 20 * 60_000 };
  }

  test('fails with the job\'s last status when it never leaves CREATE_IN_PROGRESS, and leaves the job to the rollback Delete', async () => {
    const slow = await HandlerTestbed.start({ ...FAST_TIMINGS, audienceGenerationJob: { createPendingMs: 0, createInProgressMs: AN_HOUR } });
    try {
      const props = properties({ ConfiguredAudienceModelArn: await configuredAudienceModel(slow), TimeoutSeconds: 1200 });
      const event = events.create(props);
      const response = await onEvent(event);

      const error = await rejectionOf(dispatchIsComplete(isCompleteEvent(event, response), RESOURCE_HANDLERS, twentyMinutesLater()));

      expect(error.message).toBe(
        `${SUBJECT}timed out after 20 minutes waiting for the audience generation job to be created (status CREATE_IN_PROGRESS); ` +
        'the construct\'s timeout is 20 minutes.',
      );
      // The framework does not clean up on a timeout (only a CREATE_FAILED job is deleted by isComplete): the job is still generating…
      const job = () => slow.emulator.inventory().audienceGenerationJobs
        .find((entry) => entry.audienceGenerationJobArn === response.PhysicalResourceId);
      expect(job()?.status).toBe('CREATE_IN_PROGRESS');
      // …until the rollback Delete asks for its deletion.
      await onEvent(events.delete(response.PhysicalResourceId, props));
      expect(DELETED_OR_DELETING).toContain(job()?.status);
      expect(slow.emulator.stats().calls.DeleteAudienceGenerationJob).toBe(1);
    } finally {
      // Restores the environment the outer testbed set.
      await slow.stop();
    }
  });

  test('a replacing Update that times out deletes the job it started (no Delete will name it) and leaves the old one alone', async () => {
    const slow = await HandlerTestbed.start({ ...FAST_TIMINGS, audienceGenerationJob: { createPendingMs: 0, createInProgressMs: AN_HOUR } });
    try {
      const before = properties({ ConfiguredAudienceModelArn: await configuredAudienceModel(slow), TimeoutSeconds: 1200 });
      const original = await onEvent(events.create(before));
      const after = { ...before, Description: 'a second seed' };
      const updateEvent = events.update(original.PhysicalResourceId, before, after);
      const replaced = await onEvent(updateEvent);
      expect(replaced.PhysicalResourceId).not.toBe(original.PhysicalResourceId);

      const error = await rejectionOf(dispatchIsComplete(isCompleteEvent(updateEvent, replaced), RESOURCE_HANDLERS, twentyMinutesLater()));

      expect(error.message).toMatch(/timed out after 20 minutes waiting for the audience generation job to be updated \(status CREATE_IN_PROGRESS\)/);
      const status = (arn: string) => slow.emulator.inventory().audienceGenerationJobs
        .find((entry) => entry.audienceGenerationJobArn === arn)?.status;
      expect(DELETED_OR_DELETING).toContain(status(replaced.PhysicalResourceId));
      expect(slow.emulator.stats().calls.DeleteAudienceGenerationJob).toBe(1);
      expect(status(original.PhysicalResourceId)).toBe('CREATE_IN_PROGRESS');
    } finally {
      await slow.stop();
    }
  });

  test('fails a Delete with the job\'s last status when it never leaves DELETE_IN_PROGRESS', async () => {
    const slow = await HandlerTestbed.start({
      ...FAST_TIMINGS,
      audienceGenerationJob: { createPendingMs: 0, createInProgressMs: 0, deletePendingMs: 0, deleteInProgressMs: AN_HOUR },
    });
    try {
      const props = properties({ ConfiguredAudienceModelArn: await configuredAudienceModel(slow), TimeoutSeconds: 1200 });
      const { response: started } = await runToCompletion(events.create(props));
      const event = events.delete(started.PhysicalResourceId, props);
      const response = await onEvent(event);

      const error = await rejectionOf(dispatchIsComplete(isCompleteEvent(event, response), RESOURCE_HANDLERS, twentyMinutesLater()));

      expect(error.message).toBe(
        `${SUBJECT}timed out after 20 minutes waiting for the audience generation job to be deleted (status DELETE_IN_PROGRESS); ` +
        'the construct\'s timeout is 20 minutes.',
      );
      expect(slow.emulator.inventory().audienceGenerationJobs).toEqual([
        expect.objectContaining({ audienceGenerationJobArn: started.PhysicalResourceId, status: 'DELETE_IN_PROGRESS' }),
      ]);
    } finally {
      await slow.stop();
    }
  });
});

describe('Update', () => {
  test('changes tags in place: same physical id, tags changed in the service, the creation token kept', async () => {
    const before = properties({ Tags: { team: 'growth', stage: 'beta' } });
    const arn = await created(before);

    const { response, result } = await runToCompletion(events.update(arn, before, properties({ Tags: { team: 'ads' } })));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(result.Data!.AudienceGenerationJobArn).toBe(arn);
    expect(jobAt(arn)!.tags).toEqual({ team: 'ads', [CREATION_TOKEN_TAG]: expect.any(String) });
    expect(jobs()).toHaveLength(1);
  });

  test('a newly read relevance score is returned without starting a new job', async () => {
    const before = properties();
    const arn = await created(before);

    const { response, result } = await runToCompletion(events.update(arn, before, properties({ RelevanceScoreSizes: ['ABSOLUTE:100000'] })));

    expect(response.PhysicalResourceId).toBe(arn);
    const score = jobAt(arn)!.metrics!.relevanceMetrics.find((metric) => metric.audienceSize.value === 100_000)!.score;
    expect(result.Data!['RelevanceScore.ABSOLUTE.100000']).toBe(String(score));
    expect(jobs()).toHaveLength(1);
  });

  test('starts a new job when a property other than tags changes; the old one stays until its Delete', async () => {
    const before = properties({ Description: 'first' });
    const oldArn = await created(before);
    const after = properties({ Description: 'second' });

    const { response, result } = await runToCompletion(events.update(oldArn, before, after));

    expect(response.PhysicalResourceId).toMatch(JOB_ARN);
    expect(response.PhysicalResourceId).not.toBe(oldArn);
    expect(result.Data!.Name).not.toBe(jobAt(oldArn)!.name);
    expect(jobAt(response.PhysicalResourceId)).toMatchObject({ description: 'second', status: 'ACTIVE' });
    expect(jobAt(oldArn)).toMatchObject({ description: 'first', status: 'ACTIVE' });

    await runToCompletion(events.delete(oldArn, before));
    expect(jobAt(oldArn)).toBeUndefined();
    expect(jobAt(response.PhysicalResourceId)).toBeDefined();
  });

  test('fails to replace a job that keeps its user-given name, and changes nothing', async () => {
    const before = properties({ Name: 'lookalikes', SeedS3Uri: 's3://seeds/2024.csv' });
    const arn = await created(before);

    const error = await rejectionOf(onEvent(events.update(arn, before, properties({ Name: 'lookalikes', SeedS3Uri: 's3://seeds/2025.csv' }))));

    expect(error.message).toBe(
      `${SUBJECT}cannot replace the audience generation job "lookalikes" to change SeedS3Uri: the replacement would need the name the current ` +
      'audience generation job still holds; change audienceGenerationJobName as well, or remove it to have a name generated.',
    );
    expect(jobs()).toEqual([expect.objectContaining({ audienceGenerationJobArn: arn, seedAudience: expect.objectContaining({ dataSource: { s3Uri: 's3://seeds/2024.csv' } }) })]);
  });
});

// CloudFormation rolls a failed Update back with another Update: the old properties as ResourceProperties, the
// failed update's as OldResourceProperties, and the physical id the resource had before (see ResourceHandler).
describe('Rollback of a failed update', () => {
  test('the rollback of a refused change of a named job keeps the job: same physical id, nothing started or deleted', async () => {
    const before = properties({ Name: 'lookalikes', SeedS3Uri: 's3://seeds/2024.csv', Tags: { team: 'growth' } });
    const arn = await created(before);
    const attempted = properties({ Name: 'lookalikes', SeedS3Uri: 's3://seeds/2025.csv', Tags: { team: 'ads' } });
    const refusal = await rejectionOf(onEvent(events.update(arn, before, attempted)));
    expect(refusal.message).toMatch(/cannot replace the audience generation job "lookalikes" to change SeedS3Uri/);

    const { result: rollback, createsAndDeletes } = await serviceCallsDuring(testbed.emulator, () =>
      runToCompletion(events.update(arn, attempted, before)));

    expect(rollback.response.PhysicalResourceId).toBe(arn);
    expect(rollback.result.Data).toMatchObject({ AudienceGenerationJobArn: arn, Name: 'lookalikes', Status: 'ACTIVE' });
    expect(createsAndDeletes).toEqual({});
    expect(jobs()).toEqual([expect.objectContaining({
      audienceGenerationJobArn: arn,
      seedAudience: expect.objectContaining({ dataSource: { s3Uri: 's3://seeds/2024.csv' } }),
      tags: expect.objectContaining({ team: 'growth' }),
    })]);
  });

  test('the rollback of a replacement whose generation failed keeps the original job and starts none', async () => {
    const before = properties({ Description: 'first' });
    const arn = await created(before);
    const attempted = properties({ Description: 'second', Tags: { 'emulator:fail': 'CREATE' } });
    const updateEvent = events.update(arn, before, attempted);
    const replacing = await onEvent(updateEvent);
    expect(replacing.PhysicalResourceId).not.toBe(arn);
    expect((await isCompleteFailure(updateEvent, replacing)).message).toMatch(/failed \(CREATE_FAILED\)/);

    const { result: rollback, createsAndDeletes } = await serviceCallsDuring(testbed.emulator, () =>
      runToCompletion(events.update(arn, attempted, before)));

    expect(rollback.response.PhysicalResourceId).toBe(arn);
    expect(createsAndDeletes).toEqual({});
    expect(DELETED_OR_DELETING).toContain(jobAt(replacing.PhysicalResourceId)?.status);
    expect(jobAt(arn)).toMatchObject({ description: 'first', status: 'ACTIVE' });
  });
});

describe('Delete', () => {
  test('succeeds when the job is already gone', async () => {
    const { result } = await runToCompletion(events.delete(UNKNOWN_JOB_ARN, properties()));

    expect(result).toEqual({ IsComplete: true });
  });

  test('succeeds without a service call when the physical id is not an audience generation job ARN', async () => {
    testbed.emulator.reset();

    const { result } = await runToCompletion(events.delete('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', properties()));

    expect(result).toEqual({ IsComplete: true });
    expect(testbed.emulator.stats().totalCalls).toBe(0);
  });

  test('fails with the service\'s statusDetails when deletion ends in DELETE_FAILED', async () => {
    const props = properties({ Name: 'sticky', Tags: { 'emulator:fail': 'DELETE', 'emulator:fail-message': 'Job data is locked' } });
    const arn = await created(props);

    const error = await rejectionOf(runToCompletion(events.delete(arn, props)));

    expect(error.message).toBe(`${SUBJECT}deleting the audience generation job "sticky" failed (DELETE_FAILED): Job data is locked (EmulatedFailure).`);
  });

  test('never reads the seed\'s secrets', async () => {
    const props = sqlProperties();
    const arn = await created(props);
    secrets.reset();

    await runToCompletion(events.delete(arn, props));

    expect(secrets.requests).toEqual([]);
    expect(jobAt(arn)).toBeUndefined();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
