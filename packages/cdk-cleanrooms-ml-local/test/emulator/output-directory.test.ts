import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline, generationJobRequest, ManualClock, ONE_SECOND_PHASES, emulatorClient } from './helpers';
import { CleanRoomsMlEmulator, CleanRoomsMlEmulatorOptions, NOTIONAL_USER_POOL } from '../../src/emulator';
import { audienceFilePath, exportedUserCount } from '../../src/emulator/audience-output';
import type { ModelClient } from '../fixtures/model-client';

let directory: string;
const started: CleanRoomsMlEmulator[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'cleanrooms-ml-output-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.stop()));
  rmSync(directory, { recursive: true, force: true });
});

async function start(options: CleanRoomsMlEmulatorOptions): Promise<{ emulator: CleanRoomsMlEmulator; client: ModelClient }> {
  const emulator = await CleanRoomsMlEmulator.start(options);
  started.push(emulator);
  return { emulator, client: emulatorClient(emulator) };
}

/** A pipeline up to an export of ABSOLUTE 10,000 that was just started (CREATE_PENDING). */
async function startExport(client: ModelClient, clock: ManualClock): Promise<string> {
  const settle = async (): Promise<void> => clock.advance(10_000);
  const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
  const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('job', configuredAudienceModelArn));
  await settle();
  await client.send('StartAudienceExportJob', { name: 'export', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 10_000 } });
  return audienceGenerationJobArn;
}

function filesUnder(root: string): string[] {
  return existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf-8' }).filter((entry) => statSync(join(root, entry)).isFile()) : [];
}

test('an ACTIVE export writes its audience once, at the folder its outputLocation maps to', async () => {
  const clock = new ManualClock();
  const outputDirectory = join(directory, 'out');
  const { client } = await start({ clock: clock.now, timings: ONE_SECOND_PHASES, outputDirectory });
  const audienceGenerationJobArn = await startExport(client, clock);
  const list = async (): Promise<any> =>
    (await client.send('ListAudienceExportJobs', { audienceGenerationJobArn })).audienceExportJobs[0];

  expect((await list()).status).toBe('CREATE_PENDING');
  clock.advance(1000);
  expect((await list()).status).toBe('CREATE_IN_PROGRESS');
  expect(filesUnder(outputDirectory)).toEqual([]); // nothing before ACTIVE

  clock.advance(1000);
  const exported = await list();
  expect(exported.status).toBe('ACTIVE');
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)\/$/.exec(exported.outputLocation!)!;
  const file = join(outputDirectory, bucket, ...key.split('/'), 'audience.jsonl');
  expect(audienceFilePath(outputDirectory, exported.outputLocation!)).toBe(file);
  expect(filesUnder(outputDirectory)).toEqual([join(bucket, ...key.split('/'), 'audience.jsonl')]);

  const content = readFileSync(file, 'utf-8');
  const lines = content.trimEnd().split('\n').map((line) => JSON.parse(line));
  expect(lines).toHaveLength(10_000);
  expect(new Set(lines.map((line) => line.user_id)).size).toBe(10_000);
  expect(lines[0]).toEqual({ user_id: expect.stringMatching(/^u_[0-9a-f]{24}$/), relevance_score: 1 });

  // Looking again (twice) neither rewrites nor touches the file.
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(file, past, past);
  await list();
  await list();
  expect(statSync(file).mtimeMs).toBe(past.getTime());
  expect(readFileSync(file, 'utf-8')).toBe(content);
});

test('a restart from the state file does not write the audience again', async () => {
  const clock = new ManualClock();
  const outputDirectory = join(directory, 'out');
  const options = { clock: clock.now, timings: ONE_SECOND_PHASES, outputDirectory, stateFile: join(directory, 'state.json') };
  const first = await start(options);
  await startExport(first.client, clock);
  clock.advance(2000);
  const [exported] = first.emulator.inventory().audienceExportJobs; // the inventory observes ACTIVE too
  expect(exported.status).toBe('ACTIVE');
  const file = audienceFilePath(outputDirectory, exported.outputLocation!);
  const content = readFileSync(file, 'utf-8');
  await first.emulator.stop();

  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(file, past, past);
  const second = await start(options);
  expect(second.emulator.inventory().audienceExportJobs[0].status).toBe('ACTIVE');
  await second.client.send('ListAudienceExportJobs', {});
  expect(statSync(file).mtimeMs).toBe(past.getTime());
  expect(readFileSync(file, 'utf-8')).toBe(content);
});

test('ids are reproducible: the same names give the same file in a fresh emulator', async () => {
  const contents: string[] = [];
  for (const name of ['run-1', 'run-2']) {
    const clock = new ManualClock();
    const outputDirectory = join(directory, name);
    const { emulator, client } = await start({ clock: clock.now, timings: ONE_SECOND_PHASES, outputDirectory });
    await startExport(client, clock);
    clock.advance(2000);
    const [exported] = emulator.inventory().audienceExportJobs;
    contents.push(readFileSync(audienceFilePath(outputDirectory, exported.outputLocation!), 'utf-8'));
  }
  expect(contents[1]).toBe(contents[0]);
});

test('without outputDirectory nothing is written', async () => {
  const clock = new ManualClock();
  // An empty working directory of its own: a path resolved against it is the likeliest stray write, and another
  // run's reports in the checkout's directory must not look like one.
  const workingDirectory = join(directory, 'cwd');
  mkdirSync(workingDirectory);
  const cwdBefore = process.cwd();
  process.chdir(workingDirectory);
  try {
    const { emulator, client } = await start({ clock: clock.now, timings: ONE_SECOND_PHASES });
    await startExport(client, clock);
    clock.advance(2000);
    expect(emulator.inventory().audienceExportJobs[0].status).toBe('ACTIVE');
    expect(filesUnder(directory)).toEqual([]);
    expect(readdirSync(workingDirectory)).toEqual([]);
  } finally {
    process.chdir(cwdBefore);
  }
});

test('sizes: ABSOLUTE is the line count, PERCENTAGE a share of the notional pool; paths stay inside the directory', () => {
  expect(exportedUserCount({ type: 'ABSOLUTE', value: 10_000 })).toBe(10_000);
  expect(exportedUserCount({ type: 'PERCENTAGE', value: 5 })).toBe(NOTIONAL_USER_POOL * 0.05);
  expect(audienceFilePath('/out', 's3://bucket/a/../../b/')).toBe(join('/out', 'bucket', 'a', 'b', 'audience.jsonl'));
});
