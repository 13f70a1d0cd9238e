/**
 * The HTTP side: routes a request to an operation with the OPERATIONS table
 * (the published model's bindings), checks SigV4, injects faults, builds the
 * operation's input from the path, query string and JSON body, validates it
 * against the constraint table, runs the resource module's handler and
 * answers in restJson1 (JSON bodies, ISO-8601 timestamps; errors with
 * `x-amzn-errortype`, `x-amzn-requestid` and `{"__type", "message"}`).
 *
 * Malformed JSON is answered 400 SerializationException, as restJson1
 * services do for a body that cannot be deserialized; a path that no
 * operation uses, 404 UnknownOperationException.
 *
 * The account whose access key signed a request makes the call: the
 * operation runs in that account's scope (see signature.ts and arns.ts).
 *
 * Paths under `/_emulator/` are the emulator's own, unsigned control API:
 *   GET  /_emulator/health     { status, accountId, region, accounts: [{ accountId, accessKeyId }] }
 *   GET  /_emulator/inventory  what exists now (see EmulatorInventory)
 *   GET  /_emulator/stats      call and fault counts (see EmulatorStats)
 *   POST /_emulator/reset      forget every resource, queued failure and count
 *   POST /_emulator/faults     body: FaultOptions; replaces the fault settings
 *   POST /_emulator/fail-next  body: FailureRequest; queues a failure
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorAccounts } from './accounts';
import type { AccountScope } from './arns';
import { audienceJobOperations } from './audience-jobs';
import { audienceModelOperations } from './audience-models';
import type { CollaborationDirectory } from './collaboration-directory';
import { configuredAudienceModelOperations } from './configured-audience-models';
import { OPERATION_INPUTS, validateInput } from './constraints';
import { ServiceError } from './errors';
import type { FaultInjector, FaultOptions } from './faults';
import { EmulatorQuotas, OperationHandler, OperationTable } from './operation';
import { checkSignature, SignatureCheck } from './signature';
import type { CallStats } from './stats';
import { FAILABLE_RESOURCE_TYPES, FailureRequest, Store } from './store';
import { tagOperations } from './tags';
import { trainingDatasetOperations } from './training-datasets';
import { OPERATIONS, OperationName } from '../client/operations';

/** What the request handler works with; the emulator class owns it. */
export interface EmulatorCore {
  readonly store: Store;
  /** The default account's scope; each call runs in the scope of the account that signed it. */
  readonly scope: AccountScope;
  readonly accounts: EmulatorAccounts;
  readonly collaborations: CollaborationDirectory;
  readonly quotas: EmulatorQuotas;
  readonly faults: FaultInjector;
  readonly stats: CallStats;
  readonly signature: SignatureCheck;
  /** The emulator clock, epoch milliseconds. */
  readonly now: () => number;
  readonly failNext: (request: FailureRequest) => void;
  readonly reset: () => void;
}

const OPERATION_TABLES: readonly OperationTable[] = [
  trainingDatasetOperations,
  audienceModelOperations,
  configuredAudienceModelOperations,
  audienceJobOperations,
  tagOperations,
];

const HANDLERS = new Map<OperationName, OperationHandler>(
  OPERATION_TABLES.flatMap((table) => Object.entries(table) as Array<[OperationName, OperationHandler]>),
);

interface Route {
  readonly operation: OperationName;
  readonly method: string;
  readonly pattern: RegExp;
  readonly pathParams: readonly string[];
}

/**
 * One route per operation. Longer templates are tried first, so
 * `/configured-audience-model/{arn}/policy` wins over
 * `/configured-audience-model/{arn}`; a path parameter may span slashes in
 * case a client leaves the `/` of an ARN unencoded.
 */
const ROUTES: readonly Route[] = (Object.entries(OPERATIONS) as Array<[OperationName, (typeof OPERATIONS)[OperationName]]>)
  .map(([operation, binding]) => ({
    operation,
    method: binding.method,
    pattern: new RegExp(`^${binding.path.split(/\{\w+\}/).map(escapeRegExp).join('(.+)')}$`),
    pathParams: binding.pathParams,
    templateLength: binding.path.length,
  }))
  .sort((a, b) => b.templateLength - a.templateLength);

