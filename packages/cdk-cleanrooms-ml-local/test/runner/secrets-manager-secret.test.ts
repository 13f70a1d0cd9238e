/**
 * AWS::SecretsManager::Secret resources of the stack: created in the Secrets
 * Manager emulator the runner starts (kept next to the state file), read by
 * the functions through AWS_ENDPOINT_URL_SECRETS_MANAGER, updated and
 * deleted with the stack.
 */
import { join } from 'node:path';
import { CfnOutput, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AudienceGenerationJob,
  AudienceModel,
  ColumnType,
  ConfiguredAudienceModel,
  SeedAudience,
  TrainingDataset,
  TrainingDataSource,
} from 'cdk-cleanrooms-ml';
import { fixtureProvider, physicalId, removeTemporaryDirectories, synth, temporaryDirectory, thing } from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import { deployStack, destroyStack, FunctionLogEntry } from '../../src/runner';
import { SecretsManagerEmulator } from '../../src/secrets-manager/secrets-manager-emulator';

afterAll(removeTemporaryDirectories);

/** A unique parameter value: it must appear in no function log line. */
const CANARY = 'Canary-seed-parameter-5f0c9a31';
const FAST = {
  audienceModel: { createPendingMs: 20, createInProgressMs: 30, deletePendingMs: 10, deleteInProgressMs: 20 },
  audienceGenerationJob: { createPendingMs: 20, createInProgressMs: 30, deletePendingMs: 10, deleteInProgressMs: 20 },
};

function workspace(): { readonly journal: string; readonly stateFile: string } {
  const directory = temporaryDirectory();
  return { journal: join(directory, 'journal.jsonl'), stateFile: join(directory, 'state', 'state.json') };
}

/** The secrets the runner's Secrets Manager holds for this state file (ARN and name, no value). */
async function storedSecrets(stateFile: string): Promise<Array<{ arn: string; name: string }>> {
  const secrets = await SecretsManagerEmulator.start({ stateFile: join(stateFile, '..', 'state.secrets.json') });
  try {
    return secrets.list();
  } finally {
    await secrets.stop();
  }
}

/** A secret of the stack with its logical id fixed, and a fixture resource reading it. */
function secretAndReader(
  stack: Stack,
  journal: string,
  props: secretsmanager.SecretProps,
  readerProperties: Record<string, string> = {},
): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(stack, 'Secret', { removalPolicy: RemovalPolicy.DESTROY, ...props });
  (secret.node.defaultChild as secretsmanager.CfnSecret).overrideLogicalId('Secret');
  const reader = thing(stack, fixtureProvider(stack, { journal, isComplete: false }), 'Reader', { ReadSecret: secret.secretArn, ...readerProperties });
  new CfnOutput(stack, 'Read', { value: reader.getAttString('Secret') });
  new CfnOutput(stack, 'ReadError', { value: reader.getAttString('SecretError') });
  new CfnOutput(stack, 'SecretRef', { value: secret.secretArn });
  new CfnOutput(stack, 'SecretId', { value: (secret.node.defaultChild as secretsmanager.CfnSecret).attrId });
  return secret;
}

