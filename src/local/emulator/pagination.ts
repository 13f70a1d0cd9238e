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
  /** Sort key of the last item on the previous page. */
  readonly after: string;
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
 * One page of `items`, which must already be sorted by `sortKey` (the store
 * lists oldest first; keys must be unique and ordered like the items).
 */
export function paginate<T>(
  operation: string,
  items: readonly T[],
  sortKey: (item: T) => string,
  request: PageRequest,
  filters: Readonly<Record<string, string | undefined>> = {},
): Page<T> {
  const filterKey = JSON.stringify(filters);
  let remaining = items;
  if (request.nextToken !== undefined) {
    const after = decodeToken(request.nextToken, operation, filterKey);
    remaining = items.filter((item) => sortKey(item) > after);
  }
  const size = request.maxResults ?? DEFAULT_PAGE_SIZE;
  const page = remaining.slice(0, size);
  const nextToken = remaining.length > size ? encodeToken({ operation, filters: filterKey, after: sortKey(page[page.length - 1]) }) : undefined;
  return { items: page, nextToken };
}

/** A sort key that orders by creation time, then by a unique id. */
export function creationSortKey(createdAt: number, id: string): string {
  return `${String(createdAt).padStart(16, '0')}|${id}`;
}

function encodeToken(contents: TokenContents): string {
  return Buffer.from(JSON.stringify(contents)).toString('base64url');
}

function decodeToken(token: string, operation: string, filterKey: string): string {
  let contents: Partial<TokenContents>;
  try {
    contents = JSON.parse(Buffer.from(token, 'base64url').toString('utf-8')) as Partial<TokenContents>;
  } catch {
    throw validationError('nextToken is invalid: it is not a token this service issued');
  }
  if (typeof contents !== 'object' || contents === null || typeof contents.after !== 'string' || contents.operation === undefined) {
    throw validationError('nextToken is invalid: it is not a token this service issued');
  }
  if (contents.operation !== operation) {
    throw validationError(`nextToken is invalid: it was issued by ${contents.operation}, not ${operation}`);
  }
  if (contents.filters !== filterKey) {
    throw validationError('nextToken is invalid: it was issued for other filter values; repeat the filters of the first call');
  }
  return contents.after;
}
