/**
 * Snapshot tests of CloudFormation templates that do not break when only an
 * asset's content changes.
 *
 * A template names each asset by the SHA-256 of its content: a Lambda
 * function's `Code.S3Key` is `<hash>.zip`. Every release of a construct
 * library that ships Lambda code (cdk-cleanrooms-ml's two handler bundles,
 * aws-cdk-lib's own Provider framework) changes those hashes, and with them
 * every snapshot of every stack that uses it, though nothing a reviewer can
 * judge from the template changed. `templateForSnapshot` gives the template
 * with each asset hash replaced by a numbered placeholder, `<asset hash 1>`,
 * `<asset hash 2>`, ... in the order the template first names them: the
 * snapshot still tells which resources share an asset and shows every other
 * change.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A SHA-256 asset hash, as the synthesizers write it. */
const HASH = '[0-9a-f]{64}';

/** The whole string is an asset's object key: `[prefix/]<hash>.<extension>` (Lambda `Code.S3Key`, a nested stack's template, ...). */
const OBJECT_KEY = new RegExp(`^((?:[\\w.-]+/)*)(${HASH})((?:\\.[A-Za-z0-9]+)+)$`);

/**
 * An asset addressed through the bootstrap bucket or repository of the
 * default (and CLI credentials) synthesizer, `cdk-<qualifier>-assets-…/<key>`
 * and `cdk-<qualifier>-container-assets-…:<tag>` (literal, or in `Fn::Sub`
 * with `${AWS::AccountId}` and `${AWS::Region}`), or the legacy
 * synthesizer's image repository, `aws-cdk/assets:<tag>`.
 */
const BOOTSTRAP_LOCATION = new RegExp(`(cdk-[a-z0-9]+-(?:container-)?assets-(?:\\$\\{[^}]*\\}|[^\\s/:$"])*[/:](?:[\\w.-]+/)*|aws-cdk/assets:)(${HASH})`, 'g');

/** Names an asset bucket or repository of the default synthesizer. */
const NAMES_BOOTSTRAP_ASSETS = /cdk-[a-z0-9]+-(?:container-)?assets-/;

/** In a string part of an `Fn::Join` that names the asset bucket: `/<hash>.<extension>`. */
const JOINED_KEY = new RegExp(`(^|/)(${HASH})(?=(?:\\.[A-Za-z0-9]+)+$)`, 'g');

/** Asset metadata (`aws:asset:path` and the like): the staged asset's name, `asset.<hash>[.<extension>]`. */
const STAGED_ASSET = new RegExp(`(^|[\\\\/])asset\\.(${HASH})`, 'g');

/**
 * The legacy synthesizer's asset parameters, named after the hash and a hash
 * of their construct path (which holds the asset hash too, so it is dropped):
 * `AssetParameters<hash>S3Bucket<8 hex>`.
 */
const LEGACY_PARAMETER = new RegExp(`AssetParameters(${HASH})(S3Bucket|S3VersionKey|ArtifactHash)[0-9A-F]{8}`, 'g');

/** The legacy asset parameters' descriptions. */
const LEGACY_DESCRIPTION = new RegExp(`^(S3 bucket for asset|S3 key for asset version|Artifact hash for asset) "(${HASH})"$`);

/**
 * The CloudFormation template of a stack, ready for `toMatchSnapshot()`:
 * each asset hash is replaced by `<asset hash N>`, numbered in the order the
 * template first names the assets, and nothing else is changed.
 *
 * ```ts
 * expect(templateForSnapshot(stack)).toMatchSnapshot();
 * ```
 *
 * The hashes are replaced where the CDK's stack synthesizers write them:
 * - a string that is an asset's object key, `<hash>.<extension>` (e.g. a
 *   Lambda function's `Code.S3Key`, `<hash>.zip`), also under a key prefix;
 * - the key or image tag after the bootstrap bucket or repository, in a
 *   string or an `Fn::Sub`: `cdk-<qualifier>-assets-…/<hash>.json`,
 *   `cdk-<qualifier>-container-assets-…:<hash>`;
 * - the `/<hash>.<extension>` part of an `Fn::Join` that names the bootstrap
 *   bucket (a nested stack's `TemplateURL` in a stack without an account and Region);
 * - `aws:asset:*` metadata: `asset.<hash>`;
 * - with the legacy synthesizer: the asset parameters
 *   (`AssetParameters<hash>S3Bucket…`, their descriptions and the references
 *   to them) and the image repository's tag, `aws-cdk/assets:<hash>`.
 *
 * A 64-digit hexadecimal string anywhere else (a property value, a
 * description) is left as it is. Neither are hashes that aws-cdk-lib derives
 * from a function's code and configuration but that are not asset hashes,
 * such as the logical id of `fn.currentVersion` (`…CurrentVersion<32 hex digits>`):
 * they still change with the code.
 *
 * @param stackOrTemplate a Stack (synthesized with `Template.fromStack`), an
 *   aws-cdk-lib/assertions `Template`, or a template as JSON
 * @returns a copy of the template; the argument is not changed
 */
