/**
 * The JSONPath subset the runner's state machines use, and the input and
 * output processing built on it (InputPath, Parameters, ResultSelector,
 * ResultPath, OutputPath), as
 * https://states-language.net/spec.html#filters and
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 * describe them.
 *
 * Paths: `$`, `$.a.b`, `$.a[0]`, `$['a']`, and the context object's `$$...`
 * (only in Parameters and ResultSelector, as in Step Functions). Anything else
 * (wildcards, filters, slices, recursive descent) is refused by the definition
 * check, so it never reaches an execution.
 */
import { runtimeError, StatesError } from './errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One step of a path: a member name or an array index. */
type Segment = string | number;

const SEGMENT = /^(?:\.([A-Za-z_$@][\w$@-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/** The segments of `path`, or undefined when it is outside the supported subset. */
export function parsePath(path: string): { readonly context: boolean; readonly segments: readonly Segment[] } | undefined {
  const context = path.startsWith('$$');
  let rest = path.slice(context ? 2 : 1);
  if (!path.startsWith('$')) return undefined;
  const segments: Segment[] = [];
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (!match) return undefined;
    segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? match[3] ?? match[4]));
    rest = rest.slice(match[0].length);
  }
  return { context, segments };
}

/** Whether `path` is a reference path (no context object) the runner supports: for ResultPath, Variable, SecondsPath. */
export function isSupportedPath(path: string, allowContext = false): boolean {
  const parsed = parsePath(path);
  return parsed !== undefined && (allowContext || !parsed.context);
}

const MISSING = Symbol('missing');

function lookUp(root: JsonValue, segments: readonly Segment[]): JsonValue | typeof MISSING {
  let value: JsonValue = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return MISSING;
    if (typeof segment === 'number') {
      if (!Array.isArray(value) || segment >= value.length) return MISSING;
      value = value[segment];
    } else {
      if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, segment)) return MISSING;
      value = value[segment];
    }
  }
  return value;
}

/** The value at `path` in `input` (or the context object for `$$`), or undefined when the path selects nothing. */
export function selectPath(path: string, input: JsonValue, context?: JsonValue): JsonValue | undefined {
  const parsed = parsePath(path);
  if (!parsed) throw runtimeError(`The runner does not support the JSONPath '${path}'`);
  const value = lookUp(parsed.context ? context ?? null : input, parsed.segments);
  return value === MISSING ? undefined : value;
}

/**
 * The value at `path`, or a States.Runtime error naming the field, as Step
 * Functions fails an execution whose path matches nothing ("The JSONPath ...
 * could not be found in the input").
 */
export function requirePath(path: string, input: JsonValue, field: string, context?: JsonValue): JsonValue {
  const value = selectPath(path, input, context);
  if (value === undefined) {
    throw runtimeError(`The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`);
  }
  return value;
}

/** InputPath / OutputPath: `null` gives `{}` (the spec: "an empty object"), absent gives the whole value. */
export function applyFilterPath(path: string | null | undefined, value: JsonValue, field: 'InputPath' | 'OutputPath'): JsonValue {
  if (path === undefined) return value;
  if (path === null) return {};
  return requirePath(path, value, field);
}

/**
 * A payload template (Parameters, ResultSelector): members whose name ends in
 * `.$` are replaced by the value their path selects (the name without `.$`),
 * recursively in objects and arrays; other values are copied.
 */
export function applyPayloadTemplate(template: JsonValue, input: JsonValue, context: JsonValue, field: string): JsonValue {
  if (Array.isArray(template)) return template.map((item) => applyPayloadTemplate(item, input, context, field));
  if (template === null || typeof template !== 'object') return template;
  const result: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      result[key.slice(0, -2)] = requirePath(value as string, input, `${key}`, context);
    } else {
      result[key] = applyPayloadTemplate(value, input, context, field);
    }
  }
  return result;
}

/**
 * ResultPath: `null` discards the result (the output is the state's raw
 * input), `$` (the default) makes the result the output, another path puts
 * the result into a copy of the input, creating missing objects on the way;
 * a path through a non-object fails with States.ResultPathMatchFailure, as
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html says.
 */
export function applyResultPath(path: string | null | undefined, rawInput: JsonValue, result: JsonValue): JsonValue {
  if (path === null) return rawInput;
  if (path === undefined || path === '$') return result;
  const parsed = parsePath(path);
  if (!parsed || parsed.context) throw runtimeError(`The runner does not support the ResultPath '${path}'`);
  const output = structuredClone(rawInput);
  if (output === null || typeof output !== 'object' || Array.isArray(output)) {
    throw new StatesError('States.ResultPathMatchFailure', `Unable to apply ResultPath '${path}' to input '${JSON.stringify(rawInput)}'`);
  }
  let target: { [key: string]: JsonValue } | JsonValue[] = output;
  parsed.segments.forEach((segment, index) => {
    const last = index === parsed.segments.length - 1;
    const mismatch = (): StatesError => new StatesError(
      'States.ResultPathMatchFailure', `Unable to apply ResultPath '${path}' to input '${JSON.stringify(rawInput)}'`);
    if (typeof segment === 'number') {
      if (!Array.isArray(target) || segment >= target.length) throw mismatch();
    } else if (Array.isArray(target)) {
      throw mismatch();
    }
    const container = target as Record<string | number, JsonValue>;
    if (last) {
      container[segment] = result;
      return;
    }
    if (container[segment] === undefined) container[segment] = {};
    const next = container[segment];
    if (next === null || typeof next !== 'object') throw mismatch();
    target = next;
  });
  return output;
}
