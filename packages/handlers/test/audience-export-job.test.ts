import type { AudienceExportJobProperties } from 'cdk-cleanrooms-ml/lib/contracts/audience-export-job';
import type { AudienceExportJobDescription } from 'cdk-cleanrooms-ml-local';
import {
  captureLogs,
  CustomResourceEvents,
  FAST_TIMINGS,
  HandlerTestbed,
  isComplete,
  isCompleteEvent,
  ManualClock,
  onEvent,
  ONE_SECOND_PHASES,
  rejectionOf,
  runToCompletion,
} from './harness';
import { activeGenerationJob, configuredAudienceModel } from './job-fixtures';
import { dispatchIsComplete } from '../src/framework/dispatch';
import type { CustomResourceEvent, IsCompleteResponse, OnEventResponse } from '../src/framework/events';
import { Logger } from '../src/framework/logger';
import { clientFromEnvironment } from '../src/framework/runtime';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

const TYPE = 'Custom::CleanRoomsMLAudienceExportJob';
const SUBJECT = `Export (${TYPE}): `;
const events = new CustomResourceEvents(TYPE, 'Export');

let testbed: HandlerTestbed;
let logs: ReturnType<typeof captureLogs>;
let configuredArn: string;
let jobArn: string;

beforeAll(async () => {
  testbed = await HandlerTestbed.start();
});
afterAll(() => testbed.stop());
beforeEach(async () => {
  testbed.emulator.reset();
  testbed.emulator.setFaults({});
  logs = captureLogs();
  configuredArn = await configuredAudienceModel(testbed);
  jobArn = await activeGenerationJob(testbed, configuredArn);
});
afterEach(() => logs.restore());

type Overrides = Partial<Record<keyof AudienceExportJobProperties, unknown>> & Record<string, unknown>;

function properties(overrides: Overrides = {}): Record<string, unknown> {
  return {
    AudienceGenerationJobArn: jobArn,
    AudienceSizeType: 'ABSOLUTE',
    AudienceSizeValue: 10_000,
    TimeoutSeconds: 3600,
    AttributesRevision: 1,
    ...overrides,
  };
}

function exportsOf(arn = jobArn): AudienceExportJobDescription[] {
  return testbed.emulator.inventory().audienceExportJobs.filter((exported) => exported.audienceGenerationJobArn === arn);
}

async function created(props: Record<string, unknown> = properties()): Promise<string> {
  const { response } = await runToCompletion(events.create(props));
  return response.PhysicalResourceId;
}

