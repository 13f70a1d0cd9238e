/**
 * templateForSnapshot: a template snapshot that does not change when only
 * an asset's content (and so its hash) does, and does change when anything
 * else does. Shown on a stack of the library's constructs whose handler
 * bundles change, and on every place aws-cdk-lib's synthesizers write an
 * asset hash (Lambda code, container images, nested stacks, asset metadata,
 * the legacy synthesizer's parameters).
 */
import { appendFileSync, cpSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { App, DefaultStackSynthesizer, LegacyStackSynthesizer, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AudienceModel, ColumnType, TrainingDataset, TrainingDataSource } from 'cdk-cleanrooms-ml';
import { templateForSnapshot } from '../../src';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

afterAll(removeTemporaryDirectories);
afterEach(() => jest.restoreAllMocks());

type Json = any;

const ENV = { account: '123456789012', region: 'us-east-1' };
const SHA256 = /[0-9a-f]{64}/g;
/** A 64-digit hexadecimal value that is not an asset hash: it must stay. */
const CHECKSUM = 'ab'.repeat(32);

function hashesIn(value: unknown): string[] {
  return JSON.stringify(value).match(SHA256) ?? [];
}

// ---------------------------------------------------------------------------
// A stack of the library's constructs, with its handler bundles as shipped or changed.

/** The library's handler bundles (built by the handlers package into its assets). */
const LIBRARY_BUNDLES = realpathSync(join(dirname(require.resolve('cdk-cleanrooms-ml/package.json')), 'assets', 'handlers'));

/**
 * Makes `lambda.Code.fromAsset` read the library's handler bundles from a
 * copy whose files end with one more comment: what a new release of the
 * library, with a changed handler, gives a user's stack.
 */
function changeLibraryBundles(): void {
  const copy = join(temporaryDirectory('bundles-'), 'handlers');
  cpSync(LIBRARY_BUNDLES, copy, { recursive: true });
  for (const bundle of ['on-event', 'is-complete']) {
    appendFileSync(join(copy, bundle, 'index.js'), '\n// a new release\n');
  }
  const fromAsset = lambda.Code.fromAsset.bind(lambda.Code);
  jest.spyOn(lambda.Code, 'fromAsset').mockImplementation((path, options) => {
    const inLibrary = relative(LIBRARY_BUNDLES, realpathSync(path));
    // The library's asset is the directory of both bundles (or, in earlier releases, each bundle's).
    const isBundle = !inLibrary.startsWith('..') && !isAbsolute(inLibrary);
    return fromAsset(isBundle ? join(copy, inLibrary) : path, options);
  });
}

/** A training dataset and an audience model: the library's Provider and its two handler functions come with them. */
function libraryStack(options: { readonly changedBundles?: boolean; readonly modelDescription?: string } = {}): Stack {
  if (options.changedBundles) changeLibraryBundles();
  const stack = new Stack(new App(), 'Lookalike', { env: ENV });
  const dataset = new TrainingDataset(stack, 'Interactions', {
    dataSource: TrainingDataSource.fromGlueTable({
      databaseName: 'retail',
      tableName: 'interactions',
      bucket: s3.Bucket.fromBucketName(stack, 'Data', 'retail-interactions-data'),
    }),
    columns: [
      { columnName: 'user_id', columnType: ColumnType.USER_ID },
      { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
      { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
    ],
  });
  new AudienceModel(stack, 'Model', {
    trainingDataset: dataset,
    description: options.modelDescription ?? 'Lookalikes of our buyers',
    trainingDataStartTime: new Date('2026-01-01T00:00:00Z'),
    trainingDataEndTime: new Date('2026-10-31T00:00:00Z'),
  });
  return stack;
}

/** The S3 keys of the library's two handler functions, by description. */
function handlerCodeKeys(template: Json): string[] {
  return Object.values<Json>(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function' && String(resource.Properties.Description).startsWith('cdk-cleanrooms-ml:'))
    .map((resource) => resource.Properties.Code.S3Key);
}

describe('a stack of the library\'s constructs', () => {
  test('a new release\'s handler bundles change the template\'s asset hashes, not its snapshot', () => {
    const shipped = Template.fromStack(libraryStack()).toJSON();
    const released = Template.fromStack(libraryStack({ changedBundles: true })).toJSON();

    // The bundles did change the template: both handlers' code keys.
    const before = handlerCodeKeys(shipped);
    const after = handlerCodeKeys(released);
    expect(before).toHaveLength(2);
    expect(after).toHaveLength(2);
    expect(after.filter((key) => before.includes(key))).toEqual([]);
    expect(released).not.toEqual(shipped);

    expect(templateForSnapshot(released)).toEqual(templateForSnapshot(shipped));
    // Both handler functions deploy the one asset of the library's bundles.
    expect(handlerCodeKeys(templateForSnapshot(shipped))).toEqual(['<asset hash 1>.zip', '<asset hash 1>.zip']);
  });

  test('a changed property still changes the snapshot, in that resource only (and in the model\'s wait conditions, which follow it)', () => {
    const snapshot = templateForSnapshot(libraryStack());
    const changed = templateForSnapshot(libraryStack({ modelDescription: 'Lookalikes of our best buyers' }));

    expect(changed).not.toEqual(snapshot);
    const ids = (template: Json) => Object.keys(template.Resources as Json);
    const differing = ids(snapshot).filter((id) =>
      JSON.stringify((snapshot.Resources as Json)[id]) !== JSON.stringify((changed.Resources as Json)[id]));
    // The description replaces the model, so its wait conditions get new logical ids (their digest follows the
    // model's create-only properties), which the model's plan and the ready resource's DependsOn name.
    expect(differing).toEqual([
      expect.stringMatching(/^Model[0-9A-F]{8}$/),
      expect.stringMatching(/^ModelWait1[0-9A-F]{16}$/),
      expect.stringMatching(/^ModelWait2[0-9A-F]{16}$/),
      expect.stringMatching(/^ModelReady[0-9A-F]{8}$/),
    ]);
    expect((changed.Resources as Json)[differing[0]].Properties.Description).toBe('Lookalikes of our best buyers');
    expect(ids(changed).filter((id) => !ids(snapshot).includes(id))).toHaveLength(2);
  });

  test('takes the Stack, its Template or the template\'s JSON alike, and leaves the JSON as it was', () => {
    const stack = libraryStack();
    const template = Template.fromStack(stack);
    const json = template.toJSON();
    const copy = JSON.parse(JSON.stringify(json));

    expect(templateForSnapshot(template)).toEqual(templateForSnapshot(stack));
    expect(templateForSnapshot(json)).toEqual(templateForSnapshot(stack));
    expect(json).toEqual(copy);
    expect(hashesIn(json).length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------
// Every place the synthesizers write an asset hash.

interface AssetStackOptions {
  /** The content of the asset files: what the hashes are made from. */
  readonly content: string;
  readonly synthesizer: 'default' | 'legacy';
  /** A stack with an account and Region, or without (Fn::Sub and Fn::Join forms). */
  readonly environment: boolean;
  /** @default 256 */
  readonly memorySize?: number;
}

const assetDirectories = new Map<string, string>();

/** A directory holding a Lambda handler and a Dockerfile, both with `content`. */
function assetDirectory(content: string): string {
  let directory = assetDirectories.get(content);
  if (!directory) {
    directory = temporaryDirectory('asset-');
    mkdirSync(join(directory, 'image'));
    writeFileSync(join(directory, 'index.js'), `exports.handler = async () => ${JSON.stringify(content)};\n`);
    writeFileSync(join(directory, 'image', 'Dockerfile'), `FROM public.ecr.aws/lambda/nodejs:22\n# ${content}\n`);
    assetDirectories.set(content, directory);
  }
  return directory;
}

/** A function from a directory asset, a function from an image asset, and a nested stack with a function of its own; asset metadata on. */
function assetStack(options: AssetStackOptions): Stack {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Assets', {
    env: options.environment ? ENV : undefined,
    synthesizer: options.synthesizer === 'legacy' ? new LegacyStackSynthesizer() : new DefaultStackSynthesizer(),
  });
  const directory = assetDirectory(options.content);
  const code = lambda.Code.fromAsset(directory, { exclude: ['image'] });
  new lambda.Function(stack, 'Zip', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code,
    memorySize: options.memorySize ?? 256,
    environment: { CHECKSUM },
  });
  new lambda.DockerImageFunction(stack, 'Image', { code: lambda.DockerImageCode.fromImageAsset(join(directory, 'image')) });
  const nested = new NestedStack(stack, 'Nested');
  new lambda.Function(nested, 'Zip', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(directory, { exclude: ['image'] }),
  });
  return stack;
}

describe.each([
  ['the default synthesizer, with an account and Region', 'default', true],
  ['the default synthesizer, without an account and Region', 'default', false],
  ['the legacy synthesizer, with an account and Region', 'legacy', true],
  ['the legacy synthesizer, without an account and Region', 'legacy', false],
] as const)('%s', (_name, synthesizer, environment) => {
  const synth = (content: string, memorySize?: number): Json =>
    Template.fromStack(assetStack({ content, synthesizer, environment, memorySize })).toJSON();

  test('other asset content: other hashes in the template, the same snapshot', () => {
    const first = synth('first');
    const second = synth('second');

    expect(second).not.toEqual(first);
    expect(hashesIn(second).filter((hash) => hash !== CHECKSUM)).not.toEqual(hashesIn(first).filter((hash) => hash !== CHECKSUM));
    expect(templateForSnapshot(second)).toEqual(templateForSnapshot(first));
  });

  test('every asset hash is replaced, and the 64-digit value that is not one is kept', () => {
    const template = synth('first');
    // The function's code, the image, and the nested stack's template.
    expect(new Set(hashesIn(template).filter((hash) => hash !== CHECKSUM)).size).toBe(3);

    const snapshot = templateForSnapshot(template);

    expect(hashesIn(snapshot)).toEqual([CHECKSUM]);
    expect(JSON.stringify(snapshot)).toContain('<asset hash 3>');
    expect(JSON.stringify(snapshot)).not.toContain('<asset hash 4>');
  });

  test('a changed property still changes the snapshot', () => {
    expect(templateForSnapshot(synth('first', 512))).not.toEqual(templateForSnapshot(synth('first')));
  });
});

describe('placeholders', () => {
  test('the default synthesizer\'s forms, numbered in the order the template first names the assets', () => {
    const snapshot: Json = templateForSnapshot(assetStack({ content: 'first', synthesizer: 'default', environment: false }));
    const resources = Object.values<Json>(snapshot.Resources);
    const ofType = (type: string) => resources.filter((resource) => resource.Type === type);

    const [zip, image] = ofType('AWS::Lambda::Function');
    expect(zip.Properties.Code).toEqual({ S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: '<asset hash 1>.zip' });
    expect(zip.Metadata).toMatchObject({ 'aws:asset:path': 'asset.<asset hash 1>', 'aws:asset:property': 'Code' });
    expect(zip.Properties.Environment).toEqual({ Variables: { CHECKSUM } });
    expect(image.Properties.Code).toEqual({
      ImageUri: { 'Fn::Sub': '${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:<asset hash 2>' },
    });
    expect(image.Metadata).toMatchObject({ 'aws:asset:path': 'asset.<asset hash 2>' });
    const [nested] = ofType('AWS::CloudFormation::Stack');
    expect(nested.Properties.TemplateURL['Fn::Join'][1].slice(-2)).toEqual([
      { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
      '/<asset hash 3>.json',
    ]);
  });

  test('the legacy synthesizer\'s asset parameters and image repository', () => {
    const snapshot: Json = templateForSnapshot(assetStack({ content: 'first', synthesizer: 'legacy', environment: true }));

    expect(Object.keys(snapshot.Parameters)).toEqual([
      'AssetParameters<asset hash 1>S3Bucket',
      'AssetParameters<asset hash 1>S3VersionKey',
      'AssetParameters<asset hash 1>ArtifactHash',
      'AssetParameters<asset hash 3>S3Bucket',
      'AssetParameters<asset hash 3>S3VersionKey',
      'AssetParameters<asset hash 3>ArtifactHash',
    ]);
    expect(snapshot.Parameters['AssetParameters<asset hash 1>S3Bucket'].Description).toBe('S3 bucket for asset "<asset hash 1>"');
    const [zip, image] = Object.values<Json>(snapshot.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(zip.Properties.Code.S3Bucket).toEqual({ Ref: 'AssetParameters<asset hash 1>S3Bucket' });
    expect(JSON.stringify(image.Properties.Code.ImageUri)).toContain('"/aws-cdk/assets:<asset hash 2>"');
  });

  test('only asset hashes: the same 64 digits elsewhere in a string are kept', () => {
    const hash = 'cd'.repeat(32);
    const template = {
      Resources: {
        Function: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Code: { S3Bucket: 'cdk-hnb659fds-assets-123456789012-us-east-1', S3Key: `${hash}.zip` },
            Description: `built from ${hash}.zip`,
            Environment: { Variables: { KEY: hash, PATH: `asset.${hash}` } },
          },
        },
      },
    };

    expect(templateForSnapshot(template)).toEqual({
      Resources: {
        Function: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Code: { S3Bucket: 'cdk-hnb659fds-assets-123456789012-us-east-1', S3Key: '<asset hash 1>.zip' },
            Description: `built from ${hash}.zip`,
            Environment: { Variables: { KEY: hash, PATH: `asset.${hash}` } },
          },
        },
      },
    });
  });

  test('refuses what is not a template', () => {
    expect(() => templateForSnapshot([] as object)).toThrow(/expected a Stack, a Template or a CloudFormation template object/);
  });
});
