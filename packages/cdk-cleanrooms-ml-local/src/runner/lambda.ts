/**
 * Runs a Lambda function's Node.js code in this process, the way the Lambda
 * Node.js runtime would: the module named by `Handler` loaded from the
 * function's code directory (once per runner operation: a warm container),
 * the function's environment plus Lambda's own variables set while it runs,
 * a context object, the function's timeout, and the outcome turned into what
 * `lambda:Invoke` returns (a JSON payload, `FunctionError` when it threw).
 *
 * The environment is process-wide: one function runs at a time, in the
 * order the invocations came (see `invoke`).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { format } from 'node:util';
import type { FunctionLogEntry } from './events';
import { OPERATIONS } from '../client/operations';

/** A deployed function, as the runner recorded it. */
export interface LambdaFunctionSpec {
  readonly functionName: string;
  readonly functionArn: string;
  /** `index.handler`, `dir/file.exported.name`. */
  readonly handler: string;
  readonly runtime: string;
  /** The function's own environment variables (resolved). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default 3 (Lambda's default) */
  readonly timeoutSeconds?: number;
  /** @default 128 */
  readonly memorySize?: number;
  /** Absolute path of the function's code, unpacked; undefined when the runner has no copy. */
  readonly codeDirectory?: string;
}

/** What `lambda:Invoke` (RequestResponse) returns. */
export interface InvokeResult {
  /** JSON text. */
  readonly payload: string;
  /** `Unhandled` when the function threw, timed out or could not be loaded. */
  readonly functionError?: string;
  /**
   * The execution environment died during the invocation (`crashAfterCreate`):
   * what the function did before is done, and nothing came back.
   */
  readonly crashed?: boolean;
}

/** Lambda's error payload, as the function's runtime writes it (`{"errorType", "errorMessage", "trace"}`). */
export interface FunctionErrorPayload {
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly trace?: readonly string[];
}

/** An invocation's result as its callers (the Provider framework, Step Functions tasks) read it. */
export type InvocationOutcome =
  /** The function returned: its result (undefined for an empty payload). */
  | { readonly kind: 'returned'; readonly value: unknown }
  /** The function failed (FunctionError): its error payload. */
  | { readonly kind: 'failed'; readonly error: FunctionErrorPayload }
  /** The payload is not JSON. */
  | { readonly kind: 'malformed'; readonly payload: string }
  /** Its execution environment died: nothing came back. */
  | { readonly kind: 'crashed' };

/** Reads what an invocation came back with, the same way for every caller; each caller reports the outcome its own way. */
export function readInvocation(result: InvokeResult): InvocationOutcome {
  if (result.crashed) return { kind: 'crashed' };
  let value: unknown;
  try {
    value = result.payload ? JSON.parse(result.payload) : undefined;
  } catch {
    return result.functionError ? { kind: 'failed', error: { errorMessage: result.payload } } : { kind: 'malformed', payload: result.payload };
  }
  if (!result.functionError) return { kind: 'returned', value };
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    kind: 'failed',
    error: {
      errorType: typeof fields.errorType === 'string' ? fields.errorType : undefined,
      errorMessage: typeof fields.errorMessage === 'string' ? fields.errorMessage : undefined,
      trace: Array.isArray(fields.trace) ? fields.trace.map(String) : undefined,
    },
  };
}

/**
 * The record Lambda sends a function's on-failure destination once an
 * asynchronous invocation has failed every attempt
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * the request and the last attempt's error payload as the runtime wrote it.
 * Only `RetriesExhausted`: the runner does not keep events queued, so none
 * reaches the maximum event age (6 hours by default) and `EventAgeExceeded`
 * is not emulated.
 */
