/**
 * SigV4 checks, answered with the errors AWS endpoints use:
 *
 * - no Authorization header: 403 MissingAuthenticationTokenException;
 * - a header that is not a complete AWS4-HMAC-SHA256 one (no Credential,
 *   SignedHeaders, Signature, no signed X-Amz-Date or Host): 400
 *   IncompleteSignatureException;
 * - an access key none of the emulator's accounts has: 403 UnrecognizedClientException;
 * - a credential scoped to another service or region, a date more than 15
 *   minutes away, or a signature that differs from the one recomputed from
 *   the received method, path, query, signed headers and body: 403
 *   InvalidSignatureException.
 *
 * A passing check answers the account whose access key signed the request:
 * that account makes the call. The same check serves every endpoint of the
 * emulator; each names the service its credentials must be scoped to (the
 * signing name: `cleanrooms-ml`, or `cleanrooms` for AWS Clean Rooms).
 *
 * A session token (X-Amz-Security-Token), when signed, is taken as is: the
 * emulator has no token service behind it. With verification off only the
 * presence and form of the header are checked, for clients that sign with
 * whatever credentials they have; a known access key still calls as its
 * account, any other as the default account. Presigned URLs (signature in
 * the query string) are not supported.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { EmulatorAccount, EmulatorAccounts } from './accounts';
import { ServiceError } from './errors';

export type { EmulatorCredentials } from './accounts';

/** The signing name of AWS Clean Rooms ML. */
export const SIGNING_NAME = 'cleanrooms-ml';

export interface ReceivedRequest {
  readonly method: string;
  /** The path exactly as received, still URL-encoded. */
  readonly rawPath: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface SignatureCheck {
  readonly region: string;
  /** The service credentials must be scoped to, e.g. `cleanrooms-ml` ({@link SIGNING_NAME}) or `cleanrooms`. */
  readonly signingName: string;
  /** Whose access keys are accepted; the default account answers unsigned-key calls when verification is off. */
  readonly accounts: EmulatorAccounts;
  /** False: only require a well-formed SigV4 Authorization header. */
  readonly verify: boolean;
  /** Real time (not the emulator's injectable clock): clients sign with their wall clock. */
  readonly wallClock: () => number;
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256\s+(.+)$/;

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: string[];
  readonly signature: string;
}

/** Checks the request's SigV4 signature and answers the account that signed it. */
export async function checkSignature(request: ReceivedRequest, check: SignatureCheck): Promise<EmulatorAccount> {
  const header = singleHeader(request.headers.authorization);
  if (!header) {
    throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const authorization = parseAuthorization(header);
  const amzDate = singleHeader(request.headers['x-amz-date']);
  if (!amzDate || !authorization.signedHeaders.includes('x-amz-date')) {
    throw new ServiceError('IncompleteSignatureException', "Authorization header requires a signed 'X-Amz-Date' header.");
  }
  if (!authorization.signedHeaders.includes('host')) {
    throw new ServiceError('IncompleteSignatureException', "Authorization header requires 'Host' to be a signed header.");
  }
  const account = check.accounts.byAccessKeyId(authorization.accessKeyId);
  if (!check.verify) {
    return account ?? check.accounts.default;
  }

  if (!account) {
    throw new ServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (authorization.service !== check.signingName) {
    throw new ServiceError('InvalidSignatureException', `Credential should be scoped to correct service: '${check.signingName}'.`);
  }
  if (authorization.region !== check.region) {
    throw new ServiceError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${authorization.region}'.`);
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || !amzDate.startsWith(authorization.date)) {
    throw new ServiceError('InvalidSignatureException', `Date in Credential scope does not match X-Amz-Date ${amzDate}.`);
  }
  if (Math.abs(check.wallClock() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new ServiceError('InvalidSignatureException', `Signature expired: ${amzDate} is more than 15 minutes away from the server time.`);
  }

  const expected = await expectedSignature(request, authorization, signingDate, check, account);
  if (!sameText(expected, authorization.signature)) {
    throw new ServiceError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return account;
}

function parseAuthorization(header: string): ParsedAuthorization {
  const match = AUTHORIZATION.exec(header.trim());
  const parts = new Map<string, string>();
  for (const part of match ? match[1].split(',') : []) {
    const separator = part.indexOf('=');
    if (separator > 0) {
      parts.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
    }
  }
  const credential = parts.get('Credential')?.split('/');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (!match || !credential || credential.length !== 5 || credential[4] !== 'aws4_request' || !signedHeaders || !signature) {
    throw new ServiceError(
      'IncompleteSignatureException',
      'Authorization header requires \'Credential\' (KEY/DATE/REGION/SERVICE/aws4_request), \'SignedHeaders\' and \'Signature\' parameters '
      + 'of an AWS4-HMAC-SHA256 signature.',
    );
  }
  const [accessKeyId, date, region, service] = credential;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** Recomputes the signature over exactly the headers the client says it signed. */
async function expectedSignature(
  request: ReceivedRequest,
  authorization: ParsedAuthorization,
  signingDate: Date,
  check: SignatureCheck,
  account: EmulatorAccount,
): Promise<string> {
  const signedHeaders: Record<string, string> = {};
  for (const name of authorization.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) {
      signedHeaders[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  const sessionToken = signedHeaders['x-amz-security-token'];
  const signer = new SignatureV4({
    service: check.signingName,
    region: check.region,
    credentials: { ...account.credentials, sessionToken },
    sha256: Sha256,
    // Clients of this service do not send x-amz-content-sha256; adding it would change the canonical request.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: signedHeaders.host ?? '',
      path: request.rawPath,
      query: { ...request.query },
      headers: signedHeaders,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(authorization.signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization));
  return computed ? computed[1] : '';
}

/** `YYYYMMDDTHHMMSSZ` → Date. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = match;
  return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time comparison, so response timing does not leak how much of a signature matched. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
