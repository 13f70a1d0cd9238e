/**
 * The ResponseURLs of the custom resource requests the runner sends to
 * Lambda functions: on AWS a pre-signed S3 URL the function PUTs its answer
 * to (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html);
 * here an http URL on 127.0.0.1, one per request, with the signature-like
 * query AWS's has (so that the handlers' scrubbing of it is exercised).
 * CloudFormation takes the first answer to a request; later ones are
 * acknowledged and dropped. Bodies are limited by the emulator's readBody.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../emulator/server';

/** A request's URL and the body PUT to it. */
export interface ExpectedResponse {
  readonly url: string;
  /** The first body PUT to the URL (UTF-8). */
  readonly received: Promise<string>;
  /** Stops expecting it (the runner gave up waiting). */
  cancel(): void;
  /**
   * Runs `attempt` (an invocation of the function) and takes what it PUT
   * only if `kept(result)`: an environment that died (the runner's
   * crashAfterCreate fault, run in-process) cannot have answered.
   */
  during<T>(attempt: () => Promise<T>, kept: (result: T) => boolean): Promise<T>;
}

export class ResponseUrls {
  public static async start(): Promise<ResponseUrls> {
    const urls = new ResponseUrls();
    await new Promise<void>((resolve) => urls.server.listen(0, '127.0.0.1', resolve));
    return urls;
  }

  private readonly server: Server;
  private readonly pending = new Map<string, (body: string) => void>();
  /** Bodies PUT while their request's attempt runs, by key: taken or dropped when it ends. */
  private readonly held = new Map<string, string[]>();

  private constructor() {
    this.server = createServer((request, response) => {
      if (request.method !== 'PUT') {
        response.writeHead(405).end();
        return;
      }
      let key: string;
      try {
        key = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname.slice(1));
      } catch {
        // Not a URL the runner made (S3 would answer 403 to a URL whose signature does not match).
        response.writeHead(403).end();
        return;
      }
      void readBody(request).then((bytes) => {
        const held = this.held.get(key);
        if (held) {
          held.push(bytes.toString('utf8'));
        } else {
          this.deliver(key, bytes.toString('utf8'));
        }
        // S3 answers a PUT to a pre-signed URL 200, whether or not CloudFormation still waits.
        response.writeHead(200).end();
      }, () => response.destroy());
    });
  }

  /** A new URL for the request `name` (stack id, logical id, request id), and its answer. */
  public expect(name: string): ExpectedResponse {
    const key = `${name}|${randomUUID()}`;
    const signature = createHash('sha256').update(key).digest('hex');
    const port = (this.server.address() as AddressInfo).port;
    const received = new Promise<string>((resolve) => this.pending.set(key, resolve));
    return {
      url: `http://127.0.0.1:${port}/${encodeURIComponent(key)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=${signature}`,
      received,
      cancel: () => this.pending.delete(key),
      during: async (attempt, kept) => {
        const held: string[] = [];
        this.held.set(key, held);
        try {
          const result = await attempt();
          if (kept(result)) held.forEach((body) => this.deliver(key, body));
          return result;
        } finally {
          this.held.delete(key);
        }
      },
    };
  }

  /** The first body answers the request; later ones are dropped, as CloudFormation does. */
  private deliver(key: string, body: string): void {
    this.pending.get(key)?.(body);
    this.pending.delete(key);
  }

  public async close(): Promise<void> {
    this.pending.clear();
    this.held.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
