/**
 * Several accounts in one emulator: the access key that signs a request
 * decides the calling account, and each account has its own resources,
 * names and quotas, as separate AWS accounts do.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTANT } from './helpers';
import {
  client,
  configuredModelIn,
  OWNER,
  OWNER_CREDENTIALS,
  PARTNER,
  PARTNER_ACCOUNT,
  PARTNER_CREDENTIALS,
  roleArn,
  trainingDatasetIn,
} from './two-accounts';
import type { CleanRoomsMlClient } from '../../src/client';
import { CleanRoomsMlEmulator, ManualClock } from '../../src/emulator';
import { caught } from '../client/emulator-fixtures';

describe('two accounts on one emulator', () => {
  const clock = new ManualClock(Date.parse('2025-03-01T12:00:00Z'));
  let emulator: CleanRoomsMlEmulator;
  let owner: CleanRoomsMlClient;
  let partner: CleanRoomsMlClient;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], timings: INSTANT, clock: clock.now });
    owner = client(emulator, OWNER_CREDENTIALS);
    partner = client(emulator, PARTNER_CREDENTIALS);
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    owner.destroy();
    partner.destroy();
    await emulator.stop();
  });

  test('the emulator lists its accounts, the default first, and health tells which access key calls as which account', async () => {
    expect(emulator.accounts.map((account) => account.accountId)).toEqual([OWNER, PARTNER]);
    expect(emulator.accountId).toBe(OWNER);

    const health = await (await fetch(`${emulator.endpoint}/_emulator/health`)).json();

    expect(health).toEqual({
      status: 'ok',
      accountId: OWNER,
      region: 'us-east-1',
      accounts: [{ accountId: OWNER, accessKeyId: 'test' }, { accountId: PARTNER, accessKeyId: 'AKIAPARTNER' }],
      cleanRoomsEndpoint: emulator.cleanRoomsEndpoint,
    });
    expect(JSON.stringify(health)).not.toContain('partner-secret');
  });

  test('a resource is created in the account whose key signed the call, and each account lists only its own', async () => {
    const mine = await owner.createTrainingDataset(trainingDatasetIn(OWNER, 'purchases'));
    // The same name in another account is no conflict: names are unique per account.
    const theirs = await partner.createTrainingDataset(trainingDatasetIn(PARTNER, 'purchases'));

    expect(mine.trainingDatasetArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:us-east-1:${OWNER}:training-dataset/`));
    expect(theirs.trainingDatasetArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:us-east-1:${PARTNER}:training-dataset/`));
    expect((await owner.listTrainingDatasets()).trainingDatasets.map((dataset) => dataset.trainingDatasetArn)).toEqual([mine.trainingDatasetArn]);
    expect((await partner.listTrainingDatasets()).trainingDatasets.map((dataset) => dataset.trainingDatasetArn)).toEqual([theirs.trainingDatasetArn]);
    // Within one account the name is still taken.
    expect(await caught(partner.createTrainingDataset(trainingDatasetIn(PARTNER, 'purchases')))).toMatchObject({ name: 'ConflictException' });
    // The inventory holds every account's records.
    expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.trainingDatasetArn))
      .toEqual([mine.trainingDatasetArn, theirs.trainingDatasetArn]);
  });

  test('fails: an ARN of another account is not found for reads, tags, updates and deletes, and the resource stays', async () => {
    const configuredAudienceModelArn = await configuredModelIn(OWNER, owner, 'owner', () => clock.advance(10));

    const refusals = [
      await caught(partner.getConfiguredAudienceModel({ configuredAudienceModelArn })),
      await caught(partner.updateConfiguredAudienceModel({ configuredAudienceModelArn, description: 'taken over' })),
      await caught(partner.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn, configuredAudienceModelPolicy: '{}' })),
      await caught(partner.tagResource({ resourceArn: configuredAudienceModelArn, tags: { owner: 'partner' } })),
      await caught(partner.deleteConfiguredAudienceModel({ configuredAudienceModelArn })),
    ];

    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ name: 'ResourceNotFoundException' });
      expect(refusal.message).toContain(`the caller is account ${PARTNER}, the ARN names account ${OWNER}`);
    }
    const kept = await owner.getConfiguredAudienceModel({ configuredAudienceModelArn });
    expect(kept.description).toBeUndefined();
    expect(kept.tags).toEqual({});
    expect(await caught(owner.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('fails: a role of another account cannot be passed, whichever account calls', async () => {
    const refused = await caught(partner.createTrainingDataset(trainingDatasetIn(OWNER, 'borrowed-role')));

    expect(refused).toMatchObject({ name: 'AccessDeniedException' });
    expect(refused.message).toContain(`roleArn ${roleArn(OWNER)} is not in account ${PARTNER}`);
  });

  test('quotas count per account: one account training at its limit does not stop another', async () => {
    const limited = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], quotas: { audienceModelTrainings: 1 }, clock: clock.now });
    const ownerOfLimited = client(limited, OWNER_CREDENTIALS);
    const partnerOfLimited = client(limited, PARTNER_CREDENTIALS);
    try {
      const ownerData = await ownerOfLimited.createTrainingDataset(trainingDatasetIn(OWNER, 'data'));
      const partnerData = await partnerOfLimited.createTrainingDataset(trainingDatasetIn(PARTNER, 'data'));
      await ownerOfLimited.createAudienceModel({ name: 'first', trainingDatasetArn: ownerData.trainingDatasetArn });

      await expect(partnerOfLimited.createAudienceModel({ name: 'first', trainingDatasetArn: partnerData.trainingDatasetArn })).resolves.toBeDefined();
      expect(await caught(ownerOfLimited.createAudienceModel({ name: 'second', trainingDatasetArn: ownerData.trainingDatasetArn })))
        .toMatchObject({ name: 'ServiceQuotaExceededException' });
    } finally {
      ownerOfLimited.destroy();
      partnerOfLimited.destroy();
      await limited.stop();
    }
  });

  test('fails: a known access key with the wrong secret, or a key no account has, is refused', async () => {
    const wrongSecret = client(emulator, { accessKeyId: PARTNER_CREDENTIALS.accessKeyId, secretAccessKey: 'test' });
    const unknownKey = client(emulator, { accessKeyId: 'AKIANOBODY', secretAccessKey: 'partner-secret' });
    try {
      expect(await caught(wrongSecret.listTrainingDatasets())).toMatchObject({ name: 'InvalidSignatureException' });
      expect(await caught(unknownKey.listTrainingDatasets())).toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      wrongSecret.destroy();
      unknownKey.destroy();
    }
  });
});

describe('accounts without signature verification', () => {
  test('a known access key still calls as its account; any other key calls as the default account', async () => {
    const emulator = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], verifySignature: false });
    const partner = client(emulator, { accessKeyId: PARTNER_CREDENTIALS.accessKeyId, secretAccessKey: 'not-checked' });
    const stranger = client(emulator, { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'not-checked' });
    try {
      const { trainingDatasetArn: partnerArn } = await partner.createTrainingDataset(trainingDatasetIn(PARTNER, 'data'));
      const { trainingDatasetArn: strangerArn } = await stranger.createTrainingDataset(trainingDatasetIn(OWNER, 'data'));

      expect(partnerArn).toContain(`:${PARTNER}:training-dataset/`);
      expect(strangerArn).toContain(`:${OWNER}:training-dataset/`);
    } finally {
      partner.destroy();
      stranger.destroy();
      await emulator.stop();
    }
  });
});

describe('account options', () => {
  test.each([
    [
      'an account id that is not 12 digits',
      { accounts: [{ accountId: '2109', credentials: PARTNER_CREDENTIALS }] },
      'accounts[0].accountId must be 12 digits, got "2109"',
    ],
    [
      'the default account given again',
      { accounts: [{ accountId: OWNER, credentials: PARTNER_CREDENTIALS }] },
      `accounts[0].accountId: account ${OWNER} is given twice`,
    ],
    [
      'an access key another account already has',
      { accounts: [{ accountId: PARTNER, credentials: { accessKeyId: 'test', secretAccessKey: 'other' } }] },
      `accounts[0].credentials.accessKeyId "test" is already the key of account ${OWNER}`,
    ],
    [
      'credentials without a secret',
      { accounts: [{ accountId: PARTNER, credentials: { accessKeyId: 'AKIAPARTNER', secretAccessKey: '' } }] },
      'accounts[0].credentials needs an accessKeyId and a secretAccessKey',
    ],
  ])('fails at start: %s', async (_case, options, message) => {
    await expect(CleanRoomsMlEmulator.start(options)).rejects.toThrow(message);
  });
});

describe('state file with several accounts', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cleanrooms-ml-accounts-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  test('every account\'s records survive a restart, each still seen by its own account only', async () => {
    const stateFile = join(directory, 'state.json');
    const first = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], stateFile });
    const firstPartner = client(first, PARTNER_CREDENTIALS);
    const firstOwner = client(first, OWNER_CREDENTIALS);
    const { trainingDatasetArn: partnerArn } = await firstPartner.createTrainingDataset(trainingDatasetIn(PARTNER, 'partner-data'));
    const { trainingDatasetArn: ownerArn } = await firstOwner.createTrainingDataset(trainingDatasetIn(OWNER, 'owner-data'));
    firstPartner.destroy();
    firstOwner.destroy();
    await first.stop();

    expect(JSON.parse(readFileSync(stateFile, 'utf-8'))).toMatchObject({ version: 3, accountId: OWNER, accountIds: [OWNER, PARTNER] });

    const second = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], stateFile });
    const partner = client(second, PARTNER_CREDENTIALS);
    const owner = client(second, OWNER_CREDENTIALS);
    try {
      expect((await partner.listTrainingDatasets()).trainingDatasets.map((dataset) => dataset.trainingDatasetArn)).toEqual([partnerArn]);
      expect((await owner.listTrainingDatasets()).trainingDatasets.map((dataset) => dataset.trainingDatasetArn)).toEqual([ownerArn]);
    } finally {
      partner.destroy();
      owner.destroy();
      await second.stop();
    }
  });

  test('fails: a state file holding resources of an account the emulator no longer serves is refused, naming the account', async () => {
    const stateFile = join(directory, 'state.json');
    const first = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], stateFile });
    const partner = client(first, PARTNER_CREDENTIALS);
    await partner.createTrainingDataset(trainingDatasetIn(PARTNER, 'partner-data'));
    partner.destroy();
    await first.stop();

    await expect(CleanRoomsMlEmulator.start({ stateFile }))
      .rejects.toThrow(`holds resources of account ${PARTNER}, which this emulator does not serve (it serves ${OWNER}); add them to the accounts option`);
  });

  test('a state file of version 2 (one account) loads with more accounts configured: its records are the default account\'s', async () => {
    const stateFile = join(directory, 'state.json');
    const single = await CleanRoomsMlEmulator.start({ stateFile });
    const writer = client(single, OWNER_CREDENTIALS);
    const { trainingDatasetArn } = await writer.createTrainingDataset(trainingDatasetIn(OWNER, 'older'));
    writer.destroy();
    await single.stop();
    const { accountIds: _accountIds, ...version2 } = JSON.parse(readFileSync(stateFile, 'utf-8'));
    writeFileSync(stateFile, JSON.stringify({ ...version2, version: 2 }));

    const emulator = await CleanRoomsMlEmulator.start({ accounts: [PARTNER_ACCOUNT], stateFile });
    const owner = client(emulator, OWNER_CREDENTIALS);
    const partner = client(emulator, PARTNER_CREDENTIALS);
    try {
      expect((await owner.getTrainingDataset({ trainingDatasetArn })).name).toBe('older');
      expect((await partner.listTrainingDatasets()).trainingDatasets).toEqual([]);
    } finally {
      owner.destroy();
      partner.destroy();
      await emulator.stop();
    }
  });
});
