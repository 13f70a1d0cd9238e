/**
 * Each stack deploys as the account its environment names, so the stacks of
 * a two-account app deploy against one emulator: with the emulator the
 * runner starts, the runner takes each account's key from the emulator's
 * accounts; with one at a given endpoint, the caller gives the key.
 */
import { join } from 'node:path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { fixtureProvider, readJournal, removeTemporaryDirectories, synthApp, temporaryDirectory, thing, trainingDataset } from './helpers';
import { CleanRoomsMlEmulator, EmulatorAccount } from '../../src/emulator';
import { deployStack, destroyStack } from '../../src/runner';

afterAll(removeTemporaryDirectories);

const OWNER = '123456789012';
const PARTNER = '210987654321';
const PARTNER_ACCOUNT: EmulatorAccount = { accountId: PARTNER, credentials: { accessKeyId: 'AKIAPARTNER', secretAccessKey: 'partner-secret' } };
const PARTNER_KEY = PARTNER_ACCOUNT.credentials;

/** An app of an owner stack and a partner stack, each with a training dataset and a custom resource. */
function twoAccountApp(journal: string, owner = OWNER): string {
  return synthApp((app: App) => {
    for (const [name, account] of [['Owner', owner], ['Partner', PARTNER]] as const) {
      const stack = new Stack(app, name, { env: { account, region: 'us-east-1' } });
      const dataset = trainingDataset(stack, 'Dataset', { name: `${name.toLowerCase()}-purchases` });
      thing(stack, fixtureProvider(stack, { journal, isComplete: false }), 'A');
      new CfnOutput(stack, 'DatasetArn', { value: dataset.attrTrainingDatasetArn });
    }
  });
}

function workspace(): { readonly journal: string; readonly stateFile: string } {
  const directory = temporaryDirectory();
  return { journal: join(directory, 'journal.jsonl'), stateFile: join(directory, 'state.json') };
}

// The owner's account is the emulator's default one whatever its id: the
// emulator's saved state keeps it when the partner's stack, an account of
// `emulator.accounts`, is deployed next.
test.each([
  ['the emulator\'s usual default account', OWNER],
  ['an account of its own', '111111111111'],
])('the emulator the runner starts serves both accounts, the owner\'s being %s: each stack deploys and destroys as its own, its functions signing with its key', async (_case, ownerAccount) => {
  const { journal, stateFile } = workspace();
  const assembly = twoAccountApp(journal, ownerAccount);
  const options = { assembly, stateFile, emulator: { accounts: [PARTNER_ACCOUNT] } };

  const owner = await deployStack({ ...options, stackName: 'Owner' });
  const partner = await deployStack({ ...options, stackName: 'Partner' });

  expect(owner).toMatchObject({ status: 'CREATE_COMPLETE', stackId: expect.stringContaining(`:${ownerAccount}:stack/Owner/`) });
  expect(partner).toMatchObject({ status: 'CREATE_COMPLETE', stackId: expect.stringContaining(`:${PARTNER}:stack/Partner/`) });
  expect(owner.outputs.DatasetArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:us-east-1:${ownerAccount}:training-dataset/`));
  expect(partner.outputs.DatasetArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:us-east-1:${PARTNER}:training-dataset/`));
  expect(readJournal(journal).map((entry) => [entry.StackId.split(':')[4], entry.env.AWS_ACCESS_KEY_ID]))
    .toEqual([[ownerAccount, 'test'], [PARTNER, 'AKIAPARTNER']]);

  await expect(destroyStack({ ...options, stackName: 'Partner' })).resolves.toMatchObject({ status: 'DELETE_COMPLETE' });
  await expect(destroyStack({ ...options, stackName: 'Owner' })).resolves.toMatchObject({ status: 'DELETE_COMPLETE' });
});

describe('an emulator at a given endpoint', () => {
  let emulator: CleanRoomsMlEmulator;

  beforeEach(async () => {
    emulator = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT] });
  });

  afterEach(async () => {
    await emulator.stop();
  });

  test('deploys a stack as another account with that account\'s key, and refuses it with the key of another', async () => {
    const { journal, stateFile } = workspace();
    const assembly = twoAccountApp(journal);
    const options = { assembly, stateFile, endpoint: emulator.endpoint, stackName: 'Partner' };

    await expect(deployStack(options)).rejects.toThrow(
      `The access key test calls as account ${OWNER}, but the stack is for account ${PARTNER}: `
      + `deploy it with account ${PARTNER}'s credentials (--access-key-id and --secret-access-key)`,
    );
    const deployed = await deployStack({ ...options, credentials: PARTNER_KEY });

    expect(deployed.status).toBe('CREATE_COMPLETE');
    expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.trainingDatasetArn)).toEqual([deployed.outputs.DatasetArn]);
    expect(deployed.outputs.DatasetArn).toContain(`:${PARTNER}:training-dataset/`);
    // Destroying needs the stack's account's key too.
    await expect(destroyStack({ stateFile, stackName: 'Partner' })).rejects.toThrow(`the stack is for account ${PARTNER}`);
    await expect(destroyStack({ stateFile, stackName: 'Partner', credentials: PARTNER_KEY })).resolves.toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.inventory().trainingDatasets).toEqual([]);
  });

  test('refuses a stack of an account the emulator does not know, and a key it does not know, naming what it knows', async () => {
    const { journal, stateFile } = workspace();
    const assembly = synthApp((app) => {
      const stack = new Stack(app, 'Elsewhere', { env: { account: '999999999999', region: 'us-east-1' } });
      thing(stack, fixtureProvider(stack, { journal, isComplete: false }), 'A');
    });

    await expect(deployStack({ assembly, stateFile, endpoint: emulator.endpoint })).rejects.toThrow(
      `The stack is for account 999999999999, which the emulator at ${emulator.endpoint} does not know (its accounts: ${OWNER}, ${PARTNER})`,
    );
    await expect(deployStack({ assembly, stateFile, endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' } }))
      .rejects.toThrow(`The access key AKIAOTHER is no account's key at the emulator at ${emulator.endpoint} (its keys: test for ${OWNER}, AKIAPARTNER for ${PARTNER})`);
  });
});
