import { parseArgs } from 'node:util';
import { CleanRoomsMlEmulator, CleanRoomsMlEmulatorOptions, EmulatorAccount } from '../emulator';
import { CliCommand, CommandIo, UsageError } from './command';

const USAGE = `Usage: cleanrooms-ml-local emulator [options]

Runs a local Clean Rooms ML endpoint, and an AWS Clean Rooms one beside it,
until interrupted (SIGINT or SIGTERM).

Options:
  --port N                 port to listen on; 0 picks a free one (default 0)
  --clean-rooms-port N     port of the AWS Clean Rooms endpoint; 0 picks a free one (default 0)
  --host H                 address to listen on (default 127.0.0.1)
  --account-id ID          12-digit account the emulator serves (default 123456789012)
  --region R               region the emulator serves (default us-east-1)
  --state-file F           keep state in this JSON file across restarts (default: memory only)
  --output-dir DIR         write each ACTIVE export's audience to DIR/<bucket>/<key>/audience.jsonl
  --access-key-id K        access key clients sign with (default test)
  --secret-access-key S    secret key clients sign with (default test)
  --account ID:KEY:SECRET  one more account, called with that access key and secret key
                           (repeatable: a collaboration's accounts on one emulator)
  --no-verify-signature    accept any well-formed SigV4 Authorization header
  --throttle-rate R        fraction 0-1 of calls answered 429 ThrottlingException (default 0)
  --server-error-rate R    fraction 0-1 of calls answered 500 InternalServiceException (default 0)
  --latency-ms N           delay added to every call (default 0)
  --seed N                 seed of the fault sequence (default 1)
  -h, --help               show this help
`;

export const emulatorCommand: CliCommand = {
  summary: 'run a local Clean Rooms ML endpoint until interrupted',
  usage: USAGE,
  run: runEmulator,
};

async function runEmulator(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      'port': { type: 'string' },
      'clean-rooms-port': { type: 'string' },
      'host': { type: 'string' },
      'account-id': { type: 'string' },
      'region': { type: 'string' },
      'state-file': { type: 'string' },
      'output-dir': { type: 'string' },
      'access-key-id': { type: 'string' },
      'secret-access-key': { type: 'string' },
      'account': { type: 'string', multiple: true },
      'no-verify-signature': { type: 'boolean' },
      'throttle-rate': { type: 'string' },
      'server-error-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      'seed': { type: 'string' },
      'help': { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }

  const options: CleanRoomsMlEmulatorOptions = {
    port: numberOption('--port', values.port, { integer: true, min: 0, max: 65_535 }),
    cleanRoomsPort: numberOption('--clean-rooms-port', values['clean-rooms-port'], { integer: true, min: 0, max: 65_535 }),
    host: values.host,
    accountId: values['account-id'],
    region: values.region,
    stateFile: values['state-file'],
    outputDirectory: values['output-dir'],
    credentials: {
      accessKeyId: values['access-key-id'] ?? 'test',
      secretAccessKey: values['secret-access-key'] ?? 'test',
    },
    accounts: (values.account ?? []).map(accountOption),
    verifySignature: !values['no-verify-signature'],
    faults: {
      throttleRate: numberOption('--throttle-rate', values['throttle-rate'], { min: 0, max: 1 }),
      serverErrorRate: numberOption('--server-error-rate', values['server-error-rate'], { min: 0, max: 1 }),
      latencyMs: numberOption('--latency-ms', values['latency-ms'], { min: 0 }),
      seed: numberOption('--seed', values.seed, { integer: true }),
    },
  };

  const emulator = await CleanRoomsMlEmulator.start(options);
  io.stdout.write(`Clean Rooms ML emulator listening on ${emulator.endpoint}\n`);
  io.stdout.write(`AWS Clean Rooms emulator listening on ${emulator.cleanRoomsEndpoint}\n`);
  io.stdout.write(
    `  account ${emulator.accountId}, region ${emulator.region}, `
    + `signature verification ${options.verifySignature ? `on (access key ${options.credentials!.accessKeyId})` : 'off'}, `
    + `state ${options.stateFile ? `in ${options.stateFile}` : 'in memory'}\n`,
  );
  for (const account of emulator.accounts.slice(1)) {
    io.stdout.write(`  account ${account.accountId}: access key ${account.credentials.accessKeyId}\n`);
  }
  const signal = await nextSignal(['SIGINT', 'SIGTERM']);
  await emulator.stop();
  io.stdout.write(`Clean Rooms ML emulator stopped (${signal})\n`);
  return 0;
}

/** `--account 111122223333:partner-key:partner-secret`: the secret key is everything after the second colon. */
function accountOption(text: string): EmulatorAccount {
  const match = /^([0-9]{12}):([^:]+):(.+)$/.exec(text);
  if (!match) {
    throw new UsageError(`--account must be ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY (a 12-digit account id), got "${text}"`);
  }
  return { accountId: match[1], credentials: { accessKeyId: match[2], secretAccessKey: match[3] } };
}

function numberOption(
  flag: string,
  text: string | undefined,
  bounds: { readonly integer?: boolean; readonly min?: number; readonly max?: number },
): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(value)
    && (!bounds.integer || Number.isInteger(value))
    && (bounds.min === undefined || value >= bounds.min)
    && (bounds.max === undefined || value <= bounds.max);
  if (!valid) {
    const range = [bounds.min !== undefined ? `>= ${bounds.min}` : '', bounds.max !== undefined ? `<= ${bounds.max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`${flag} must be ${bounds.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got "${text}"`);
  }
  return value;
}

function nextSignal(signals: NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      signals.forEach((name) => process.off(name, onSignal));
      resolve(signal);
    };
    signals.forEach((name) => process.on(name, onSignal));
  });
}