describe('Create', () => {
  test('starts the export, waits until it is ACTIVE and returns its name, status and output location', async () => {
    const { response, result } = await runToCompletion(events.create(properties({ Name: 'top-10k', Description: 'The closest 10,000' })));

    expect(response.PhysicalResourceId).toBe(`${jobArn}/export/top-10k`);
    const [exported] = exportsOf();
    expect(exportsOf()).toHaveLength(1);
    expect(exported).toMatchObject({
      name: 'top-10k',
      description: 'The closest 10,000',
      audienceSize: { type: 'ABSOLUTE', value: 10_000 },
      status: 'ACTIVE',
      outputLocation: expect.stringMatching(/^s3:\/\/audiences\/lookalike\/.+\/$/),
    });
    expect(result).toEqual({
      IsComplete: true,
      Data: { Name: 'top-10k', Status: 'ACTIVE', OutputLocation: exported.outputLocation },
    });
  });

  test('generates a name from the stack, the logical id and the request when none is given', async () => {
    const { response, result } = await runToCompletion(events.create(properties()));

    expect(result.Data!.Name).toMatch(/^LookalikeStack-Export-[0-9a-f]{10}$/);
    expect(response.PhysicalResourceId).toBe(`${jobArn}/export/${result.Data!.Name}`);
  });

  test('a retried Create with the same request id starts one export and answers the same physical id', async () => {
    const event = events.create(properties());
    const first = await onEvent(event);
    const second = await onEvent(event);
    const { result } = await runToCompletion(event);

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(exportsOf()).toHaveLength(1);
    expect(result.Data!.Status).toBe('ACTIVE');
    expect(logs.parsed()).toContainEqual(expect.objectContaining({
      message: 'Adopted the audience export job an earlier attempt of this request started',
    }));
  });

  test('fails when a user-given name is already used by an export of the job, and leaves that export alone', async () => {
    await testbed.client.startAudienceExportJob({
      name: 'weekly',
      audienceGenerationJobArn: jobArn,
      audienceSize: { type: 'ABSOLUTE', value: 10_000 },
      description: 'made by hand',
    });

    const error = await rejectionOf(onEvent(events.create(properties({ Name: 'weekly' }))));

    expect(error.message).toBe(
      `${SUBJECT}the name "weekly" is already used by an audience export job of ${jobArn} that this stack did not create; choose another name.`,
    );
    expect(exportsOf()).toEqual([expect.objectContaining({ name: 'weekly', description: 'made by hand' })]);
  });

  test('fails with the service\'s statusDetails when the export ends in CREATE_FAILED', async () => {
    testbed.emulator.failNext({ resourceType: 'audience-export-job', phase: 'CREATE', message: 'The output bucket refused the write' });
    const event = events.create(properties({ Name: 'doomed' }));
    const response = await onEvent(event);

    let error: Error | undefined;
    for (let poll = 0; poll < 500 && !error; poll++) {
      error = await isComplete(isCompleteEvent(event, response)).then(() => undefined, (thrown: Error) => thrown);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }

    expect(error?.message).toBe(
      `${SUBJECT}exporting the audience "doomed" of ${jobArn} failed (CREATE_FAILED): The output bucket refused the write (EmulatedFailure).`,
    );
    // The rollback Delete that follows succeeds.
    await expect(runToCompletion(events.delete(response.PhysicalResourceId, properties()))).resolves.toMatchObject({ result: { IsComplete: true } });
  });

  test('fails with the service\'s message when the size is not one of the configured model\'s sizes', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ AudienceSizeValue: 50_000 }))));

    expect(error.message).toBe(
      `${SUBJECT}StartAudienceExportJob failed with ValidationException: audienceSize must be one of the configured audience model's audience sizes ` +
      '(ABSOLUTE 10000, 100000), got ABSOLUTE 50000.',
    );
    expect(exportsOf()).toEqual([]);
  });

  test('fails when the generation job does not exist', async () => {
    const missing = jobArn.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');
    const error = await rejectionOf(onEvent(events.create(properties({ AudienceGenerationJobArn: missing }))));

    expect(error.message).toMatch(new RegExp(`^${escape(SUBJECT)}StartAudienceExportJob failed with ResourceNotFoundException: `));
  });
});

describe('isComplete, with the emulator\'s clock moved by hand', () => {
  const clock = new ManualClock();
  let manual: HandlerTestbed;

  beforeAll(async () => {
    manual = await HandlerTestbed.start(ONE_SECOND_PHASES, clock.now);
  });
  // Restores the environment the outer testbed set.
  afterAll(() => manual.stop());

  /** Runs `make` while moving the clock a second every few milliseconds, so the emulator's phases pass. */
  async function withClockRunning<T>(make: () => Promise<T>): Promise<T> {
    let done = false;
    const ticking = (async () => {
      while (!done) {
        clock.advance(1000);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      return await make();
    } finally {
      done = true;
      await ticking;
    }
  }

  type Answer = { status?: string; result: IsCompleteResponse };

  async function answersUntilDone(event: CustomResourceEvent, response: OnEventResponse): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let second = 0; second < 10; second++) {
      const status = manual.emulator.inventory().audienceExportJobs[0]?.status;
      const result = await isComplete(isCompleteEvent(event, response));
      answers.push({ status, result: { IsComplete: result.IsComplete } });
      if (result.IsComplete) break;
      clock.advance(1000);
    }
    return answers;
  }

  test('waits while the audience is exported (CREATE_PENDING, CREATE_IN_PROGRESS) and completes when it is ACTIVE', async () => {
    const job = await withClockRunning(async () => activeGenerationJob(manual, await configuredAudienceModel(manual)));
    const event = events.create(properties({ AudienceGenerationJobArn: job }));

    const answers = await answersUntilDone(event, await onEvent(event));

    expect(answers).toEqual([
      { status: 'CREATE_PENDING', result: { IsComplete: false } },
      { status: 'CREATE_IN_PROGRESS', result: { IsComplete: false } },
      { status: 'ACTIVE', result: { IsComplete: true } },
    ]);
  });
});

