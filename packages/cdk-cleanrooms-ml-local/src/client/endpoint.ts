/** Signing name and endpoint prefix of Clean Rooms ML. */
export const SIGNING_SERVICE = 'cleanrooms-ml';

/** The environment variables an endpoint override is read from, most specific first (as the AWS SDKs do). */
export const ENDPOINT_ENV_VARS = ['AWS_ENDPOINT_URL_CLEANROOMSML', 'AWS_ENDPOINT_URL'] as const;

/** The environment variables the region is read from, in order. */
export const REGION_ENV_VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

// Loose on purpose (new regions appear); strict enough to keep it a single DNS label.
const REGION_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

// The partitions of AWS's endpoint data (aws-sdk-js-v3 `util-endpoints` partitions.json: each
// partition's `regionRegex` and `dnsSuffix`), which the model's endpoint rule set
// (spec/cleanroomsml-2023-09-06/endpoint-rule-set-1.json) resolves as
// `https://cleanrooms-ml.{Region}.{PartitionResult#dnsSuffix}`.
// Most specific prefix first: `us-isob-` would otherwise match `us-iso-`.
const DNS_SUFFIXES: ReadonlyArray<readonly [prefix: string, dnsSuffix: string]> = [
  ['cn-', 'amazonaws.com.cn'],
  // The AWS European Sovereign Cloud (partition aws-eusc, regions `eusc-de-*` such as eusc-de-east-1).
  ['eusc-', 'amazonaws.eu'],
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-isof-', 'csp.hci.ic.gov'],
  ['us-iso-', 'c2s.ic.gov'],
  ['eu-isoe-', 'cloud.adc-e.uk'],
];

/** The DNS suffix of the region's partition (`amazonaws.com` for the commercial and GovCloud partitions and unknown prefixes). */
export function dnsSuffixFor(region: string): string {
  return DNS_SUFFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'amazonaws.com';
}

/** The region from the environment, or an error saying how to give one. */
export function resolveRegion(region?: string, env: NodeJS.ProcessEnv = process.env): string {
  const resolved = region || REGION_ENV_VARS.map((name) => env[name]).find((value) => value);
  if (!resolved) {
    throw new Error(`No AWS region for the Clean Rooms ML client: pass \`region\` or set ${REGION_ENV_VARS.join(' or ')}`);
  }
  if (!REGION_PATTERN.test(resolved)) {
    throw new Error(`Invalid AWS region for the Clean Rooms ML client: "${resolved}"`);
  }
  return resolved;
}

/**
 * The endpoint to call: `override`, else an endpoint URL from the environment
 * (the local emulator sets one), else the regional endpoint of the region's partition.
 */
export function resolveEndpoint(region: string, override?: string, env: NodeJS.ProcessEnv = process.env): URL {
  const configured = override || ENDPOINT_ENV_VARS.map((name) => env[name]).find((value) => value);
  const endpoint = configured ?? `https://${SIGNING_SERVICE}.${region}.${dnsSuffixFor(region)}`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`Invalid Clean Rooms ML endpoint URL: "${endpoint}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`Clean Rooms ML endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  if (url.search || url.hash) {
    throw new Error(`Clean Rooms ML endpoint must not carry a query or fragment, got "${endpoint}"`);
  }
  return url;
}
