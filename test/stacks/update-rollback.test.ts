/**
 * CloudFormation's rollback of a failed update, on the whole example stack
 * (the library's constructs, the real bundled handlers, the local runner, the
 * emulator): an update the handler refuses and a replacement whose training
 * fails each end UPDATE_ROLLBACK_COMPLETE with the stack's record and the
 * service in agreement, nothing created by the rollback, the stack deployable
 * again and a destroy that leaves nothing.
 */
import { join } from 'node:path';
import { CleanRoomsMlEmulator, deployStack, destroyStack, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import {
  cleanRoomsPhysicalIds,
  ExampleVariant,
  FAST_TIMINGS,
  leftovers,
  lifecycleCalls,
  pipelineIds,
  statusesOf,
  synthExample,
  TIME_SCALE,
} from '../support/pipeline-stacks';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

afterAll(removeTemporaryDirectories);

const MODEL_NAME = 'retail-lookalike';
const RETRAINED = 'Lookalikes of our buyers, retrained on 2026 interactions';

let emulator: CleanRoomsMlEmulator;
let stateFile: string;

beforeEach(async () => {
  emulator = await CleanRoomsMlEmulator.start({ timings: FAST_TIMINGS });
  stateFile = join(temporaryDirectory(), 'state.json');
});
afterEach(() => emulator.stop());

function deploy(variant: ExampleVariant): Promise<StackOperationResult> {
  return deployStack({ assembly: synthExample(variant), stateFile, endpoint: emulator.endpoint, timeScale: TIME_SCALE });
}

test('a refused change of a user-named model: UPDATE_ROLLBACK_COMPLETE with the refusal in the events, then an update and a destroy succeed', async () => {
  const created = await deploy({ modelName: MODEL_NAME });
  expect(created.status).toBe('CREATE_COMPLETE');
  const logical = pipelineIds(created);
  const ids = cleanRoomsPhysicalIds(created);
  const before = emulator.stats();

  const refused = await deploy({ modelName: MODEL_NAME, modelDescription: RETRAINED });

  expect(refused.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const refusal = `cannot replace the audience model "${MODEL_NAME}" to change Description`;
  expect(refused.failure).toMatchObject({ logicalResourceId: logical.model, reason: expect.stringContaining(refusal) });
  expect(statusesOf(refused, logical.model)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_FAILED', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
  expect(refused.events.find((event) => event.resourceStatus === 'UPDATE_FAILED')?.resourceStatusReason).toContain(refusal);
  // The rollback kept what was there: same physical ids, nothing created or deleted, the model as it was.
  expect(cleanRoomsPhysicalIds(refused)).toEqual(ids);
  expect(lifecycleCalls(before, emulator.stats())).toEqual({});
  expect(emulator.inventory().audienceModels).toEqual([
    expect.objectContaining({ audienceModelArn: ids[logical.model], name: MODEL_NAME, status: 'ACTIVE' }),
  ]);
  expect(emulator.inventory().audienceModels[0].description).not.toBe(RETRAINED);

  // Deployable again: renaming lets the replacement happen.
  const renamed = await deploy({ modelName: `${MODEL_NAME}-v2`, modelDescription: RETRAINED });

  expect(renamed.failure).toBeUndefined();
  expect(renamed.status).toBe('UPDATE_COMPLETE');
  expect(emulator.inventory().audienceModels).toEqual([
    expect.objectContaining({ name: `${MODEL_NAME}-v2`, description: RETRAINED, status: 'ACTIVE' }),
  ]);
  const destroyed = await destroyStack({ stateFile, timeScale: TIME_SCALE });
  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(leftovers(emulator)).toEqual([]);
});

test('a replacement whose training fails: UPDATE_ROLLBACK_COMPLETE on the original model, no third model, the failed one deleted, destroy leaves nothing', async () => {
  const created = await deploy({});
  expect(created.status).toBe('CREATE_COMPLETE');
  const logical = pipelineIds(created);
  const ids = cleanRoomsPhysicalIds(created);
  const before = emulator.stats();

  const failed = await deploy({ modelDescription: RETRAINED, modelTags: { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'not enough training data' } });

  expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(failed.failure).toMatchObject({ logicalResourceId: logical.model, reason: expect.stringContaining('not enough training data') });
  expect(cleanRoomsPhysicalIds(failed)).toEqual(ids);
  // One model created (the replacement that failed) and deleted; the rollback created none.
  expect(lifecycleCalls(before, emulator.stats())).toEqual({ CreateAudienceModel: 1, DeleteAudienceModel: expect.any(Number) });
  const models = emulator.inventory().audienceModels;
  expect(models).toEqual([expect.objectContaining({ audienceModelArn: ids[logical.model], status: 'ACTIVE' })]);
  expect(models[0].description).not.toBe(RETRAINED);
  expect(emulator.inventory().configuredAudienceModels).toEqual([expect.objectContaining({ audienceModelArn: ids[logical.model] })]);

  const destroyed = await destroyStack({ stateFile, timeScale: TIME_SCALE });
  expect(destroyed.failure).toBeUndefined();
  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(leftovers(emulator)).toEqual([]);
});
