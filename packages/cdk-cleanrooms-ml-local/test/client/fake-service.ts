import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CleanRoomsMlClient, type AwsCredentials, type CleanRoomsMlClientOptions } from '../../src/client';

/** A request as it arrived on the wire. */
export interface ReceivedRequest {
  readonly method: string;
  /** Still percent-encoded, as sent. */
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** `body`: an object is sent as JSON, a string as is. */
export interface HttpReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** `reset` drops the connection without a reply; `hang` never answers. */
export type Reply = HttpReply | 'reset' | 'hang';
export type ReplyFn = (request: ReceivedRequest) => Reply;

/**
 * A stand-in for the Clean Rooms ML endpoint on 127.0.0.1: records every
 * request and answers from a queue of scripted replies, then from a fallback.
 */
export class FakeService {
  public readonly requests: ReceivedRequest[] = [];
  private readonly server: http.Server;
  private readonly queued: Array<Reply | ReplyFn> = [];
  private fallback: ReplyFn;

  constructor() {
    this.fallback = () => ({ status: 200, body: {} });
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const [rawPath, rawQuery = ''] = (req.url ?? '').split('?');
        const received: ReceivedRequest = {
          method: req.method ?? '',
          rawPath,
          rawQuery,
          query: new URLSearchParams(rawQuery),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(received);
        const next = this.queued.shift() ?? this.fallback;
        answer(typeof next === 'function' ? next(received) : next, req, res);
      });
    });
  }

  /** Listens on a free port of 127.0.0.1. */
  public async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Answers the next requests with these replies, in order. */
  public reply(...replies: Array<Reply | ReplyFn>): this {
    this.queued.push(...replies);
    return this;
  }

  /** Answers every request not covered by `reply`. */
  public replyAlways(reply: Reply | ReplyFn): this {
    this.fallback = typeof reply === 'function' ? reply : () => reply;
    return this;
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function answer(reply: Reply, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (reply === 'hang') return;
  if (reply === 'reset') {
    req.socket.destroy();
    return;
  }
  const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, {
    ...(typeof reply.body === 'object' ? { 'content-type': 'application/json' } : {}),
    ...reply.headers,
  });
  res.end(body);
}

/** An error reply as the service sends it: type in `x-amzn-errortype`, message in the body. */
export function errorReply(status: number, type: string, message: string, extra: Record<string, unknown> = {}): HttpReply {
  return {
    status,
    headers: {
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.cleanroomsml/`,
      'x-amzn-requestid': `request-${type}`,
    },
    body: { message, ...extra },
  };
}

export const REGION = 'eu-west-1';
export const CREDENTIALS: AwsCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** A client aimed at the fake service that retries without waiting. */
export function clientFor(service: FakeService, options: CleanRoomsMlClientOptions = {}): CleanRoomsMlClient {
  return new CleanRoomsMlClient({
    region: REGION,
    credentials: CREDENTIALS,
    sleep: async () => {},
    ...options,
    endpoint: options.endpoint ?? service.endpoint,
  });
}

/**
 * Re-computes the SigV4 signature of a received request, the way the service
 * does, from what arrived on the wire and the caller's secret key.
 */
export async function hasValidSignature(request: ReceivedRequest, credentials: AwsCredentials, region: string = REGION): Promise<boolean> {
  const authorization = String(request.headers.authorization ?? '');
  const signedHeaderNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1].split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedHeaderNames) headers[name] = String(request.headers[name] ?? '');
  if ('x-amz-content-sha256' in headers) {
    // The service hashes the body it received rather than trusting the header.
    headers['x-amz-content-sha256'] = crypto.createHash('sha256').update(request.body).digest('hex');
  }
  const query: Record<string, string[]> = {};
  for (const pair of request.rawQuery ? request.rawQuery.split('&') : []) {
    const [key, value = ''] = pair.split('=').map(decodeURIComponent);
    (query[key] ??= []).push(value);
  }
  const [hostname, port] = String(request.headers.host).split(':');
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const signer = new SignatureV4({ service: 'cleanrooms-ml', region, credentials, sha256: Sha256 });
  const expected = await signer.sign({
    method: request.method,
    protocol: 'http:',
    hostname,
    port: port ? Number(port) : undefined,
    path: request.rawPath,
    query,
    headers,
    body: request.body || undefined,
  }, { signingDate });
  return expected.headers.authorization === authorization;
}
