/**
 * Answering CloudFormation: the response object PUT to the request's
 * ResponseURL, a pre-signed S3 URL
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 * The URL is a secret: it is never logged, and an error never contains it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AttributeData } from 'cdk-cleanrooms-ml/lib/contracts/framework';
import type { CustomResourceEvent } from './events';

/** The response fields CloudFormation reads. */
export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  /** "Required if Status is FAILED." */
  readonly Reason?: string;
  /** "A non-empty string … identical for all responses for the same resource", up to 1 KB. */
  readonly PhysicalResourceId: string;
  /** Copied from the request, as the next three. */
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: AttributeData;
}

/** Sends one response to a request's ResponseURL. */
export type ResponseSender = (responseUrl: string, response: CloudFormationResponse) => Promise<void>;

/** "The total size of the response body can't exceed 4096 bytes." */
export const MAX_RESPONSE_BYTES = 4096;

/**
 * The response URL refused the answer (a 4xx: expired, altered, or the
 * request already answered): final, as no retry can change it.
 */
export class ResponseRefused extends Error {
  constructor(public readonly statusCode: number) {
    super(`the response URL answered HTTP ${statusCode}`);
    this.name = 'ResponseRefused';
  }
}

/** Attempts of a PUT that fails on the network or with a 5xx (S3's transient errors). */
const PUT_ATTEMPTS = 4;

/** The response to `request` with its ids copied, as CloudFormation wants them. */
export function responseTo(
  request: Pick<CustomResourceEvent, 'StackId' | 'RequestId' | 'LogicalResourceId'>,
  answer: Pick<CloudFormationResponse, 'Status' | 'Reason' | 'PhysicalResourceId' | 'Data'>,
): CloudFormationResponse {
  return {
    Status: answer.Status,
    ...(answer.Reason !== undefined ? { Reason: answer.Reason } : {}),
    PhysicalResourceId: answer.PhysicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    ...(answer.Data !== undefined && Object.keys(answer.Data).length > 0 ? { Data: answer.Data } : {}),
  };
}

/**
 * PUTs the response with an empty Content-Type (a pre-signed S3 PUT is signed
 * without one) and its length. Retries network errors and 5xx answers with a
 * short backoff; anything else (a 4xx: the URL expired or was altered) is an
 * error whose message names the status, never the URL.
 */
export const sendResponse: ResponseSender = async (responseUrl, response) => {
  const body = JSON.stringify(response);
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
    const status = await put(responseUrl, body).catch((err: NodeJS.ErrnoException) => {
      lastError = new Error(`the response could not be sent (${err.code ?? 'network error'})`);
      return undefined;
    });
    if (status !== undefined) {
      if (status >= 200 && status < 300) return;
      if (status < 500) throw new ResponseRefused(status);
      lastError = new Error(`the response URL answered HTTP ${status}`);
    }
    if (attempt < PUT_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
  }
  throw lastError ?? new Error('the response could not be sent');
};

function put(responseUrl: string, body: string): Promise<number> {
  const url = new URL(responseUrl);
  // https on AWS; the local deploy runner serves its ResponseURL over http.
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body, 'utf8') },
      timeout: 30_000,
    }, (answer) => {
      answer.resume();
      answer.on('end', () => resolve(answer.statusCode ?? 0));
      answer.on('error', reject);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(body);
  });
}
