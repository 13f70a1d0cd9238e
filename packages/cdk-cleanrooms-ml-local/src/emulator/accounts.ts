/**
 * The AWS accounts one emulator serves. Each has its own access key: the key
 * a request is signed with decides which account makes the call, as it does
 * in AWS, so a test can play both sides of a collaboration (the configured
 * model's owner and the partner that starts generation jobs on it) against
 * one emulator.
 */

export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** An account of the emulator and the access key that calls as it. */
export interface EmulatorAccount {
  /** 12 digits. */
  readonly accountId: string;
  readonly credentials: EmulatorCredentials;
}

const ACCOUNT_ID = /^[0-9]{12}$/;

/** The emulator's accounts, the default one first; account ids and access key ids are unique. */
export class EmulatorAccounts {
  public readonly all: readonly EmulatorAccount[];

  constructor(defaultAccount: EmulatorAccount, others: readonly EmulatorAccount[] = []) {
    const all = [defaultAccount, ...others].map((account) => ({ accountId: account.accountId, credentials: { ...account.credentials } }));
    all.forEach((account, index) => {
      const where = index === 0 ? 'accountId' : `accounts[${index - 1}].accountId`;
      if (!ACCOUNT_ID.test(account.accountId)) {
        throw new Error(`${where} must be 12 digits, got "${account.accountId}"`);
      }
      const keyWhere = index === 0 ? 'credentials' : `accounts[${index - 1}].credentials`;
      if (!account.credentials.accessKeyId || !account.credentials.secretAccessKey) {
        throw new Error(`${keyWhere} needs an accessKeyId and a secretAccessKey`);
      }
      const sameAccount = all.findIndex((other) => other.accountId === account.accountId);
      if (sameAccount !== index) {
        throw new Error(`${where}: account ${account.accountId} is given twice; each account appears once`);
      }
      const sameKey = all.findIndex((other) => other.credentials.accessKeyId === account.credentials.accessKeyId);
      if (sameKey !== index) {
        throw new Error(
          `${keyWhere}.accessKeyId "${account.credentials.accessKeyId}" is already the key of account ${all[sameKey].accountId}; `
          + 'the access key decides the calling account, so each account needs its own',
        );
      }
    });
    this.all = all;
  }

  /** The account calls fall to when nothing says otherwise. */
  public get default(): EmulatorAccount {
    return this.all[0];
  }

  public byAccessKeyId(accessKeyId: string): EmulatorAccount | undefined {
    return this.all.find((account) => account.credentials.accessKeyId === accessKeyId);
  }

  public has(accountId: string): boolean {
    return this.all.some((account) => account.accountId === accountId);
  }

  /** What `/_emulator/health` shows: which key calls as which account (never the secrets). */
  public summary(): Array<{ accountId: string; accessKeyId: string }> {
    return this.all.map((account) => ({ accountId: account.accountId, accessKeyId: account.credentials.accessKeyId }));
  }
}
