/**
 * The Clean Rooms ML endpoint a deployment runs against: an emulator the
 * runner starts itself (its state kept in a file next to the deployment
 * state, so resources survive between invocations), or one already running
 * at a given URL (asked for its accounts, region and AWS Clean Rooms endpoint
 * on /_emulator/health); and the account the deployment calls as
 * (calling-account.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import { CleanRoomsClient } from '@aws-sdk/client-cleanrooms';
import { DEFAULT_CREDENTIALS, givenEmulatorCaller, KnownAccount, ownedEmulatorCaller, ownedEmulatorDefault } from './calling-account';
import { CleanRoomsMlClient } from '../client/client';
import { dnsSuffixFor } from '../client/endpoint';
import { CleanRoomsMlEmulator, CleanRoomsMlEmulatorOptions } from '../emulator';
import { partitionOf } from '../emulator/arns';
import type { EmulatorCredentials } from '../emulator/signature';

export interface EmulatorTarget {
  readonly endpoint: string;
  /** The emulator's AWS Clean Rooms endpoint (its second listener). */
  readonly cleanRoomsEndpoint: string;
  /** The account the runner and the functions call as (the stack's); `credentials` is its key. */
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly credentials: EmulatorCredentials;
  /** True when the runner started this emulator (and stops it when done). */
  readonly owned: boolean;
  /** The runner's own client, for native resources (AWS::CleanRoomsML::TrainingDataset). */
  readonly client: CleanRoomsMlClient;
  /** The runner's AWS Clean Rooms client, for AWS::CleanRooms::Collaboration and ::Membership. */
  readonly cleanRooms: CleanRoomsClient;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** An emulator already running; otherwise one is started. */
  readonly endpoint?: string;
  /** The state file of the emulator the runner starts. */
  readonly stateFile: string;
  /** The account the stack is for (its environment's, or its record's); see calling-account.ts. */
  readonly accountId?: string;
  /** The region of the emulator the runner starts. */
  readonly region?: string;
  /** The key the runner and the functions sign with. @default the stack's account's, else test / test */
  readonly credentials?: EmulatorCredentials;
  /** More options for the emulator the runner starts (timings, faults, quotas). */
  readonly emulatorOptions?: CleanRoomsMlEmulatorOptions;
}

export async function connectEmulator(options: ConnectOptions): Promise<EmulatorTarget> {
  if (options.endpoint) {
    const endpoint = options.endpoint.replace(/\/+$/, '');
    const health = await emulatorHealth(endpoint);
    const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
    const accountId = givenEmulatorCaller(endpoint, health.accounts, options.accountId, credentials);
    return target({ endpoint, cleanRoomsEndpoint: health.cleanRoomsEndpoint }, accountId, health.region, credentials, false, async () => undefined);
  }
  const emulatorOptions = options.emulatorOptions ?? {};
  const defaultAccount = ownedEmulatorDefault({
    accountId: options.accountId,
    credentials: options.credentials,
    emulatorAccountId: emulatorOptions.accountId,
    emulatorCredentials: emulatorOptions.credentials,
    emulatorAccounts: emulatorOptions.accounts,
    savedDefaultAccountId: savedDefaultAccount(options.stateFile),
  });
  const emulator = await CleanRoomsMlEmulator.start({
    ...emulatorOptions,
    ...defaultAccount,
    region: options.region ?? emulatorOptions.region,
    stateFile: options.stateFile,
  });
  try {
    const caller = ownedEmulatorCaller(emulator.accounts, options.accountId, options.credentials);
    const endpoints = { endpoint: emulator.endpoint, cleanRoomsEndpoint: emulator.cleanRoomsEndpoint };
    return target(endpoints, caller.accountId, emulator.region, caller.credentials, true, () => emulator.stop());
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/** The default account an emulator's state file was written with, if the file exists and names one. */
function savedDefaultAccount(stateFile: string): string | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { accountId?: unknown };
    return typeof saved.accountId === 'string' ? saved.accountId : undefined;
  } catch {
    // The emulator itself reports a state file it cannot read, with its path.
    return undefined;
  }
}

/** Asks an emulator who it is; anything else at that URL is an error. */
export async function emulatorHealth(endpoint: string): Promise<EmulatorHealth> {
  const url = new URL('/_emulator/health', endpoint);
  const body = await new Promise<string>((resolveBody, reject) => {
    // A connection of its own: a kept-alive one from an earlier operation may be closing on the emulator's side (ECONNRESET).
    const request = http.get(url, { timeout: 5_000, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => (response.statusCode === 200 ? resolveBody(text) : reject(new Error(`HTTP ${response.statusCode}`))));
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 5 s')));
    request.on('error', reject);
  }).catch((error: Error) => {
    throw new Error(`No Clean Rooms ML emulator answers at ${endpoint} (${error.message}): start one with \`cleanrooms-ml-local emulator\` or leave out --endpoint`);
  });
  const health = JSON.parse(body) as { accountId?: unknown; region?: unknown; cleanRoomsEndpoint?: unknown; accounts?: unknown };
  if (typeof health.accountId !== 'string' || typeof health.region !== 'string' || typeof health.cleanRoomsEndpoint !== 'string'
    || !Array.isArray(health.accounts)) {
    throw new Error(`${endpoint} is not a Clean Rooms ML emulator of this release `
      + '(its /_emulator/health names no account, region, accounts and AWS Clean Rooms endpoint)');
  }
  const accounts = health.accounts as KnownAccount[];
  return { accountId: health.accountId, region: health.region, cleanRoomsEndpoint: health.cleanRoomsEndpoint, accounts };
}

/** What an emulator's /_emulator/health says of it. */
export interface EmulatorHealth {
  /** The default account. */
  readonly accountId: string;
  /** Every account and the access key that calls as it, the default first. */
  readonly accounts: readonly KnownAccount[];
  readonly region: string;
  readonly cleanRoomsEndpoint: string;
}

function target(
  { endpoint, cleanRoomsEndpoint }: { readonly endpoint: string; readonly cleanRoomsEndpoint: string },
  accountId: string,
  region: string,
  credentials: EmulatorCredentials,
  owned: boolean,
  stop: () => Promise<void>,
): EmulatorTarget {
  // The runner's own calls stand in for CloudFormation's handler of
  // AWS::CleanRoomsML::TrainingDataset, which outlasts bursts of throttling
  // and 5xx: 25 attempts, waits of at most a second (about 20 s of retrying
  // in all; at 30 % throttling and 20 % 5xx, one call in a billion fails).
  const client = new CleanRoomsMlClient({ endpoint, region, credentials, maxAttempts: 25, retryMaxDelayMs: 1_000 });
  // AWS::CleanRooms::* through the official SDK client, as CloudFormation's
  // handlers call the service; its standard retries (10 attempts here) ride
  // out the emulator's injected throttling and 5xx.
  const cleanRooms = new CleanRoomsClient({ endpoint: cleanRoomsEndpoint, region, credentials, maxAttempts: 10 });
  return {
    endpoint,
    cleanRoomsEndpoint,
    accountId,
    region,
    partition: partitionOf(region),
    urlSuffix: dnsSuffixFor(region),
    credentials,
    owned,
    client,
    cleanRooms,
    close: async () => {
      client.destroy();
      cleanRooms.destroy();
      await stop();
    },
  };
}
