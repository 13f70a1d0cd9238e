/**
 * Whole stacks through their lifecycle on the emulator: the example stack
 * (one lookalike pipeline) and the same stack with three pipelines, built
 * from the library's constructs and run by the local runner with the real
 * bundled handlers. Each stack is deployed, updated in place, updated with a
 * replacement, re-tagged and destroyed; after the destroy the emulator holds
 * nothing and no logical resource was ever given two resources except the
 * one the replacement renewed.
 */
import { join } from 'node:path';
import { CleanRoomsMlEmulator, deployStack, destroyStack, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import { AUDIENCE_SIZES } from '../../examples/lookalike-pipeline/stack';
import {
  cleanRoomsPhysicalIds,
  datasetNames,
  EmulatorHistory,
  ExampleVariant,
  FAST_TIMINGS,
  heldResources,
  leftovers,
  lifecycleCalls,
  pipelineIds,
  statusesOf,
  synthExample,
  TIME_SCALE,
} from '../support/pipeline-stacks';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

afterAll(removeTemporaryDirectories);

const PIPELINES = { 1: ['Retail'], 3: ['Retail', 'Outlet', 'Online'] } as const;
const NEW_PARTNER = '444455556666';
const MORE_SIZES = [...AUDIENCE_SIZES, 200_000];
const RETRAINED = 'Lookalikes of our buyers, retrained on 2026 interactions';

describe.each([1, 3] as const)('a stack with %i pipeline(s)', (pipelines) => {
  const names = PIPELINES[pipelines];
  let emulator: CleanRoomsMlEmulator;
  let history: EmulatorHistory;
  let stateFile: string;
  let deployed: StackOperationResult;
  /** Physical ids of the Clean Rooms ML resources after the previous step. */
  let ids: Record<string, string>;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ timings: FAST_TIMINGS });
    history = new EmulatorHistory(emulator);
    stateFile = join(temporaryDirectory(), 'state.json');
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const deploy = (variant: ExampleVariant): Promise<StackOperationResult> =>
    deployStack({
      assembly: synthExample({ pipelines, ...variant }),
      stateFile,
      endpoint: emulator.endpoint,
      timeScale: TIME_SCALE,
      ...history.watch(),
    });

  test('deploy: CREATE_COMPLETE, every Clean Rooms ML resource ACTIVE in the emulator', async () => {
    deployed = await deploy({});

    expect(deployed.failure).toBeUndefined();
    expect(deployed.status).toBe('CREATE_COMPLETE');
    ids = cleanRoomsPhysicalIds(deployed);
    expect(Object.keys(ids)).toHaveLength(5 * pipelines);
    const held = heldResources(emulator.inventory());
    expect(held).toHaveLength(5 * pipelines);
    expect(held.filter((item) => item.status !== 'ACTIVE')).toEqual([]);
    for (const pipeline of names) {
      const logical = pipelineIds(deployed, pipeline);
      for (const logicalId of [logical.dataset, logical.model, logical.configured, logical.job]) {
        expect(held.find((item) => item.id === ids[logicalId])).toMatchObject({ status: 'ACTIVE' });
      }
      // An export is known by its generation job and name: `<job ARN>/export/<name>`.
      expect(ids[logical.export].startsWith(`${ids[logical.job]}/export/`)).toBe(true);
      expect(held.find((item) => item.kind === 'audience-export-job' && item.id.startsWith(`${ids[logical.job]}|`))).toMatchObject({ status: 'ACTIVE' });
    }
  });

  test('in-place update: audience size bins and the resource policy change, the configured models keep their ids', async () => {
    const before = emulator.stats();

    const updated = await deploy({ audienceSizes: MORE_SIZES, partnerAccountId: NEW_PARTNER });

    expect(updated.failure).toBeUndefined();
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(cleanRoomsPhysicalIds(updated)).toEqual(ids);
    expect(lifecycleCalls(before, emulator.stats())).toEqual({});
    const configured = emulator.inventory().configuredAudienceModels;
    expect(configured).toHaveLength(pipelines);
    for (const model of configured) {
      expect(model.audienceSizeConfig?.audienceSizeBins).toEqual(MORE_SIZES);
      expect(model.policy?.configuredAudienceModelPolicy).toContain(`arn:aws:iam::${NEW_PARTNER}:root`);
      expect(model.policy?.configuredAudienceModelPolicy).not.toContain('111122223333');
    }
    for (const pipeline of names) {
      expect(statusesOf(updated, pipelineIds(updated, pipeline).configured)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
    }
  });

  test('replacing update: a new audience model, its dependant re-pointed in place, the old model deleted in the cleanup', async () => {
    const logical = pipelineIds(deployed);
    const oldModel = ids[logical.model];

    const updated = await deploy({ audienceSizes: MORE_SIZES, partnerAccountId: NEW_PARTNER, modelDescription: RETRAINED });

    expect(updated.failure).toBeUndefined();
    expect(updated.status).toBe('UPDATE_COMPLETE');
    const after = cleanRoomsPhysicalIds(updated);
    expect(after[logical.model]).not.toBe(oldModel);
    // Only the first pipeline's model changed; everything else kept its id.
    expect({ ...after, [logical.model]: oldModel }).toEqual(ids);
    const inventory = emulator.inventory();
    expect(inventory.audienceModels.map((model) => model.audienceModelArn)).not.toContain(oldModel);
    expect(inventory.audienceModels.find((model) => model.audienceModelArn === after[logical.model]))
      .toMatchObject({ status: 'ACTIVE', description: RETRAINED });
    expect(inventory.configuredAudienceModels.find((model) => model.configuredAudienceModelArn === ids[logical.configured]))
      .toMatchObject({ audienceModelArn: after[logical.model] });
    // The old model goes last, after its dependant stopped using it.
    const modelEvents = statusesOf(updated, logical.model);
    expect(modelEvents.slice(-2)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    const stackEvents = updated.events.map((event) => `${event.logicalResourceId} ${event.resourceStatus}`);
    expect(stackEvents.indexOf(`${logical.model} DELETE_IN_PROGRESS`))
      .toBeGreaterThan(stackEvents.indexOf('LookalikePipeline UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
    expect(stackEvents.indexOf(`${logical.configured} UPDATE_COMPLETE`)).toBeLessThan(stackEvents.indexOf(`${logical.model} DELETE_IN_PROGRESS`));
    ids = after;
  });

  test('tag-only update: the new tags reach every taggable resource, no resource is created or deleted', async () => {
    const before = emulator.stats();

    const updated = await deploy({
      audienceSizes: MORE_SIZES,
      partnerAccountId: NEW_PARTNER,
      modelDescription: RETRAINED,
      tags: { team: 'marketing', stage: 'prod' },
    });

    expect(updated.failure).toBeUndefined();
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(cleanRoomsPhysicalIds(updated)).toEqual(ids);
    expect(lifecycleCalls(before, emulator.stats())).toEqual({});
    // Export jobs have no tags.
    const taggable = heldResources(emulator.inventory()).filter((item) => item.kind !== 'audience-export-job');
    expect(taggable).toHaveLength(4 * pipelines);
    for (const item of taggable) {
      expect({ name: item.name, tags: item.tags }).toEqual({
        name: item.name,
        tags: expect.objectContaining({ project: 'lookalike-audiences', team: 'marketing', stage: 'prod' }),
      });
    }
  });

  test('destroy: DELETE_COMPLETE, the emulator holds nothing, no logical resource was created twice', async () => {
    const destroyed = await destroyStack({ stateFile, timeScale: TIME_SCALE, ...history.watch() });

    expect(destroyed.failure).toBeUndefined();
    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(leftovers(emulator)).toEqual([]);
    const replacedModel = pipelineIds(deployed).model;
    const creates = history.creates(deployed, datasetNames(synthExample({ pipelines })));
    const expected = Object.fromEntries(Object.keys(creates).map((logicalId) => [logicalId, logicalId === replacedModel ? 2 : 1]));
    expect(creates).toEqual(expected);
    // The service saw as many creating calls: none answered, lost and sent again.
    const { calls } = emulator.stats();
    expect({
      CreateTrainingDataset: calls.CreateTrainingDataset,
      CreateAudienceModel: calls.CreateAudienceModel,
      CreateConfiguredAudienceModel: calls.CreateConfiguredAudienceModel,
      StartAudienceGenerationJob: calls.StartAudienceGenerationJob,
      StartAudienceExportJob: calls.StartAudienceExportJob,
    }).toEqual({
      CreateTrainingDataset: pipelines,
      CreateAudienceModel: pipelines + 1,
      CreateConfiguredAudienceModel: pipelines,
      StartAudienceGenerationJob: pipelines,
      StartAudienceExportJob: pipelines,
    });
  });
});
