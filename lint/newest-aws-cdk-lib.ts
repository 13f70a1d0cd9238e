/**
 * Loaded before anything else (`ts-node -r lint/newest-aws-cdk-lib.ts …`):
 * resolves every `aws-cdk-lib` import of the process — the library's, the
 * example's, the bench's — to the newest aws-cdk-lib, installed beside the
 * oldest supported one as `aws-cdk-lib-newest` (.projenrc.ts), as the
 * test:newest-aws-cdk-lib jest run does with its moduleNameMapper.
 */
// The module object itself, whose resolver this replaces: an ES import
// would get a copy of its properties (esModuleInterop).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module');

const NEWEST = 'aws-cdk-lib-newest';

type Resolve = (request: string, ...rest: unknown[]) => string;
const internals = Module as { _resolveFilename: Resolve };
const resolveFilename = internals._resolveFilename;
internals._resolveFilename = function resolveToNewest(this: unknown, request: string, ...rest: unknown[]): string {
  const mapped = request === 'aws-cdk-lib' || request.startsWith('aws-cdk-lib/') ? NEWEST + request.slice('aws-cdk-lib'.length) : request;
  return resolveFilename.call(this, mapped, ...rest);
};