const ADMIN_PREFIX = '/_emulator/';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createRequestListener(core: EmulatorCore): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handleRequest(core, request, response).catch((error: unknown) => {
      // Only reached when writing the reply itself failed (the client went away).
      if (!response.headersSent) {
        response.statusCode = 500;
      }
      response.end();
      reportUnexpected(error);
    });
  };
}

async function handleRequest(core: EmulatorCore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  const rawQuery = queryStart < 0 ? '' : target.slice(queryStart + 1);
  const method = (request.method ?? 'GET').toUpperCase();

  let body: Buffer;
  try {
    body = await readBody(request);
  } catch (error) {
    return reply(response, requestId, asServiceError(error));
  }

  if (rawPath.startsWith(ADMIN_PREFIX)) {
    return handleAdmin(core, method, rawPath.slice(ADMIN_PREFIX.length), body, response, requestId);
  }

  try {
    const result = await handleServiceCall(core, { method, rawPath, rawQuery, headers: request.headers, body });
    reply(response, requestId, undefined, result ?? {});
  } catch (error) {
    reply(response, requestId, asServiceError(error));
  }
}

interface ServiceCall {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

async function handleServiceCall(core: EmulatorCore, call: ServiceCall): Promise<object | undefined> {
  const routed = route(call.method, call.rawPath);
  if (!routed) {
    throw new ServiceError('UnknownOperationException', `No Clean Rooms ML operation is bound to ${call.method} ${call.rawPath}`);
  }
  const { operation, pathValues } = routed;
  core.stats.recordCall(operation);

  const query = parseQuery(call.rawQuery);
  const caller = await checkSignature({ method: call.method, rawPath: call.rawPath, query, headers: call.headers, body: call.body }, core.signature);
  const scope: AccountScope = { ...core.scope, accountId: caller.accountId };

  // Faults come before any work, so a retried call is never carried out twice.
  if (core.faults.latencyMs > 0) {
    await sleep(core.faults.latencyMs);
  }
  const fault = core.faults.decide(operation, { method: call.method, path: call.rawPath, query: call.rawQuery, body: call.body });
  if (fault) {
    core.stats.recordFault(operation, fault);
    throw fault === 'throttling'
      ? new ServiceError('ThrottlingException', 'Rate exceeded (injected by the emulator)')
      : new ServiceError('InternalServiceException', 'Internal server error (injected by the emulator)');
  }

  const input = buildInput(operation, call, query, pathValues);
  validateInput(operation, input);

  const now = core.now();
  const swept = core.store.sweep(now);
  const handler = HANDLERS.get(operation)!;
  try {
    return handler(input, { store: core.store, scope, collaborations: core.collaborations, quotas: core.quotas, now });
  } finally {
    // Handlers check everything before they change anything, so saving after a refused call is merely redundant.
    if (swept || call.method !== 'GET') {
      core.store.save();
    }
  }
}

function route(method: string, rawPath: string): { operation: OperationName; pathValues: Record<string, string> } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) {
      continue;
    }
    const match = candidate.pattern.exec(rawPath);
    if (!match) {
      continue;
    }
    const pathValues: Record<string, string> = {};
    candidate.pathParams.forEach((name, index) => {
      pathValues[name] = decode(match[index + 1], name);
    });
    return { operation: candidate.operation, pathValues };
  }
  return undefined;
}

