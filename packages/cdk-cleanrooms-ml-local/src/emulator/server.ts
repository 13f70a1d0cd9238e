/**
 * The HTTP side, shared by every service the emulator speaks (Clean Rooms
 * ML here, AWS Clean Rooms in clean-rooms/service.ts, each at its own
 * listener): routes a request to an operation with the service's binding
 * table (its published model's), checks SigV4 for the service's signing
 * name, injects faults, builds the operation's input from the path, query
 * string and JSON body, validates it against the service's constraint
 * table, runs the resource module's handler and answers in restJson1 (JSON
 * bodies, ISO-8601 timestamps; errors with `x-amzn-errortype`,
 * `x-amzn-requestid` and `{"__type", "message"}`).
 *
 * Malformed JSON is answered 400 SerializationException, as restJson1
 * services do for a body that cannot be deserialized; a path that no
 * operation uses, 404 UnknownOperationException.
 *
 * The account whose access key signed a request makes the call: the
 * operation runs in that account's scope (see signature.ts and arns.ts).
 *
 * Paths under `/_emulator/` are the emulator's own, unsigned control API:
 *   GET  /_emulator/health     { status, accountId, region, accounts: [{ accountId, accessKeyId }], cleanRoomsEndpoint }
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
import { inputViolations, OPERATION_INPUTS, StructureConstraint, violationsMessage } from './constraints';
import { ServiceError, validationError } from './errors';
import { FaultOptions, THROTTLED_OPERATIONS } from './faults';
import type { FaultInjector } from './faults';
import { EmulatorQuotas, OperationHandler, OperationTable } from './operation';
import { checkSignature, SignatureCheck, SIGNING_NAME } from './signature';
import type { CallStats } from './stats';
import { FAILABLE_RESOURCE_TYPES, FailureRequest, Store } from './store';
import { tagOperations } from './tags';
import { trainingDatasetOperations } from './training-datasets';
import { OperationBinding, OPERATIONS, OperationName } from '../client/operations';

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
  /** The AWS Clean Rooms listener's base URL (health shows it on both listeners). */
  readonly cleanRoomsEndpoint: () => string;
}

/**
 * One AWS service the emulator speaks, at its own listener: its operations'
 * bindings, input constraints and handlers, all from its published model.
 */
export interface EmulatedService {
  /** The service in messages: `Clean Rooms ML`, `AWS Clean Rooms`. */
  readonly title: string;
  /** The service credentials must be scoped to. */
  readonly signingName: string;
  /**
   * The operation's name in the stats and the fault draws: unique across the
   * emulator's services (AWS Clean Rooms' tag operations have the same names
   * as Clean Rooms ML's).
   */
  readonly qualifiedName: (operation: string) => string;
  readonly bindings: Readonly<Record<string, OperationBinding>>;
  readonly inputs: Readonly<Record<string, StructureConstraint>>;
  readonly handlers: ReadonlyMap<string, OperationHandler>;
  /** The status code of a successful reply (204: no body). @default 200 */
  readonly successCode?: (operation: string) => number;
  /** Whether the model declares ThrottlingException for the operation (only those are throttled). */
  readonly throttles: (operation: string) => boolean;
  /** The service's errors for what every endpoint answers alike. */
  readonly errors: {
    readonly validation: (message: string) => ServiceError;
    readonly throttling: (message: string) => ServiceError;
    readonly internal: (message: string) => ServiceError;
  };
}

const OPERATION_TABLES: readonly OperationTable[] = [
  trainingDatasetOperations,
  audienceModelOperations,
  configuredAudienceModelOperations,
  audienceJobOperations,
  tagOperations,
];

/** Clean Rooms ML, as its published model (cleanroomsml 2023-09-06) declares it. */
export const CLEAN_ROOMS_ML_SERVICE: EmulatedService = {
  title: 'Clean Rooms ML',
  signingName: SIGNING_NAME,
  qualifiedName: (operation) => operation,
  bindings: OPERATIONS,
  inputs: OPERATION_INPUTS,
  handlers: new Map<string, OperationHandler>(
    OPERATION_TABLES.flatMap((table) => Object.entries(table) as Array<[OperationName, OperationHandler]>),
  ),
  throttles: (operation) => THROTTLED_OPERATIONS.has(operation as OperationName),
  errors: {
    validation: validationError,
    throttling: (message) => new ServiceError('ThrottlingException', message),
    internal: (message) => new ServiceError('InternalServiceException', message),
  },
};

