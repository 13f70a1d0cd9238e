/**
 * A small resolver of CloudFormation intrinsic functions and pseudo
 * parameters, for the values the runner hands to resources.
 *
 * `cfn-resolver-lib` would be the maintained choice; it is not installed in
 * this project yet, so this covers what CDK-synthesized templates use: Ref,
 * Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If and the
 * condition functions, Fn::FindInMap, Fn::Base64, Fn::GetAZs,
 * Fn::ImportValue (exports of the runner's other stacks), Fn::Length and
 * Fn::ToJsonString. Fn::Cidr and transforms are refused with a clear error.
 */

/** The value of `Ref: AWS::NoValue`: the property (or list item) disappears. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** A value the template asks for that cannot be produced (the resource or output using it fails). */
export class IntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

export interface ResolveContext {
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly region: string;
  /** `Ref` of a parameter, pseudo parameter or resource. */
  ref(name: string): unknown;
  /** `Fn::GetAtt` of a resource. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** Whether a named condition holds. */
  condition(name: string): boolean;
  /** `Fn::ImportValue`. */
  importValue(name: string): unknown;
}

/** Resolves every intrinsic in `value`; keys and list items resolving to AWS::NoValue are dropped. */
export function resolveValue(value: unknown, context: ResolveContext): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveValue(item, context)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [[key, argument]] = entries;
    if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') {
      if (key === 'Condition' && typeof argument !== 'string') {
        // A property that happens to be called Condition (e.g. an IAM statement's).
        return { Condition: resolveValue(argument, context) };
      }
      return resolveFunction(key, argument, context);
    }
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveValue(item, context);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
}

/** Evaluates a condition expression (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition). */
export function evaluateCondition(expression: unknown, context: ResolveContext): boolean {
  const value = resolveValue(expression, context);
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new IntrinsicError(`Template error: a condition must evaluate to a boolean, got ${JSON.stringify(value)}`);
}

function resolveFunction(name: string, argument: unknown, context: ResolveContext): unknown {
  switch (name) {
    case 'Ref':
      return context.ref(expectString(name, argument));
    case 'Fn::GetAtt':
      return resolveGetAtt(argument, context);
    case 'Fn::Sub':
      return resolveSub(argument, context);
    case 'Fn::Join': {
      const [delimiter, items] = expectArray(name, argument, 2);
      const list = resolveValue(items, context);
      if (!Array.isArray(list)) throw new IntrinsicError(`Template error: Fn::Join needs a list of values, got ${JSON.stringify(list)}`);
      return list.map((item) => scalarString(name, item)).join(expectString(name, resolveValue(delimiter, context)));
    }
    case 'Fn::Select': {
      const [index, items] = expectArray(name, argument, 2);
      const list = resolveValue(items, context);
      const position = Number(resolveValue(index, context));
      if (!Array.isArray(list) || !Number.isInteger(position) || position < 0 || position >= list.length) {
        throw new IntrinsicError(`Template error: Fn::Select cannot select index ${position} of ${JSON.stringify(list)}`);
      }
      return list[position];
    }
    case 'Fn::Split': {
      const [delimiter, text] = expectArray(name, argument, 2);
      return expectString(name, resolveValue(text, context)).split(expectString(name, resolveValue(delimiter, context)));
    }
    case 'Fn::If': {
      const [conditionName, whenTrue, whenFalse] = expectArray(name, argument, 3);
      return resolveValue(context.condition(expectString(name, conditionName)) ? whenTrue : whenFalse, context);
    }
    case 'Condition':
      return context.condition(expectString(name, argument));
    case 'Fn::Equals': {
      const [left, right] = expectArray(name, argument, 2);
      return jsonText(resolveValue(left, context)) === jsonText(resolveValue(right, context));
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const operands = resolveValue(argument, context);
      if (!Array.isArray(operands) || operands.length < 2 || operands.length > 10) {
        throw new IntrinsicError(`Template error: ${name} takes 2 to 10 conditions`);
      }
      const values = operands.map((operand) => asBoolean(name, operand));
      return name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::Not': {
      const [operand] = expectArray(name, argument, 1);
      return !asBoolean(name, resolveValue(operand, context));
    }
    case 'Fn::FindInMap': {
      const [mapName, topKey, secondKey, options] = expectArray(name, argument, 3, 4);
      const keys = [mapName, topKey, secondKey].map((key) => expectString(name, resolveValue(key, context)));
      const map = context.mappings[keys[0]] as Record<string, Record<string, unknown>> | undefined;
      const found = map?.[keys[1]]?.[keys[2]];
      if (found !== undefined) return found;
      const fallback = (options as { DefaultValue?: unknown } | undefined)?.DefaultValue;
      if (fallback !== undefined) return resolveValue(fallback, context);
      throw new IntrinsicError(`Template error: Unable to get mapping for ${keys.join('::')}`);
    }
    case 'Fn::Base64':
      return Buffer.from(expectString(name, resolveValue(argument, context)), 'utf8').toString('base64');
    case 'Fn::GetAZs': {
      const region = resolveValue(argument, context);
      const target = typeof region === 'string' && region !== '' ? region : context.region;
      return ['a', 'b', 'c'].map((zone) => `${target}${zone}`);
    }
    case 'Fn::ImportValue':
      return context.importValue(expectString(name, resolveValue(argument, context)));
    case 'Fn::Length': {
      const list = resolveValue(argument, context);
      if (!Array.isArray(list)) throw new IntrinsicError('Template error: Fn::Length needs a list');
      return list.length;
    }
    case 'Fn::ToJsonString':
      return JSON.stringify(resolveValue(argument, context));
    default:
      throw new IntrinsicError(`Template error: ${name} is not supported by the local runner`);
  }
}

