/**
 * Parsing of custom resource properties. CloudFormation hands every leaf
 * value back as a string (`3600` arrives as `"3600"`, `true` as `"true"`), so
 * each resource type declares one parser per property of its contract and
 * gets back the types the construct wrote. A schema must name every property
 * of the contract: adding one to a `types.ts` without a parser does not compile.
 */

/** A property that cannot be read: the message names it and says what it must be. */
export class PropertyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertyError';
  }
}

/** Reads one property; `name` is only for messages. */
export type PropertyParser<T> = (value: unknown, name: string) => T;

/** One parser per property of `P`, optional properties included. */
export type PropertySchema<P> = { readonly [K in keyof P]-?: PropertyParser<P[K]> };

/**
 * Parses the properties of a request with a schema. Properties the schema
 * does not know (ServiceToken, another version's additions) are ignored, so
 * properties written by an earlier or later version of the library still parse.
 */
export function parseProperties<P>(raw: Readonly<Record<string, unknown>> | undefined, schema: PropertySchema<P>): P {
  const parsed: Record<string, unknown> = {};
  for (const [name, parse] of Object.entries(schema) as Array<[string, PropertyParser<unknown>]>) {
    const value = parse(raw?.[name], name);
    if (value !== undefined) {
      parsed[name] = value;
    }
  }
  return parsed as P;
}

/** Makes a parser accept an absent (or empty) property as `undefined`. */
export function optional<T>(parser: PropertyParser<T>): PropertyParser<T | undefined> {
  return (value, name) => (value === undefined || value === null || value === '' ? undefined : parser(value, name));
}

/** A non-empty string. */
export const string: PropertyParser<string> = (value, name) => {
  if (typeof value !== 'string' || value === '') {
    throw invalid(name, 'be a non-empty string', value);
  }
  return value;
};

/** A whole number, sent as a number or (by CloudFormation) as its decimal string. */
export const integer: PropertyParser<number> = (value, name) => {
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw invalid(name, 'be a whole number', value);
  }
  return number;
};

/** `true` / `false`, or their strings. */
export const boolean: PropertyParser<boolean> = (value, name) => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalid(name, 'be true or false', value);
};

/** An ISO-8601 date-time (`2024-01-31T00:00:00.000Z`), returned as written. */
export const timestamp: PropertyParser<string> = (value, name) => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(name, 'be an ISO-8601 date-time', value);
  }
  return value;
};

/** A map of strings to strings, e.g. tags. */
export const stringMap: PropertyParser<Record<string, string>> = (value, name) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(name, 'be a map of strings', value);
  }
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw invalid(`${name}.${key}`, 'be a string', entry);
    }
    map[key] = entry;
  }
  return map;
};

/** A list of non-empty strings. */
export const stringList: PropertyParser<string[]> = (value, name) => {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw invalid(name, 'be a list of non-empty strings', value);
  }
  return value as string[];
};

/** An object whose properties follow a schema (a nested property). */
export function object<P>(schema: PropertySchema<P>): PropertyParser<P> {
  return (value, name) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(name, 'be an object', value);
    }
    try {
      return parseProperties(value as Record<string, unknown>, schema);
    } catch (err) {
      throw err instanceof PropertyError ? new PropertyError(err.message.replace(/^property /, `property ${name}.`)) : err;
    }
  };
}

/** One of a fixed list of strings. */
export function oneOf<T extends string>(values: readonly T[]): PropertyParser<T> {
  return (value, name) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw invalid(name, `be one of ${values.join(', ')}`, value);
    }
    return value as T;
  };
}

/** JSON with object keys sorted, so that two maps with the same entries compare equal (`undefined` for undefined). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) =>
    (entry !== null && typeof entry === 'object' && !Array.isArray(entry)
      ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : entry)) ?? 'undefined';
}

function invalid(name: string, rule: string, value: unknown): PropertyError {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value) : typeof value;
  return new PropertyError(`property ${name} must ${rule}, got ${shown}`);
}