export function failedInvocationRecord(spec: LambdaFunctionSpec, event: unknown, attempts: number, last: InvokeResult): Record<string, unknown> {
  let responsePayload: unknown;
  try {
    responsePayload = last.payload ? JSON.parse(last.payload) : undefined;
  } catch {
    responsePayload = { errorMessage: last.payload };
  }
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { requestId: randomUUID(), functionArn: `${spec.functionArn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: attempts },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: last.functionError ?? 'Unhandled' },
    ...(responsePayload === undefined ? {} : { responsePayload }),
  };
}

/**
 * Faults the runner injects, for tests of what a stack survives. Each one
 * models a failure AWS really has; none changes what the functions' code does.
 */
export interface RunnerFaults {
  /**
   * Custom resources (logical id → how many attempts) whose Create dies
   * right after Clean Rooms ML answers the handler's first call that makes a
   * resource (`Create…` or `Start…`; on a retry that call usually finds the
   * name taken): the service keeps what it did, the handler never sees the
   * answer and sends nothing more (the runner's proxy stops it), its later
   * log lines are lost, and no result comes back. The Provider framework then gets the same request again the
   * way CloudFormation and Lambda deliver it again (see provider-framework.ts):
   * 1 or 2 attempts dying end with the resource created once; 3 exhaust
   * Lambda's retries and CloudFormation never gets a response.
   */
  readonly crashAfterCreate?: Readonly<Record<string, number>>;
}

export interface LocalLambdaOptions {
  /** Variables every function sees: region, credentials, the emulator's endpoint. */
  readonly baseEnvironment: Readonly<Record<string, string>>;
  /** Receives what functions log (console.*). */
  readonly onLog: (entry: FunctionLogEntry) => void;
  /** @default none */
  readonly faults?: RunnerFaults;
}

/** The end of the last invocation queued in this process (see LocalLambda.invoke). */
let invocationQueue: Promise<void> = Promise.resolve();

/** Real milliseconds this process has spent running invocations, the one under way included. */
let busyMs = 0;
let busySince: number | undefined;

/**
 * Real milliseconds spent in invocations so far: what a scaled clock counts
 * as it is (a function's run time is not scaled), the rest being scaled waits.
 */
export function invocationBusyMs(): number {
  return busyMs + (busySince === undefined ? 0 : Date.now() - busySince);
}

type Handler = (event: unknown, context: LambdaContext, callback: (error?: unknown, result?: unknown) => void) => unknown;

interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

const CONSOLE_LEVELS = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
type ConsoleMethod = keyof typeof CONSOLE_LEVELS;

/** Runs deployed functions in-process. One instance per runner operation (its module cache is the warm container). */
export class LocalLambda {
  private readonly handlers = new Map<string, Handler>();
  private readonly purged = new Set<string>();
  /** crashAfterCreate: attempts that died so far, per CloudFormation RequestId. */
  private readonly crashes = new Map<string, number>();

  constructor(private readonly options: LocalLambdaOptions) {}

  /**
   * Invokes a function, after every invocation that came before it has
   * ended. Invocations can come concurrently (a Step Functions execution
   * invoking its poller while the deployment loop invokes a custom
   * resource's handler), but each one sets `process.env` (and `console`)
   * for the whole process while it runs: run side by side, one function
   * would read the other's environment, e.g. its endpoints or key. Lambda
   * gives each concurrent invocation its own execution environment; in one
   * process the runner can only take them one after the other. The queue is
   * the module's, not the instance's, as the environment is the process's.
   * A function that calls something which itself waits for another
   * invocation to end would therefore wait forever: such callers must not
   * hold their answer on an invocation they start.
   */
  public invoke(spec: LambdaFunctionSpec, event: unknown): Promise<InvokeResult> {
    const invocation = invocationQueue.then(async () => {
      busySince = Date.now();
      try {
        return await this.invokeNow(spec, event);
      } finally {
        busyMs += Date.now() - busySince;
        busySince = undefined;
      }
    });
    invocationQueue = invocation.then(() => undefined, () => undefined);
    return invocation;
  }

  private async invokeNow(spec: LambdaFunctionSpec, event: unknown): Promise<InvokeResult> {
    const requestId = randomUUID();
    if (!spec.runtime.startsWith('nodejs')) {
      return failure('Runtime.Unsupported', `The local runner runs Node.js functions only; ${spec.functionName} uses ${spec.runtime || 'no runtime'}`);
    }
    if (!spec.codeDirectory || !existsSync(spec.codeDirectory)) {
      return failure('Runtime.ImportModuleError', `The local runner has no code for ${spec.functionName} (only functions whose code is a cdk.out asset directory or inline ZipFile can run)`);
    }
    const timeoutMs = (spec.timeoutSeconds ?? 3) * 1000;
    const startedAt = Date.now();
    const crash = this.crashesThisAttempt(event)
      ? await CrashAfterCreateProxy.start(this.options.baseEnvironment.AWS_ENDPOINT_URL_CLEANROOMSML)
      : undefined;
    const restoreEnvironment = this.enterEnvironment(spec, crash ? { AWS_ENDPOINT_URL_CLEANROOMSML: crash.endpoint } : {});
    const restoreConsole = this.captureConsole(spec.functionName, requestId, () => crash?.crashed === true);
    try {
      let handler: Handler;
      try {
        handler = this.load(spec);
      } catch (error) {
        return failure((error as { errorType?: string }).errorType ?? 'Runtime.ImportModuleError', (error as Error).message, error);
      }
      const context: LambdaContext = {
        functionName: spec.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: spec.functionArn,
        memoryLimitInMB: String(spec.memorySize ?? 128),
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${spec.functionName}`,
        logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - startedAt)),
      };
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolveTimeout) => {
        timer = setTimeout(() => resolveTimeout('timeout'), timeoutMs);
      });
      try {
        const outcome = await Promise.race([runHandler(handler, event, context), timedOut]);
        if (crash?.crashed) {
          // What Lambda reports for an environment that died (out of memory, killed); only the runner reads it.
          return { ...failure('Runtime.ExitError', `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`), crashed: true };
        }
        if (outcome === 'timeout') {
          return failure('Sandbox.Timedout', `${new Date().toISOString()} ${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
        }
        if (outcome.error !== undefined) {
          const error = outcome.error;
          return error instanceof Error
            ? failure(error.name || 'Error', error.message, error)
            : failure(typeof error, String(error));
        }
        try {
          return { payload: JSON.stringify(outcome.result === undefined ? null : outcome.result) };
        } catch (error) {
          return failure('Runtime.MalformedHandlerResponse', `The handler's result cannot be turned into JSON: ${(error as Error).message}`);
        }
      } finally {
        clearTimeout(timer);
      }
    } finally {
      restoreConsole();
      restoreEnvironment();
      await crash?.close();
    }
  }

  /** crashAfterCreate: is this the onEvent of a Create (no physical id yet) whose attempt is to die? Counts it if so. */
  private crashesThisAttempt(event: unknown): boolean {
    const request = (event ?? {}) as { RequestType?: unknown; PhysicalResourceId?: unknown; LogicalResourceId?: unknown; RequestId?: unknown };
    const planned = this.options.faults?.crashAfterCreate?.[String(request.LogicalResourceId)] ?? 0;
    if (request.RequestType !== 'Create' || request.PhysicalResourceId !== undefined || typeof request.RequestId !== 'string' || planned <= 0) {
      return false;
    }
    const died = this.crashes.get(request.RequestId) ?? 0;
    if (died >= planned) return false;
    this.crashes.set(request.RequestId, died + 1);
    return true;
  }

  private load(spec: LambdaFunctionSpec): Handler {
    const key = `${spec.codeDirectory}\0${spec.handler}`;
    const cached = this.handlers.get(key);
    if (cached) return cached;

    const codeDirectory = resolve(spec.codeDirectory!);
    const slash = spec.handler.lastIndexOf('/');
    const moduleDirectory = slash < 0 ? '' : spec.handler.slice(0, slash);
    const moduleAndHandler = spec.handler.slice(slash + 1);
    const dot = moduleAndHandler.indexOf('.');
    if (dot <= 0 || dot === moduleAndHandler.length - 1) {
      throw Object.assign(new Error(`Bad handler ${spec.handler}: expected <module>.<function>`), { errorType: 'Runtime.MalformedHandlerName' });
    }
    const moduleName = moduleAndHandler.slice(0, dot);
    const functionPath = moduleAndHandler.slice(dot + 1).split('.');
    const base = join(codeDirectory, moduleDirectory, moduleName);
    const file = ['.js', '.cjs', '/index.js'].map((extension) => `${base}${extension}`).find((candidate) => existsSync(candidate));
    if (!file) {
      const esm = existsSync(`${base}.mjs`) ? ' (ES modules, .mjs, are not supported by the local runner)' : '';
      throw Object.assign(new Error(`Error: Cannot find module '${join(moduleDirectory, moduleName)}'${esm}`), { errorType: 'Runtime.ImportModuleError' });
    }
    this.coldStart(codeDirectory);
    lendRuntimeSdk(dirname(codeDirectory));
    // The function's code is loaded with this module's own require, so it shares this realm's `process` and `console`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    let target: unknown = require(file);
    for (const name of functionPath) {
      target = (target as Record<string, unknown> | undefined)?.[name];
    }
    if (typeof target !== 'function') {
      throw Object.assign(new Error(`${spec.handler} is undefined or not exported`), { errorType: 'Runtime.HandlerNotFound' });
    }
    const handler = target as Handler;
    this.handlers.set(key, handler);
    return handler;
  }

  /** Forgets modules a previous operation loaded from this directory, so each operation starts cold. */
  private coldStart(codeDirectory: string): void {
    if (this.purged.has(codeDirectory)) return;
    this.purged.add(codeDirectory);
    const cache = (require as NodeJS.Require).cache ?? {};
    for (const path of Object.keys(cache)) {
      if (path.startsWith(codeDirectory + sep)) delete cache[path];
    }
  }

  /** Sets the function's environment; the host's AWS_* variables are hidden while it runs. Returns the undo. */
  private enterEnvironment(spec: LambdaFunctionSpec, overrides: Readonly<Record<string, string>>): () => void {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('AWS_')) delete process.env[name];
    }
    Object.assign(process.env, spec.environment, {
      AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      LAMBDA_TASK_ROOT: spec.codeDirectory ?? '',
      _HANDLER: spec.handler,
    }, this.options.baseEnvironment, overrides);
    return () => {
      for (const name of Object.keys(process.env)) {
        if (!(name in saved)) delete process.env[name];
      }
      Object.assign(process.env, saved);
    };
  }

  /** `lost`: true once the environment is gone, when nothing it writes reaches the logs any more. */
  private captureConsole(functionName: string, requestId: string, lost: () => boolean): () => void {
    const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();
    hostConsole = originals;
    for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
      originals.set(method, console[method]);
      console[method] = (...args: unknown[]): void => {
        if (lost()) return;
        this.options.onLog({
          timestamp: new Date().toISOString(),
          functionName,
          requestId,
          level: CONSOLE_LEVELS[method],
          message: format(...args),
        });
      };
    }
    return () => {
      for (const [method, original] of originals) console[method] = original;
      hostConsole = undefined;
    };
  }
}