test('a SQL seed whose parameters secret the stack creates deploys end to end: the handler reads the parameters, logs none, and destroy deletes the secret', async () => {
  const emulator = await CleanRoomsMlEmulator.start({ timings: FAST });
  try {
    const { stateFile } = workspace();
    const membershipArn = 'arn:aws:cleanrooms:us-east-1:123456789012:membership/5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f';
    const assembly = synth((stack) => {
      const trainingDataset = new TrainingDataset(stack, 'Data', {
        dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases' }),
        columns: [
          { columnName: 'user_id', columnType: ColumnType.USER_ID },
          { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
          { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
        ],
      });
      const configuredAudienceModel = new ConfiguredAudienceModel(stack, 'Configured', {
        audienceModel: new AudienceModel(stack, 'Model', { trainingDataset }),
        outputBucket: new s3.Bucket(stack, 'Audiences'),
      });
      const parameters = new secretsmanager.Secret(stack, 'SeedParameters', {
        secretObjectValue: { min_date: SecretValue.unsafePlainText('2024-01-01'), segment: SecretValue.unsafePlainText(CANARY) },
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const job = new AudienceGenerationJob(stack, 'Job', {
        configuredAudienceModel,
        collaborationId: '0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e',
        seedAudience: SeedAudience.fromSql({ membershipArn, analysisTemplateArn: `${membershipArn}/analysistemplate/7d2a8192-3b4c-43a1`, parameters }),
      });
      new CfnOutput(stack, 'JobArn', { value: job.audienceGenerationJobArn });
      new CfnOutput(stack, 'ParametersArn', { value: parameters.secretArn });
    });
    const logs: FunctionLogEntry[] = [];
    const options = { stateFile, endpoint: emulator.endpoint, timeScale: 0.002, onFunctionLog: (entry: FunctionLogEntry) => logs.push(entry) };

    const deployed = await deployStack({ ...options, assembly });

    expect(deployed.failure).toBeUndefined();
    expect(deployed.status).toBe('CREATE_COMPLETE');
    expect(emulator.inventory().audienceGenerationJobs).toEqual([expect.objectContaining({
      audienceGenerationJobArn: deployed.outputs.JobArn,
      status: 'ACTIVE',
      seedAudience: expect.objectContaining({ sqlParameters: expect.objectContaining({ parameters: { min_date: '2024-01-01', segment: CANARY } }) }),
    })]);
    expect(await storedSecrets(stateFile)).toEqual([{ arn: deployed.outputs.ParametersArn, name: expect.stringMatching(/^RunnerTestStack-SeedParameters/) }]);

    const destroyed = await destroyStack(options);

    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(await storedSecrets(stateFile)).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((entry) => entry.message.includes(CANARY))).toEqual([]);
  } finally {
    await emulator.stop();
  }
});

test('serves a SecretString secret to the functions; Ref and GetAtt Id are its ARN, in the stack\'s account and region', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    secretAndReader(stack, journal, { secretName: 'seed-parameters', secretStringValue: SecretValue.unsafePlainText('{"segment":"gold"}') });
  });

  const result = await deployStack({ assembly, stateFile });

  expect(result.status).toBe('CREATE_COMPLETE');
  const arn = physicalId(result, 'Secret');
  // Secrets Manager appends a hyphen and six characters to the name.
  expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:seed-parameters-[0-9a-zA-Z]{6}$/);
  expect(result.outputs).toMatchObject({ Read: '{"segment":"gold"}', SecretRef: arn, SecretId: arn });
});

test('generates the value of a GenerateSecretString secret as its options ask, into its template under its key', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    secretAndReader(stack, journal, {
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'seed' }),
        generateStringKey: 'password',
        passwordLength: 48,
        excludePunctuation: true,
        excludeCharacters: 'aeiouAEIOU',
      },
    });
  });

  const result = await deployStack({ assembly, stateFile });

  expect(result.status).toBe('CREATE_COMPLETE');
  const value = JSON.parse(result.outputs.Read) as { username: string; password: string };
  expect(value.username).toBe('seed');
  expect(value.password).toMatch(/^[0-9b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z]{48}$/);
  // RequireEachIncludedType (true by default): a lowercase and an uppercase letter and a digit at least.
  expect(value.password).toMatch(/[a-z]/);
  expect(value.password).toMatch(/[A-Z]/);
  expect(value.password).toMatch(/[0-9]/);
});

test('fails a GenerateSecretString whose options exclude every character, naming the rule', async () => {
  const { journal, stateFile } = workspace();
  const assembly = synth((stack) => {
    secretAndReader(stack, journal, {
      generateSecretString: { excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true },
    });
  });

  const result = await deployStack({ assembly, stateFile });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure).toEqual({
    logicalResourceId: 'Secret',
    resourceType: 'AWS::SecretsManager::Secret',
    reason: expect.stringContaining('GenerateSecretString excludes every character'),
  });
});