/** The operation's input: JSON body members, then query members, then path members (each bound by the model). */
function buildInput(
  operation: OperationName,
  call: ServiceCall,
  query: Record<string, string | string[]>,
  pathValues: Record<string, string>,
): Record<string, unknown> {
  const binding = OPERATIONS[operation];
  const members = OPERATION_INPUTS[operation].members;
  const input: Record<string, unknown> = binding.method === 'GET' || binding.method === 'DELETE' ? {} : parseJsonBody(call.body);
  for (const name of binding.queryParams) {
    const value = query[name];
    if (value === undefined) {
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    const kind = members[name]?.kind;
    if (kind === 'list') {
      input[name] = values;
    } else if (kind === 'integer') {
      input[name] = /^-?\d+$/.test(values[0]) ? Number(values[0]) : values[0];
    } else {
      input[name] = values[0];
    }
  }
  return { ...input, ...pathValues };
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf-8');
  if (text.trim() === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServiceError('SerializationException', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ServiceError('SerializationException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Query string → values, percent-decoded; a repeated key gives a list. `+` stays a plus, as SigV4 canonicalization reads it. */
function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of rawQuery.split('&')) {
    if (pair === '') {
      continue;
    }
    const separator = pair.indexOf('=');
    const key = decode(separator < 0 ? pair : pair.slice(0, separator), 'query string');
    const value = separator < 0 ? '' : decode(pair.slice(separator + 1), key);
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ServiceError('ValidationException', `${what} is not correctly URL-encoded`);
  }
}

// ---------------------------------------------------------------------------
// The emulator's own control API
// ---------------------------------------------------------------------------

function handleAdmin(core: EmulatorCore, method: string, action: string, body: Buffer, response: ServerResponse, requestId: string): void {
  try {
    const result = runAdminAction(core, `${method} ${action}`, body);
    reply(response, requestId, undefined, result);
  } catch (error) {
    reply(response, requestId, asServiceError(error));
  }
}

function runAdminAction(core: EmulatorCore, action: string, body: Buffer): object {
  switch (action) {
    case 'GET health':
      return { status: 'ok', accountId: core.scope.accountId, region: core.scope.region, accounts: core.accounts.summary() };
    case 'GET inventory': {
      const now = core.now();
      if (core.store.sweep(now)) {
        core.store.save();
      }
      return core.store.inventory(now);
    }
    case 'GET stats':
      return core.stats.snapshot();
    case 'POST reset':
      core.reset();
      return {};
    case 'POST faults':
      try {
        core.faults.configure(parseJsonBody(body) as FaultOptions);
      } catch (error) {
        throw error instanceof ServiceError ? error : new ServiceError('ValidationException', (error as Error).message);
      }
      return { faults: core.faults.settings };
    case 'POST fail-next': {
      const request = parseJsonBody(body) as Partial<FailureRequest>;
      if (!FAILABLE_RESOURCE_TYPES.includes(request.resourceType as FailureRequest['resourceType'])
        || (request.phase !== 'CREATE' && request.phase !== 'DELETE')) {
        throw new ServiceError(
          'ValidationException',
          `fail-next needs resourceType (${FAILABLE_RESOURCE_TYPES.join(', ')}) and phase (CREATE, DELETE)`,
        );
      }
      core.failNext(request as FailureRequest);
      return {};
    }
    default:
      throw new ServiceError('UnknownOperationException', `No emulator control action ${action}; see the server.ts doc comment for the list`);
  }
}

// ---------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------

function reply(response: ServerResponse, requestId: string, error: ServiceError | undefined, body?: object): void {
  const payload = JSON.stringify(error ? error.toBody() : body);
  response.statusCode = error ? error.statusCode : 200;
  response.setHeader('content-type', 'application/json');
  response.setHeader('content-length', Buffer.byteLength(payload));
  response.setHeader('x-amzn-requestid', requestId);
  if (error) {
    response.setHeader('x-amzn-errortype', error.errorName);
  }
  response.end(payload);
}

function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) {
    return error;
  }
  reportUnexpected(error);
  return new ServiceError('InternalServiceException', `The emulator failed: ${(error as Error)?.message ?? String(error)}`);
}

/** An emulator bug, not a client mistake: make it visible on stderr as well as in the 500 reply. */
function reportUnexpected(error: unknown): void {
  process.stderr.write(`Clean Rooms ML emulator: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(new ServiceError('ValidationException', `The request body is larger than ${MAX_BODY_BYTES} bytes`));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    request.on('error', reject);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
