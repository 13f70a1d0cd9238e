/**
 * A Secrets Manager endpoint for local deploys and tests: it answers
 * GetSecretValue (awsJson1.1, `X-Amz-Target: secretsmanager.GetSecretValue`)
 * for the secrets put into it, and ResourceNotFoundException for any other,
 * as the service does. Give its `endpoint` to the runner
 * (`deployStack({ secretsManagerEndpoint })`): the handlers of a SQL seed
 * read the seed's parameters from it.
 *
 * It keeps every request's target, Authorization header and SecretId (never
 * a value), so a test can see what was asked and that it was signed.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One GetSecretValue request as it arrived. */
export interface SecretRequest {
  readonly target: string | undefined;
  readonly authorization: string | undefined;
  readonly secretId: unknown;
}

/**
 * A local Secrets Manager endpoint that answers GetSecretValue (awsJson1.1)
 * for the secrets it holds (a SecretString, or a SecretBinary only), and
 * ResourceNotFoundException for the others. The handlers are pointed at it
 * with AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export class SecretsManagerEmulator {
  public static async start(): Promise<SecretsManagerEmulator> {
    const fake = new SecretsManagerEmulator();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly requests: SecretRequest[] = [];
  private readonly secrets = new Map<string, string | Buffer>();
  private throttled = 0;
  private readonly replies: Array<{ statusCode: number; body: string }> = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        let secretId: unknown;
        try {
          secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
        } catch {
          secretId = undefined;
        }
        this.requests.push({
          target: request.headers['x-amz-target'] as string | undefined,
          authorization: request.headers.authorization,
          secretId,
        });
        const value = typeof secretId === 'string' ? this.secrets.get(secretId) : undefined;
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        const reply = this.replies.shift();
        if (reply) {
          response.statusCode = reply.statusCode;
          response.end(reply.body);
        } else if (this.throttled > 0) {
          this.throttled--;
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'ThrottlingException', Message: 'Rate exceeded' }));
        } else if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'InvalidRequestException', Message: 'Only GetSecretValue is emulated' }));
        } else if (value === undefined) {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'ResourceNotFoundException', Message: 'Secrets Manager can\'t find the specified secret.' }));
        } else {
          const secret = typeof value === 'string' ? { SecretString: value } : { SecretBinary: value.toString('base64') };
          response.end(JSON.stringify({ ARN: secretId, Name: 'seed', ...secret, VersionId: randomUUID() }));
        }
      });
    });
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Holds `value` under `arn` (and answers for it from now on): a SecretString, or a Buffer as a SecretBinary. */
  public put(arn: string, value: string | Buffer): void {
    this.secrets.set(arn, value);
  }

  /** Answers the next request with this reply, whatever it asks. */
  public replyNext(statusCode: number, body: string): void {
    this.replies.push({ statusCode, body });
  }

  /** Answers the next `count` requests with a ThrottlingException. */
  public throttleNext(count: number): void {
    this.throttled = count;
  }

  public reset(): void {
    this.secrets.clear();
    this.requests.length = 0;
    this.throttled = 0;
    this.replies.length = 0;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