export function templateForSnapshot(stackOrTemplate: Stack | Template | object): Record<string, unknown> {
  const template = Stack.isStack(stackOrTemplate) ? Template.fromStack(stackOrTemplate).toJSON() : stackOrTemplate;
  // A deep copy; a Template becomes its JSON through its toJSON().
  const copy = JSON.parse(JSON.stringify(template)) as Json;
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
    throw new TypeError('templateForSnapshot: expected a Stack, a Template or a CloudFormation template object');
  }
  return new AssetHashes().replaceIn(copy, false) as Record<string, unknown>;
}

/** The parts of an `Fn::Join` that names the bootstrap bucket or repository, else undefined. */
function assetJoinParts(value: { [key: string]: Json }): Json[] | undefined {
  const join = value['Fn::Join'];
  if (Object.keys(value).length !== 1 || !Array.isArray(join) || join.length !== 2 || !Array.isArray(join[1])) return undefined;
  return NAMES_BOOTSTRAP_ASSETS.test(JSON.stringify(join[1])) ? join[1] : undefined;
}

/** Hands out the placeholders: the same one for the same hash, numbered in order of first sight. */
class AssetHashes {
  private readonly numbers = new Map<string, number>();

  /** `value` with its asset hashes replaced; `metadata`: under an `aws:asset:*` key. */
  public replaceIn(value: Json, metadata: boolean): Json {
    if (typeof value === 'string') {
      return this.replaceInString(value, metadata);
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.replaceIn(item, metadata));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const parts = assetJoinParts(value);
    if (parts) {
      const replaced = parts.map((part) => (typeof part === 'string'
        ? this.replaceInString(part, metadata).replace(JOINED_KEY, (_match, start: string, hash: string) => `${start}${this.placeholder(hash)}`)
        : this.replaceIn(part, metadata)));
      return { 'Fn::Join': [(value['Fn::Join'] as Json[])[0], replaced] };
    }
    const result: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      result[this.replaceLegacyParameters(key)] = this.replaceIn(item, metadata || key.startsWith('aws:asset:'));
    }
    return result;
  }

  private replaceInString(text: string, metadata: boolean): string {
    const objectKey = OBJECT_KEY.exec(text);
    if (objectKey) {
      return `${objectKey[1]}${this.placeholder(objectKey[2])}${objectKey[3]}`;
    }
    const description = LEGACY_DESCRIPTION.exec(text);
    if (description) {
      return `${description[1]} "${this.placeholder(description[2])}"`;
    }
    let result = this.replaceLegacyParameters(text)
      .replace(BOOTSTRAP_LOCATION, (_match, location: string, hash: string) => `${location}${this.placeholder(hash)}`);
    if (metadata) {
      result = result.replace(STAGED_ASSET, (_match, start: string, hash: string) => `${start}asset.${this.placeholder(hash)}`);
    }
    return result;
  }

  private replaceLegacyParameters(text: string): string {
    return text.replace(LEGACY_PARAMETER, (_match, hash: string, kind: string) => `AssetParameters${this.placeholder(hash)}${kind}`);
  }

  private placeholder(hash: string): string {
    let number = this.numbers.get(hash);
    if (number === undefined) {
      number = this.numbers.size + 1;
      this.numbers.set(hash, number);
    }
    return `<asset hash ${number}>`;
  }
}
