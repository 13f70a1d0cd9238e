/**
 * List pagination. A `nextToken` is opaque to callers; inside it names the
 * operation, the filters it was issued for and the last item returned, so a
 * page never repeats or skips an item when resources are created or deleted
 * between calls, and a token replayed against another operation or other
 * filters is refused (ValidationException) instead of returning a wrong page.
 */
import { validationError } from './errors';

/** What the service returns when maxResults is not given (its documented maximum). */
const DEFAULT_PAGE_SIZE = 100;

interface TokenContents {
  readonly operation: string;
  readonly filters: string;
  /** Creation sequence of the last item on the previous page. */
  readonly after: number;
}

export interface PageRequest {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * One page of `items`, which must be in creation order (as the store lists
 * them): the token names the last item's sequence number, unique and never
 * reused, so the next page starts right after it whatever was created or
 * deleted in between.
 */
export function paginate<T extends { readonly sequence: number }>(
  operation: string,
  items: readonly T[],
  request: PageRequest,
  filters: Readonly<Record<string, string | undefined>> = {},
): Page<T> {
  const filterKey = JSON.stringify(filters);
  let remaining = items;
  if (request.nextToken !== undefined) {
    const after = decodeToken(request.nextToken, operation, filterKey);
    remaining = items.filter((item) => item.sequence > after);
  }
  const size = request.maxResults ?? DEFAULT_PAGE_SIZE;
  const page = remaining.slice(0, size);
  const nextToken = remaining.length > size ? encodeToken({ operation, filters: filterKey, after: page[page.length - 1].sequence }) : undefined;
  return { items: page, nextToken };
}

function encodeToken(contents: TokenContents): string {
  return Buffer.from(JSON.stringify(contents)).toString('base64url');
}

function decodeToken(token: string, operation: string, filterKey: string): number {
  let contents: Partial<TokenContents>;
  try {
    contents = JSON.parse(Buffer.from(token, 'base64url').toString('utf-8')) as Partial<TokenContents>;
  } catch {
    throw validationError('nextToken is invalid: it is not a token this service issued');
  }
  if (typeof contents !== 'object' || contents === null || !Number.isSafeInteger(contents.after) || contents.operation === undefined) {
    throw validationError('nextToken is invalid: it is not a token this service issued');
  }
  if (contents.operation !== operation) {
    throw validationError(`nextToken is invalid: it was issued by ${contents.operation}, not ${operation}`);
  }
  if (contents.filters !== filterKey) {
    throw validationError('nextToken is invalid: it was issued for other filter values; repeat the filters of the first call');
  }
  return contents.after as number;
}