/** The console as it was before the running invocation captured it (invocations run one at a time). */
let hostConsole: ReadonlyMap<ConsoleMethod, (...args: unknown[]) => void> | undefined;

/**
 * Runs the runner's own code with the host's console while a function's
 * invocation has captured it: what happens while a function waits for a
 * service the runner serves (a wait condition signalled by the training
 * poller, whose stack events reach the caller's onEvent) is the caller's to
 * print, not the function's log.
 */
export function outsideFunctions<T>(run: () => T): T {
  const host = hostConsole;
  if (!host) return run();
  const captured = new Map([...host.keys()].map((method) => [method, console[method]] as const));
  for (const [method, original] of host) console[method] = original;
  try {
    return run();
  } finally {
    for (const [method, capture] of captured) console[method] = capture;
  }
}

/**
 * The Lambda Node.js runtime provides the AWS SDK for JavaScript v3 to every
 * function ("Your code runs in an environment that includes the AWS SDK for
 * JavaScript"; Node.js 18 and later runtimes include v3:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html, "Runtime-included
 * SDK versions"), so the library's handler bundles leave `@aws-sdk/*` out.
 * The runner lends the functions its own: the `@aws-sdk` directory it loads
 * @aws-sdk/client-secrets-manager from, which also holds
 * @aws-sdk/client-cleanrooms, @aws-sdk/client-cloudformation (the training
 * poller's SignalResource and DescribeStackResource) and @aws-sdk/client-sfn
 * (the handlers' StartExecution and StopExecution): all dependencies of this
 * package, installed side by side; a function that finds none there fails
 * naming the module. It is linked as
 * `node_modules/@aws-sdk` in the directory that holds the functions' code.
 * Node.js looks there after a function's own node_modules, as in Lambda it
 * looks in NODE_PATH (/var/runtime/node_modules among others) after them.
 */
