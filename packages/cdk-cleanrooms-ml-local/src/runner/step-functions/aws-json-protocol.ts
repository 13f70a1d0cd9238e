/**
 * The AWS JSON 1.0 protocol's server side, as the AWS SDKs speak it
 * (https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html): every call
 * is `POST /` with `X-Amz-Target: <prefix>.<Operation>` and a JSON body
 * (`Content-Type: application/x-amz-json-1.0`); a reply is the output as
 * JSON, an error HTTP 400 with `{"__type": "<Code>", "message": "..."}`
 * (timestamps are epoch seconds, which the operations write themselves).
 *
 * Signatures are not checked: the endpoint serves only the functions the
 * runner itself runs on 127.0.0.1, which it trusts (as the runner's Secrets
 * Manager endpoint does).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from '../../emulator/errors';
import { readBody } from '../../emulator/server';

/** An operation: its JSON input in, its JSON output out, or a ServiceError. */
export type JsonOperation = (input: Record<string, unknown>) => object;

export interface AwsJsonService {
  /** The X-Amz-Target prefix: `AWSStepFunctions`. */
  readonly targetPrefix: string;
  /** For messages: `The local runner's Step Functions endpoint`. */
  readonly title: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** An error of an AWS JSON service: HTTP 400 unless given, with the service's error code. */
export function clientError(code: string, message: string): ServiceError {
  return new ServiceError(code, message, {}, 400);
}

/** The request listener serving `service`. */
export function awsJsonListener(service: AwsJsonService): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(service, request)
      .then((body) => send(response, 200, body))
      .catch((error: unknown) => {
        const serviceError = error instanceof ServiceError
          ? error
          : new ServiceError('InternalError', `${service.title} failed: ${(error as Error)?.message ?? String(error)}`, {}, 500);
        send(response, serviceError.statusCode, serviceError.toBody(), serviceError.errorName);
      });
  };
}

async function handle(service: AwsJsonService, request: IncomingMessage): Promise<object> {
  const body = await readBody(request);
  const target = String(request.headers['x-amz-target'] ?? '');
  const [prefix, operationName] = target.split('.', 2);
  if (request.method !== 'POST' || prefix !== service.targetPrefix || !operationName) {
    throw clientError('UnknownOperationException', `${service.title} answers POST / with X-Amz-Target ${service.targetPrefix}.<Operation>, `
      + `not ${request.method} ${request.url} with X-Amz-Target ${JSON.stringify(target)}`);
  }
  const operation = Object.prototype.hasOwnProperty.call(service.operations, operationName) ? service.operations[operationName] : undefined;
  if (!operation) {
    throw clientError('UnknownOperationException', `${service.title} does not support ${operationName}; `
      + `it serves ${Object.keys(service.operations).join(', ')}`);
  }
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw clientError('SerializationException', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw clientError('SerializationException', 'The request body must be a JSON object');
  }
  return operation(input as Record<string, unknown>);
}

function send(response: ServerResponse, statusCode: number, body: object, errorType?: string): void {
  const payload = JSON.stringify(body);
  response.statusCode = statusCode;
  response.setHeader('content-type', CONTENT_TYPE);
  response.setHeader('content-length', Buffer.byteLength(payload));
  response.setHeader('x-amzn-requestid', randomUUID());
  if (errorType) response.setHeader('x-amzn-errortype', errorType);
  response.end(payload);
}

/** A Date as the protocol's timestamp: epoch seconds. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