interface Route {
  readonly operation: string;
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
function routesOf(bindings: Readonly<Record<string, OperationBinding>>): readonly Route[] {
  return Object.entries(bindings)
    .map(([operation, binding]) => ({
      operation,
      method: binding.method,
      pattern: new RegExp(`^${binding.path.split(/\{\w+\}/).map(escapeRegExp).join('(.+)')}$`),
      pathParams: binding.pathParams,
      templateLength: binding.path.length,
    }))
    .sort((a, b) => b.templateLength - a.templateLength);
}

const ADMIN_PREFIX = '/_emulator/';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The request listener of one service's endpoint. */
export function createRequestListener(
  core: EmulatorCore,
  service: EmulatedService = CLEAN_ROOMS_ML_SERVICE,
): (request: IncomingMessage, response: ServerResponse) => void {
  const endpoint: Endpoint = { core, service, routes: routesOf(service.bindings) };
  return (request, response) => {
    handleRequest(endpoint, request, response).catch((error: unknown) => {
      // Only reached when writing the reply itself failed (the client went away).
      if (!response.headersSent) {
        response.statusCode = 500;
      }
      response.end();
      reportUnexpected(error);
    });
  };
}

/** What one listener serves: the emulator's state and one service. */
interface Endpoint {
  readonly core: EmulatorCore;
  readonly service: EmulatedService;
  readonly routes: readonly Route[];
}

async function handleRequest(endpoint: Endpoint, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { core, service } = endpoint;
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
    return reply(response, requestId, asServiceError(error, service));
  }

  if (rawPath.startsWith(ADMIN_PREFIX)) {
    return handleAdmin(core, method, rawPath.slice(ADMIN_PREFIX.length), body, response, requestId);
  }

  try {
    const { operation, result } = await handleServiceCall(endpoint, { method, rawPath, rawQuery, headers: request.headers, body });
    const status = service.successCode?.(operation) ?? 200;
    if (status === 204) {
      replyEmpty(response, requestId);
    } else {
      reply(response, requestId, undefined, result ?? {});
    }
  } catch (error) {
    reply(response, requestId, asServiceError(error, service));
  }
}

interface ServiceCall {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

async function handleServiceCall(
  { core, service, routes }: Endpoint,
  call: ServiceCall,
): Promise<{ readonly operation: string; readonly result: object | undefined }> {
  const routed = route(routes, call.method, call.rawPath);
  if (!routed) {
    throw new ServiceError('UnknownOperationException', `No ${service.title} operation is bound to ${call.method} ${call.rawPath}`);
  }
  const { operation, pathValues } = routed;
  const qualifiedName = service.qualifiedName(operation);
  core.stats.recordCall(qualifiedName);

  const query = parseQuery(call.rawQuery);
  const caller = await checkSignature(
    { method: call.method, rawPath: call.rawPath, query, headers: call.headers, body: call.body },
    { ...core.signature, signingName: service.signingName },
  );
  const scope: AccountScope = { ...core.scope, accountId: caller.accountId };

  // Faults come before any work, so a retried call is never carried out twice.
  if (core.faults.latencyMs > 0) {
    await sleep(core.faults.latencyMs);
  }
  const fault = core.faults.decide(
    qualifiedName,
    { method: call.method, path: call.rawPath, query: call.rawQuery, body: call.body },
    service.throttles(operation),
  );
  if (fault) {
    core.stats.recordFault(qualifiedName, fault);
    throw fault === 'throttling'
      ? service.errors.throttling('Rate exceeded (injected by the emulator)')
      : service.errors.internal('Internal server error (injected by the emulator)');
  }

  const input = buildInput(service, operation, call, query, pathValues);
  const violations = inputViolations(service.inputs[operation], operation, input);
  if (violations.length > 0) {
    throw service.errors.validation(violationsMessage(violations));
  }

  const now = core.now();
  const swept = core.store.sweep(now);
  const handler = service.handlers.get(operation)!;
  try {
    return { operation, result: handler(input, { store: core.store, scope, collaborations: core.collaborations, quotas: core.quotas, now }) };
  } finally {
    // Handlers check everything before they change anything, so saving after a refused call is merely redundant.
    if (swept || call.method !== 'GET') {
      core.store.save();
    }
  }
}

function route(routes: readonly Route[], method: string, rawPath: string): { operation: string; pathValues: Record<string, string> } | undefined {
  for (const candidate of routes) {
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
  service: EmulatedService,
  operation: string,
  call: ServiceCall,
  query: Record<string, string | string[]>,
  pathValues: Record<string, string>,
): Record<string, unknown> {
  const binding = service.bindings[operation];
  const members = service.inputs[operation].members;
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
      return {
        status: 'ok',
        accountId: core.scope.accountId,
        region: core.scope.region,
        accounts: core.accounts.summary(),
        cleanRoomsEndpoint: core.cleanRoomsEndpoint(),
      };
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

/** A 204 reply: no content. */
function replyEmpty(response: ServerResponse, requestId: string): void {
  response.statusCode = 204;
  response.setHeader('x-amzn-requestid', requestId);
  response.end();
}

function asServiceError(error: unknown, service: EmulatedService = CLEAN_ROOMS_ML_SERVICE): ServiceError {
  if (error instanceof ServiceError) {
    return error;
  }
  reportUnexpected(error);
  return service.errors.internal(`The emulator failed: ${(error as Error)?.message ?? String(error)}`);
}

/** An emulator bug, not a client mistake: make it visible on stderr as well as in the 500 reply. */
function reportUnexpected(error: unknown): void {
  process.stderr.write(`Clean Rooms ML emulator: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
}

/** The request body (at most MAX_BODY_BYTES, else a ValidationException); shared with the runner's Step Functions endpoint. */
export function readBody(request: IncomingMessage): Promise<Buffer> {
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