describe('isComplete past the deadline', () => {
  test('fails with the export\'s last status when it never leaves CREATE_PENDING, and leaves the export as it is', async () => {
    const slow = await HandlerTestbed.start({ ...FAST_TIMINGS, audienceExportJob: { createPendingMs: 3_600_000, createInProgressMs: 3_600_000 } });
    try {
      const job = await activeGenerationJob(slow, await configuredAudienceModel(slow));
      const event = events.create(properties({ AudienceGenerationJobArn: job, Name: 'stuck', TimeoutSeconds: 1200 }));
      const response = await onEvent(event);
      // 20 minutes after onEvent: past the deadline of a 1,200 s timeout (less the 120 s margin).
      const later = { client: clientFromEnvironment(), log: new Logger({}, [], () => undefined), now: () => Date.now() + 20 * 60_000 };

      const error = await rejectionOf(dispatchIsComplete(isCompleteEvent(event, response), RESOURCE_HANDLERS, later));

      expect(error.message).toBe(
        `${SUBJECT}timed out after 20 minutes waiting for the audience export job to be created (status CREATE_PENDING); ` +
        'the construct\'s timeout is 20 minutes.',
      );
      // Exports cannot be deleted: it stays, still pending.
      expect(slow.emulator.inventory().audienceExportJobs).toEqual([expect.objectContaining({ name: 'stuck', status: 'CREATE_PENDING' })]);
    } finally {
      // Restores the environment the outer testbed set.
      await slow.stop();
    }
  });
});

describe('Update', () => {
  test('starts a new export when a property changes; the old one stays', async () => {
    const before = properties({ Description: 'first' });
    const oldId = await created(before);

    const { response, result } = await runToCompletion(events.update(oldId, before, properties({ Description: 'second', AudienceSizeValue: 100_000 })));

    expect(response.PhysicalResourceId).not.toBe(oldId);
    expect(response.PhysicalResourceId).toBe(`${jobArn}/export/${result.Data!.Name}`);
    expect(exportsOf().map((exported) => [exported.description, exported.audienceSize.value, exported.status])).toEqual([
      ['first', 10_000, 'ACTIVE'],
      ['second', 100_000, 'ACTIVE'],
    ]);
  });

  test('an update of the common properties only (timeout, attributes revision) keeps the export and returns every attribute', async () => {
    const before = properties({ Name: 'top-10k' });
    const id = await created(before);

    const { response, result } = await runToCompletion(events.update(id, before, properties({ Name: 'top-10k', AttributesRevision: 2, TimeoutSeconds: 1800 })));

    expect(response.PhysicalResourceId).toBe(id);
    expect(Object.keys(result.Data!).sort()).toEqual(['Name', 'OutputLocation', 'Status']);
    expect(exportsOf()).toHaveLength(1);
  });

  test('a user-given name may be kept when the export moves to another generation job', async () => {
    const before = properties({ Name: 'top-10k' });
    const oldId = await created(before);
    const otherJob = await activeGenerationJob(testbed, configuredArn);

    const { response } = await runToCompletion(events.update(oldId, before, properties({ Name: 'top-10k', AudienceGenerationJobArn: otherJob })));

    expect(response.PhysicalResourceId).toBe(`${otherJob}/export/top-10k`);
    expect(exportsOf(otherJob)).toEqual([expect.objectContaining({ name: 'top-10k', status: 'ACTIVE' })]);
  });

  test('fails to start a new export that keeps its user-given name on the same generation job, and starts nothing', async () => {
    const before = properties({ Name: 'top-10k' });
    const id = await created(before);

    const error = await rejectionOf(onEvent(events.update(id, before, properties({ Name: 'top-10k', AudienceSizeValue: 100_000 }))));

    expect(error.message).toBe(
      `${SUBJECT}cannot start a new audience export job "top-10k" to change AudienceSizeValue: the audience generation job already has an export ` +
      'of that name (exports are never deleted); change audienceExportJobName as well, or remove it to have a name generated.',
    );
    expect(exportsOf()).toHaveLength(1);
  });
});

describe('Delete', () => {
  test('succeeds without any service call; the export stays in the job\'s history', async () => {
    const props = properties({ Name: 'top-10k' });
    const id = await created(props);
    const callsBefore = testbed.emulator.stats().totalCalls;

    const { response, result } = await runToCompletion(events.delete(id, props));

    expect(response.PhysicalResourceId).toBe(id);
    expect(result).toEqual({ IsComplete: true });
    expect(testbed.emulator.stats().totalCalls).toBe(callsBefore);
    expect(exportsOf()).toEqual([expect.objectContaining({ name: 'top-10k', status: 'ACTIVE' })]);
  });

  test('succeeds for an export that never existed, and for the framework\'s CREATE_FAILED marker', async () => {
    const callsBefore = testbed.emulator.stats().totalCalls;

    await expect(runToCompletion(events.delete(`${jobArn}/export/never`, properties()))).resolves.toMatchObject({ result: { IsComplete: true } });
    await expect(runToCompletion(events.delete('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', {}))).resolves
      .toMatchObject({ result: { IsComplete: true } });
    expect(testbed.emulator.stats().totalCalls).toBe(callsBefore);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
