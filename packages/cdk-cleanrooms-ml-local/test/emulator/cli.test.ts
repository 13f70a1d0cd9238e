import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { trainingDatasetRequest } from './helpers';
import { ModelClient } from '../fixtures/model-client';

const PACKAGE = join(__dirname, '..', '..');
const CLI = join(PACKAGE, 'src', 'cli.ts');

/** Runs the CLI from source, as `node lib/cli.js` would run it once compiled. */
function runCli(...args: string[]): ChildProcess & { output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', CLI, ...args], {
    cwd: PACKAGE,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) {
    return child.exitCode;
  }
  const [code] = await once(child, 'exit');
  return code as number | null;
}

async function waitForOutput(child: ReturnType<typeof runCli>, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(child.output().stdout);
    if (match) {
      return match;
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`CLI did not print ${pattern}; stdout: ${child.output().stdout}; stderr: ${child.output().stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('emulator starts, prints its URL, serves a signed request and exits cleanly on SIGTERM', async () => {
  const child = runCli('emulator', '--port', '0', '--account-id', '210987654321', '--region', 'eu-west-1');
  try {
    const [, endpoint] = await waitForOutput(child, /Clean Rooms ML emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    const client = new ModelClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('from-cli', {
      roleArn: 'arn:aws:iam::210987654321:role/reader',
    }));

    expect(trainingDatasetArn).toMatch(/^arn:aws:cleanrooms-ml:eu-west-1:210987654321:training-dataset\//);
    expect(child.output().stdout).toContain('account 210987654321, region eu-west-1, signature verification on');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exitCode(child)).toBe(0);
  expect(child.output().stdout).toContain('Clean Rooms ML emulator stopped (SIGTERM)');
});

test('--account adds an account its own key calls as, and the AWS Clean Rooms endpoint is printed', async () => {
  const child = runCli('emulator', '--account', '111122223333:partner-key:partner:secret');
  try {
    const [, endpoint] = await waitForOutput(child, /Clean Rooms ML emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    await waitForOutput(child, /AWS Clean Rooms emulator listening on http:\/\/127\.0\.0\.1:\d+\n/);
    const partner = new ModelClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'partner-key', secretAccessKey: 'partner:secret' } });

    const { trainingDatasetArn } = await partner.send('CreateTrainingDataset', trainingDatasetRequest('partners', {
      roleArn: 'arn:aws:iam::111122223333:role/reader',
    }));

    expect(trainingDatasetArn).toMatch(/^arn:aws:cleanrooms-ml:us-east-1:111122223333:training-dataset\//);
    expect(child.output().stdout).toContain('account 111122223333: access key partner-key');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exitCode(child)).toBe(0);
});

test('--help lists the options and exits 0', async () => {
  const child = runCli('emulator', '--help');

  expect(await exitCode(child)).toBe(0);
  expect(child.output().stdout).toContain('Usage: cleanrooms-ml-local emulator [options]');
  expect(child.output().stdout).toContain('--no-verify-signature');
});

test.each([
  ['an unknown option', ['emulator', '--colour', 'blue'], "Unknown option '--colour'"],
  ['a port that is not a number', ['emulator', '--port', 'eighty'], '--port must be an integer >= 0 and <= 65535, got "eighty"'],
  ['an unknown command', ['deploy-everything'], 'unknown command "deploy-everything"'],
  ['an account without its keys', ['emulator', '--account', '111122223333'], '--account must be ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY'],
])('fails: %s exits 2 with the usage', async (_case, args, message) => {
  const child = runCli(...args);

  expect(await exitCode(child)).toBe(2);
  expect(child.output().stderr).toContain(message);
  expect(child.output().stderr).toContain('Usage: cleanrooms-ml-local');
});
