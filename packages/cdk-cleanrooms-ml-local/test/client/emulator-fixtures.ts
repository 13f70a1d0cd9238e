/**
 * Fixtures for driving the project's CleanRoomsMlClient against the embedded
 * emulator over real HTTP: a client factory that remembers what to destroy,
 * valid inputs for every create, polling and a recording proxy.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CleanRoomsMlClient, isNotFound, type CleanRoomsMlClientOptions } from '../../src/client';
import type { CleanRoomsMlEmulator } from '../../src/emulator';

import { ACCOUNT_ID, REGION } from '../fixtures/requests';

export * from '../fixtures/requests';

/** A well-formed ARN of this account and region that names nothing. */
export function unknownArn(type: 'training-dataset' | 'audience-model' | 'configured-audience-model' | 'audience-generation-job'): string {
  return `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:${type}/00000000-0000-4000-8000-000000000000`;
}

/** Makes clients for one emulator and destroys them all at the end of the describe block. */
export class ClientPool {
  private readonly clients: CleanRoomsMlClient[] = [];

  constructor(private readonly emulator: () => CleanRoomsMlEmulator) {}

  /** Valid credentials, tiny retry delays; `options` overrides any of it. */
  public client(options: CleanRoomsMlClientOptions = {}): CleanRoomsMlClient {
    const client = new CleanRoomsMlClient({
      region: REGION,
      endpoint: this.emulator().endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  public destroyAll(): void {
    this.clients.splice(0).forEach((client) => client.destroy());
  }
}

/** Polls `read` until `done` holds, or fails naming the last value after `timeoutMs`. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`Condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Polls a Get call until it answers ResourceNotFoundException; returns the
 * statuses seen on the way (any other error fails the wait).
 */
export async function waitUntilGone(read: () => Promise<{ status: string }>, timeoutMs = 5_000): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { status } = await read();
      if (seen[seen.length - 1] !== status) seen.push(status);
    } catch (err) {
      if (isNotFound(err)) return seen;
      throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Still there after ${timeoutMs} ms; statuses seen: ${seen.join(' → ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The error a call rejects with; fails the test if it resolves. */
export async function caught(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

export interface RecordingProxy {
  readonly endpoint: string;
  /** Headers of every request forwarded, in order. */
  readonly requests: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

/**
 * A plain HTTP forwarder in front of the emulator that records each request's
 * headers and may rewrite them first (to tamper with what was signed).
 */
export async function startRecordingProxy(
  target: string,
  rewrite: (headers: http.IncomingHttpHeaders) => http.IncomingHttpHeaders = (headers) => headers,
): Promise<RecordingProxy> {
  const targetUrl = new URL(target);
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((incoming, outgoing) => {
    requests.push({ ...incoming.headers });
    const forwarded = http.request({
      hostname: targetUrl.hostname,
      port: targetUrl.port,
      method: incoming.method,
      path: incoming.url,
      // The host header stays the proxy's: it is what the client signed.
      headers: rewrite({ ...incoming.headers }),
    }, (reply) => {
      outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(outgoing);
    });
    forwarded.on('error', () => {
      outgoing.statusCode = 502;
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}