test('a changed SecretString is the new value for the functions; a new Name replaces the secret and the old one is deleted', async () => {
  const { journal, stateFile } = workspace();
  const version = (name: string, value: string): string => synth((stack) => {
    // The reader's Echo changes every time, so it runs again and reads the secret as it is now.
    secretAndReader(stack, journal, { secretName: name, secretStringValue: SecretValue.unsafePlainText(value) }, { Echo: `${name}/${value}` });
  });
  const first = await deployStack({ assembly: version('params', 'one'), stateFile });

  const valueChanged = await deployStack({ assembly: version('params', 'two'), stateFile });
  const renamed = await deployStack({ assembly: version('params-renamed', 'two'), stateFile });

  expect([first, valueChanged, renamed].map((result) => result.status))
    .toEqual(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_COMPLETE']);
  expect(physicalId(valueChanged, 'Secret')).toBe(physicalId(first, 'Secret'));
  expect(valueChanged.outputs.Read).toBe('two');
  expect(physicalId(renamed, 'Secret')).toMatch(/:secret:params-renamed-/);
  expect(renamed.outputs.Read).toBe('two');
  expect((await storedSecrets(stateFile)).map((secret) => secret.name)).toEqual(['params-renamed']);
});

test('a generated value stays when only the description changes, and is generated again when GenerateSecretString changes', async () => {
  const { journal, stateFile } = workspace();
  const version = (description: string, passwordLength: number): string => synth((stack) => {
    secretAndReader(stack, journal, { description, generateSecretString: { passwordLength } }, { Echo: `${description}/${passwordLength}` });
  });
  const first = await deployStack({ assembly: version('a', 20), stateFile });

  const described = await deployStack({ assembly: version('b', 20), stateFile });
  const regenerated = await deployStack({ assembly: version('b', 24), stateFile });

  expect([first, described, regenerated].map((result) => result.status))
    .toEqual(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_COMPLETE']);
  expect(first.outputs.Read).toHaveLength(20);
  expect(described.outputs.Read).toBe(first.outputs.Read);
  expect(regenerated.outputs.Read).toHaveLength(24);
});

test('refuses a secret whose Name another stack\'s secret already has', async () => {
  const { journal, stateFile } = workspace();
  const build = (stack: Stack): void => {
    secretAndReader(stack, journal, { secretName: 'shared-name', secretStringValue: SecretValue.unsafePlainText('x') });
  };
  await deployStack({ assembly: synth(build, 'FirstStack'), stateFile });

  const second = await deployStack({ assembly: synth(build, 'SecondStack'), stateFile });

  expect(second.status).toBe('ROLLBACK_COMPLETE');
  expect(second.failure?.reason).toMatch(/^Resource handler returned message: "The operation failed because the secret shared-name already exists\." .*HandlerErrorCode: AlreadyExists\)$/);
  expect((await storedSecrets(stateFile)).map((secret) => secret.name)).toEqual(['shared-name']);
});

test('with a secretsManagerEndpoint of the caller\'s, the stack\'s secret is only recorded there, and says so', async () => {
  const secrets = await SecretsManagerEmulator.start();
  try {
    const { journal, stateFile } = workspace();
    const assembly = synth((stack) => {
      secretAndReader(stack, journal, { secretStringValue: SecretValue.unsafePlainText('x') });
    });
    const notes: string[] = [];

    const result = await deployStack({
      assembly,
      stateFile,
      secretsManagerEndpoint: secrets.endpoint,
      onEvent: (event) => {
        if (event.kind === 'event' && event.logicalResourceId === 'Secret' && event.resourceStatusReason) notes.push(event.resourceStatusReason);
      },
    });

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(notes).toEqual([`recorded only: the runner creates secrets in the Secrets Manager it starts, not at ${secrets.endpoint}`]);
    expect(secrets.list()).toEqual([]);
    expect(result.outputs).toMatchObject({ Read: '', ReadError: expect.stringMatching(/^ResourceNotFoundException: /) });
  } finally {
    await secrets.stop();
  }
});
