/**
 * A Secrets Manager endpoint for local deploys and tests: it answers
 * GetSecretValue (awsJson1.1, `X-Amz-Target: secretsmanager.GetSecretValue`)
 * for the secrets put into it, and ResourceNotFoundException for any other,
 * as the service does. The local deploy runner starts one for each operation
 * (its secrets kept in a file next to the deployment state) and creates the
 * stack's own `AWS::SecretsManager::Secret` resources in it; or give the
 * `endpoint` of one you run to the runner (`deployStack({ secretsManagerEndpoint })`)
 * to serve secrets the stack only imports.
 *
 * It keeps every request's target, Authorization header and SecretId (never
 * a value), so a test can see what was asked and that it was signed.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { readBody } from '../emulator/server';

/** One GetSecretValue request as it arrived. */
export interface SecretRequest {
  readonly target: string | undefined;
  readonly authorization: string | undefined;
  readonly secretId: unknown;
}

export interface SecretsManagerEmulatorOptions {
  /**
   * A JSON file the secrets are kept in: read at start, written at every
   * change, so they outlive the process (the values are stored as given, in
   * plain text: this is a local stand-in, not a vault).
   * @default - kept in memory only
   */
  readonly stateFile?: string;
}

/** A secret the emulator holds, without its value. */
export interface SecretSummary {
  readonly arn: string;
  readonly name: string;
}

/** What the state file holds per secret (a Buffer value as base64). */
interface StoredSecret {
  readonly name: string;
  readonly secretString?: string;
  readonly secretBinary?: string;
}

/**
 * A local Secrets Manager endpoint that answers GetSecretValue (awsJson1.1)
 * for the secrets it holds (a SecretString, or a SecretBinary only), and
 * ResourceNotFoundException for the others. The handlers are pointed at it
 * with AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export class SecretsManagerEmulator {
  public static async start(options: SecretsManagerEmulatorOptions = {}): Promise<SecretsManagerEmulator> {
    const fake = new SecretsManagerEmulator(options.stateFile);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly requests: SecretRequest[] = [];
  /** By ARN. */
  private readonly secrets = new Map<string, StoredSecret>();
  private throttled = 0;
  private readonly replies: Array<{ statusCode: number; body: string }> = [];
  private readonly server: Server;

  private constructor(private readonly stateFile?: string) {
    if (stateFile && existsSync(stateFile)) {
      const stored = JSON.parse(readFileSync(stateFile, 'utf8')) as { secrets?: Record<string, StoredSecret> };
      Object.entries(stored.secrets ?? {}).forEach(([arn, secret]) => this.secrets.set(arn, secret));
    }
    this.server = createServer((request, response) => {
      void readBody(request).then((bytes) => bytes.toString('utf8')).then((body) => {
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
        const found = typeof secretId === 'string' ? this.find(secretId) : undefined;
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
        } else if (found === undefined) {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'ResourceNotFoundException', Message: 'Secrets Manager can\'t find the specified secret.' }));
        } else if (found.secret.secretString === undefined && found.secret.secretBinary === undefined) {
          // A secret created without a value has no AWSCURRENT version yet.
          response.statusCode = 400;
          response.end(JSON.stringify({
            __type: 'ResourceNotFoundException',
            Message: 'Secrets Manager can\'t find the specified secret value for staging label: AWSCURRENT',
          }));
        } else {
          const { secretString, secretBinary } = found.secret;
          const secret = secretString !== undefined ? { SecretString: secretString } : { SecretBinary: secretBinary };
          response.end(JSON.stringify({ ARN: found.arn, Name: found.secret.name, ...secret, VersionId: randomUUID() }));
        }
      });
    });
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * Holds `value` under `arn` (and answers for it from now on): a
   * SecretString, or a Buffer as a SecretBinary; `undefined` for a secret
   * without a value yet. `name` defaults to the ARN's secret name (without
   * the six-character suffix Secrets Manager appends).
   */
  public put(arn: string, value: string | Buffer | undefined, name: string = nameOfArn(arn)): void {
    this.secrets.set(arn, {
      name,
      ...(typeof value === 'string' ? { secretString: value } : {}),
      ...(Buffer.isBuffer(value) ? { secretBinary: value.toString('base64') } : {}),
    });
    this.save();
  }

  /** Forgets the secret (true when it was held). */
  public remove(arn: string): boolean {
    const removed = this.secrets.delete(arn);
    if (removed) this.save();
    return removed;
  }

  /** The secrets held, without their values. */
  public list(): SecretSummary[] {
    return [...this.secrets].map(([arn, secret]) => ({ arn, name: secret.name }));
  }

  /**
   * A secret by its ARN, or by its name when one secret has it (the service
   * accepts "the ARN or name of the secret",
   * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html;
   * the name of a secret held for several accounts is ambiguous here, as the
   * emulator does not tell callers' accounts apart: a choice).
   */
  private find(secretId: string): { readonly arn: string; readonly secret: StoredSecret } | undefined {
    const byArn = this.secrets.get(secretId);
    if (byArn) return { arn: secretId, secret: byArn };
    const byName = [...this.secrets].filter(([, secret]) => secret.name === secretId);
    return byName.length === 1 ? { arn: byName[0][0], secret: byName[0][1] } : undefined;
  }

  private save(): void {
    if (!this.stateFile) return;
    mkdirSync(dirname(this.stateFile), { recursive: true });
    // Written whole and renamed: a crash leaves the previous file or the new one.
    const temporary = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ secrets: Object.fromEntries(this.secrets) }, undefined, 2)}\n`);
    renameSync(temporary, this.stateFile);
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
    this.save();
    this.requests.length = 0;
    this.throttled = 0;
    this.replies.length = 0;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `name` of `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`. */
function nameOfArn(arn: string): string {
  const match = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(arn);
  return match ? match[1] : arn;
}