function lendRuntimeSdk(functionsDirectory: string): void {
  let sdk: string;
  try {
    sdk = dirname(dirname(require.resolve('@aws-sdk/client-secrets-manager/package.json')));
  } catch {
    return;
  }
  const link = join(functionsDirectory, 'node_modules', '@aws-sdk');
  if (sameDirectory(link, sdk)) return;
  // Another run sharing the state directory may be linking it too: the link appears whole, by a rename.
  const staging = `${link}.partial-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(sdk, staging, 'junction');
    renameSync(staging, link);
  } catch {
    // A directory of the user's own there is kept; the function then loads what it finds.
  } finally {
    rmSync(staging, { force: true });
  }
}

function sameDirectory(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function runHandler(handler: Handler, event: unknown, context: LambdaContext): Promise<{ readonly result?: unknown; readonly error?: unknown }> {
  return new Promise((settle) => {
    let settled = false;
    const done = (outcome: { readonly result?: unknown; readonly error?: unknown }): void => {
      if (!settled) {
        settled = true;
        settle(outcome);
      }
    };
    const callback = (error?: unknown, result?: unknown): void => done(error === undefined || error === null ? { result } : { error });
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then((result) => done({ result }), (error: unknown) => done({ error: error ?? new Error('undefined') }));
      } else if (handler.length < 3) {
        done({ result: returned });
      }
    } catch (error) {
      done({ error });
    }
  });
}

function failure(errorType: string, errorMessage: string, error?: unknown): InvokeResult {
  const trace = error instanceof Error && error.stack ? error.stack.split('\n') : undefined;
  return { payload: JSON.stringify({ errorType, errorMessage, trace }), functionError: 'Unhandled' };
}

/** Paths of the operations that make a resource (`POST /audience-model`, ...). */
const CREATING_PATHS: ReadonlySet<string> = new Set(Object.entries(OPERATIONS)
  .filter(([name, binding]) => /^(Create|Start)/.test(name) && binding.method === 'POST')
  .map(([, binding]) => binding.path));

/** The answer to a function whose environment is gone: it never reads it, and it must not retry. */
const ENVIRONMENT_GONE = JSON.stringify({ message: 'The Lambda execution environment running this function has ended' });

/**
 * crashAfterCreate: a proxy between one invocation and Clean Rooms ML. It
 * passes calls through until the service has answered one that makes a
 * resource; from then on the environment counts as dead: that answer is
 * withheld and nothing else reaches the service. (The handler still runs in this process; every
 * call it makes is answered at once with a non-retryable error, so it ends
 * quickly, and its outcome and logs are dropped.)
 */
class CrashAfterCreateProxy {
  public static async start(target: string | undefined): Promise<CrashAfterCreateProxy> {
    if (!target) throw new Error('crashAfterCreate needs the Clean Rooms ML endpoint the functions call');
    const proxy = new CrashAfterCreateProxy(new URL(target));
    await new Promise<void>((resolveListen, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolveListen());
    });
    return proxy;
  }

  public crashed = false;
  private readonly server: http.Server;

  private constructor(private readonly target: URL) {
    this.server = http.createServer((request, response) => this.handle(request, response));
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async close(): Promise<void> {
    const closed = new Promise<void>((resolveClose) => this.server.close(() => resolveClose()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (this.crashed) {
        refuse(response);
        return;
      }
      const path = request.url ?? '/';
      const creates = request.method === 'POST' && CREATING_PATHS.has(path.split('?')[0]);
      const transport = this.target.protocol === 'https:' ? https : http;
      // Headers pass unchanged: the signature covers the Host header the function signed.
      const upstream = transport.request(new URL(path, this.target), { method: request.method, headers: request.headers, agent: false }, (reply) => {
        const replyChunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => replyChunks.push(chunk));
        reply.on('end', () => {
          if (this.crashed || creates) {
            this.crashed = true;
            refuse(response);
            return;
          }
          response.writeHead(reply.statusCode ?? 502, reply.headers);
          response.end(Buffer.concat(replyChunks));
        });
        reply.on('error', () => response.destroy());
      });
      upstream.on('error', () => response.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  }
}

function refuse(response: http.ServerResponse): void {
  response.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ExecutionEnvironmentTerminated' });
  response.end(ENVIRONMENT_GONE);
}