function resolveGetAtt(argument: unknown, context: ResolveContext): unknown {
  let logicalId: unknown;
  let attribute: unknown;
  if (typeof argument === 'string') {
    const dot = argument.indexOf('.');
    [logicalId, attribute] = dot < 0 ? [argument, ''] : [argument.slice(0, dot), argument.slice(dot + 1)];
  } else {
    const [target, name] = expectArray('Fn::GetAtt', argument, 2);
    logicalId = target;
    attribute = resolveValue(name, context);
  }
  if (typeof logicalId !== 'string' || typeof attribute !== 'string' || attribute === '') {
    throw new IntrinsicError(`Template error: every Fn::GetAtt object requires two non-empty parameters, got ${JSON.stringify(argument)}`);
  }
  return context.getAtt(logicalId, attribute);
}

function resolveSub(argument: unknown, context: ResolveContext): string {
  const [text, variableMap] = Array.isArray(argument) ? expectArray('Fn::Sub', argument, 1, 2) : [argument, undefined];
  const template = expectString('Fn::Sub', text);
  const variables = (variableMap === undefined ? {} : resolveValue(variableMap, context)) as Record<string, unknown>;
  return template.replace(/\$\{([^}]*)\}/g, (whole: string, inner: string) => {
    const name = inner.trim();
    if (name.startsWith('!')) {
      return `\${${name.slice(1)}}`;
    }
    if (Object.prototype.hasOwnProperty.call(variables, name)) {
      return scalarString('Fn::Sub', variables[name]);
    }
    const dot = name.indexOf('.');
    const value = dot > 0 && !PSEUDO_PARAMETERS.has(name)
      ? context.getAtt(name.slice(0, dot), name.slice(dot + 1))
      : context.ref(name);
    if (value === undefined) {
      throw new IntrinsicError(`Template error: ${whole} in Fn::Sub has no value`);
    }
    return scalarString('Fn::Sub', value);
  });
}

function expectString(functionName: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new IntrinsicError(`Template error: ${functionName} expects a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function expectArray(functionName: string, value: unknown, min: number, max = min): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    const count = min === max ? `${min}` : `${min} to ${max}`;
    throw new IntrinsicError(`Template error: ${functionName} takes a list of ${count} arguments, got ${JSON.stringify(value)}`);
  }
  return value;
}

function scalarString(functionName: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new IntrinsicError(`Template error: ${functionName} can only use strings, got ${JSON.stringify(value)}`);
}

function asBoolean(functionName: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new IntrinsicError(`Template error: ${functionName} expects conditions, got ${JSON.stringify(value)}`);
}

function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
