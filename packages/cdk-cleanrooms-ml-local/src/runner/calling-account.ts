/**
 * Which account a stack deploys as, and with which key. In AWS a stack is
 * deployed by credentials of the account its environment names (the CDK
 * CLI refuses credentials of another account); the emulator tells its
 * accounts apart by the access key a call is signed with. So:
 *
 * - a stack whose environment names a concrete account runs as that
 *   account: with the emulator the runner starts, its key is taken from the
 *   emulator's accounts (the stack's account becomes the emulator's default
 *   account when no `emulator.accounts` entry, no `emulator.accountId` and
 *   no saved emulator state names another default, as before there were
 *   several); with an emulator
 *   at a given endpoint, the credentials given must be that account's (the
 *   runner cannot know another account's secret key);
 * - an environment-agnostic stack runs as the account of the credentials
 *   (the emulator's default account without any).
 *
 * Anything else is refused before a call is made, naming the accounts and keys.
 */
import type { EmulatorAccount, EmulatorCredentials } from '../emulator/accounts';

/** An account of an emulator as its /_emulator/health shows it (no secret key). */
export interface KnownAccount {
  readonly accountId: string;
  readonly accessKeyId: string;
}

export const DEFAULT_CREDENTIALS: EmulatorCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The emulator's default account and credentials for the runner to start it with. */
export function ownedEmulatorDefault(options: {
  /** The account the stack is for. */
  readonly accountId?: string;
  readonly credentials?: EmulatorCredentials;
  readonly emulatorAccountId?: string;
  readonly emulatorCredentials?: EmulatorCredentials;
  readonly emulatorAccounts?: readonly EmulatorAccount[];
  /**
   * The default account of the emulator's saved state, when it has one: the
   * emulator keeps it across operations, so the stacks of several accounts
   * deployed one after the other find the state they left.
   */
  readonly savedDefaultAccountId?: string;
}): { readonly accountId?: string; readonly credentials: EmulatorCredentials } {
  const { accountId, credentials } = options;
  const others = options.emulatorAccounts ?? [];
  const inOthers = (check: (account: EmulatorAccount) => boolean): boolean => others.some(check);
  return {
    accountId: options.emulatorAccountId
      ?? options.savedDefaultAccountId
      ?? (accountId !== undefined && !inOthers((account) => account.accountId === accountId) ? accountId : undefined),
    // The runner's key is the default account's unless it is another account's.
    credentials: options.emulatorCredentials
      ?? (credentials && !inOthers((account) => account.credentials.accessKeyId === credentials.accessKeyId) ? credentials : undefined)
      ?? DEFAULT_CREDENTIALS,
  };
}

/**
 * The account the runner calls as, and its key, for the emulator the runner
 * started (whose accounts, secret keys included, it knows).
 */
export function ownedEmulatorCaller(
  accounts: readonly EmulatorAccount[],
  stackAccountId: string | undefined,
  credentials: EmulatorCredentials | undefined,
): EmulatorAccount {
  const byKey = credentials && accountOfKey(accounts.map(summary), credentials.accessKeyId, 'the emulator the runner starts');
  if (stackAccountId === undefined) {
    return byKey ? { accountId: byKey, credentials: credentials! } : accounts[0];
  }
  const account = accounts.find((candidate) => candidate.accountId === stackAccountId);
  if (!account) {
    throw new Error(`The stack is for account ${stackAccountId}, which the emulator the runner starts does not know `
      + `(its accounts: ${accounts.map((candidate) => candidate.accountId).join(', ')}): add it to the emulator's accounts`);
  }
  if (byKey !== undefined && byKey !== stackAccountId) {
    throw new Error(wrongKey(credentials!.accessKeyId, byKey, stackAccountId));
  }
  return account;
}

/**
 * The account the runner calls as at an emulator of a given endpoint: the
 * account of the credentials, which must be the stack's.
 */
export function givenEmulatorCaller(
  endpoint: string,
  accounts: readonly KnownAccount[],
  stackAccountId: string | undefined,
  credentials: EmulatorCredentials,
): string {
  const callerAccountId = accountOfKey(accounts, credentials.accessKeyId, `the emulator at ${endpoint}`);
  if (stackAccountId !== undefined && stackAccountId !== callerAccountId) {
    if (!accounts.some((account) => account.accountId === stackAccountId)) {
      throw new Error(`The stack is for account ${stackAccountId}, which the emulator at ${endpoint} does not know `
        + `(its accounts: ${accounts.map((account) => account.accountId).join(', ')})`);
    }
    throw new Error(wrongKey(credentials.accessKeyId, callerAccountId, stackAccountId));
  }
  return callerAccountId;
}

function accountOfKey(accounts: readonly KnownAccount[], accessKeyId: string, where: string): string {
  const account = accounts.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!account) {
    throw new Error(`The access key ${accessKeyId} is no account's key at ${where} `
      + `(its keys: ${accounts.map((candidate) => `${candidate.accessKeyId} for ${candidate.accountId}`).join(', ')})`);
  }
  return account.accountId;
}

function wrongKey(accessKeyId: string, keyAccountId: string, stackAccountId: string): string {
  return `The access key ${accessKeyId} calls as account ${keyAccountId}, but the stack is for account ${stackAccountId}: `
    + `deploy it with account ${stackAccountId}'s credentials (--access-key-id and --secret-access-key)`;
}

function summary(account: EmulatorAccount): KnownAccount {
  return { accountId: account.accountId, accessKeyId: account.credentials.accessKeyId };
}
