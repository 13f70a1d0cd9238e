/**
 * The README's main job, run as a user runs it (`npm run demo` calls the same
 * `runDemo`): the example stack deployed on the emulator, updated in place,
 * destroyed, with the exported audience on disk.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoResult, runDemo, UPDATE_EXTRA_SIZE, UPDATE_TAG } from '../../examples/lookalike-pipeline/demo';
import { AUDIENCE_SIZES, EXPORTED_SIZE } from '../../examples/lookalike-pipeline/stack';

let workDirectory: string;
let printed: string[];
let result: DemoResult;

beforeAll(async () => {
  workDirectory = mkdtempSync(join(tmpdir(), 'demo-'));
  printed = [];
  result = await runDemo({ workDirectory, print: (line) => printed.push(line) });
}, 120_000);

afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

test('deploys the example stack: every Clean Rooms ML resource ACTIVE', () => {
  expect(result.deploy.status).toBe('CREATE_COMPLETE');
  const { trainingDatasets, audienceModels, configuredAudienceModels, audienceGenerationJobs, audienceExportJobs } = result.deployed;
  const statuses = [...trainingDatasets, ...audienceModels, ...configuredAudienceModels, ...audienceGenerationJobs, ...audienceExportJobs]
    .map((resource) => resource.status);
  expect(statuses).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
  expect(printed.some((line) => /RetailModel\w+$/.test(line) && line.includes('CREATE_COMPLETE'))).toBe(true);
});

test('prints the generation job\'s relevance metrics and where the exported audience is, and writes that many distinct users', () => {
  for (const size of AUDIENCE_SIZES) {
    expect(printed.some((line) => new RegExp(`relevance of the +${size.toLocaleString('en-US')}-user audience: 0\\.\\d{3}$`).test(line))).toBe(true);
  }
  // AWS's current model reports no audience model metrics: the demo shows none.
  expect(printed.some((line) => /PRECISION|NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN/.test(line))).toBe(false);
  const lines = readFileSync(result.audienceFile, 'utf8').split('\n').filter(Boolean);
  expect(result.audienceUsers).toBe(EXPORTED_SIZE);
  expect(new Set(lines.map((line) => (JSON.parse(line) as { user_id: string }).user_id)).size).toBe(EXPORTED_SIZE);
  expect(result.audienceFile.startsWith(join(workDirectory, 'audiences'))).toBe(true);
  expect(printed.some((line) => line.includes(result.deployed.audienceExportJobs[0].outputLocation!))).toBe(true);
});

test('updates in place: one more audience size bin and the new tag, every ARN kept', () => {
  expect(result.update.status).toBe('UPDATE_COMPLETE');
  expect(result.updated.configuredAudienceModels[0].audienceSizeConfig?.audienceSizeBins).toEqual([...AUDIENCE_SIZES, UPDATE_EXTRA_SIZE]);
  expect(result.updated.audienceModels[0].tags).toMatchObject({ [UPDATE_TAG.key]: UPDATE_TAG.value });
  const modelArns = (inventory: DemoResult['deployed']) => inventory.audienceModels.map((model) => model.audienceModelArn);
  expect(modelArns(result.updated)).toEqual(modelArns(result.deployed));
  expect(result.updated.configuredAudienceModels.map((model) => model.configuredAudienceModelArn))
    .toEqual(result.deployed.configuredAudienceModels.map((model) => model.configuredAudienceModelArn));
  expect(result.update.events.some((event) => event.resourceStatus === 'DELETE_COMPLETE')).toBe(false);
});

test('destroys the stack and leaves the emulator empty', () => {
  expect(result.destroy.status).toBe('DELETE_COMPLETE');
  expect(result.destroyed).toMatchObject({
    trainingDatasets: [], audienceModels: [], configuredAudienceModels: [], audienceGenerationJobs: [], audienceExportJobs: [],
  });
  expect(printed[printed.length - 1]).toMatch(/DELETE_COMPLETE .* the emulator holds 0 Clean Rooms ML resources/);
});
