/**
 * Resolves intrinsic functions and pseudo parameters with `cfn-resolver-lib`
 * (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::Equals,
 * Fn::And, Fn::Or, Fn::Not, Condition, Fn::FindInMap, Fn::GetAZs,
 * Fn::ImportValue, Fn::Sub), one template fragment at a time, so a stack of
 * hundreds of resources is not re-evaluated for each of them.
 *
 * Fn::GetStackOutput (the weak cross-stack reference aws-cdk-lib writes from
 * 2.254.0 on when `@aws-cdk/core:defaultCrossStackReferences` is `weak`, the
 * value `cdk init` puts in cdk.json since 2.259.0) reads an output of another
 * stack the runner deployed:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html
 * The library does not know it, so each one is handed to it as an
 * Fn::ImportValue of a stand-in name whose value is looked up here (its
 * arguments resolved first), and so works inside Fn::Join, Fn::Sub and the rest.
 *
 * What this adapter adds, because cfn-resolver-lib 1.1.8 does not do it:
 * - values are looked up lazily (a Ref or Fn::GetAtt that has no value fails
 *   the resource using it, as in CloudFormation, but only when the branch
 *   using it is taken: the library evaluates both branches of Fn::If);
 * - Fn::Sub gets its `${Name}`, `${Resource.Attribute}` and `${!Literal}`
 *   names as explicit variables (the library only substitutes its Ref map);
 * - `AWS::NoValue` removes the property or list item;
 * - a plain object with a single key keeps its key (the library collapses
 *   one whose value is a list into the list), and an IAM `Condition` with
 *   several operators is resolved (the library leaves it as written);
 * - Fn::Base64; anything left unresolved (e.g. Fn::Cidr) fails clearly.
 */
import type { Json, Template } from './template';

/** A value the template asks for that cannot be produced (the resource or output using it fails). */
export class IntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

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

/** Where the values of a template's references come from. */
export interface ResolverSources {
  readonly template: Template;
  readonly parameters: Readonly<Record<string, string>>;
  /** Every pseudo parameter but AWS::NoValue. */
  readonly pseudoParameters: Readonly<Record<string, string | readonly string[]>>;
  /** `Ref` of a resource: its physical id; throws an IntrinsicError when there is none. */
  resourceRef(logicalId: string): string;
  /** `Fn::GetAtt`; throws an IntrinsicError for an attribute the resource does not have. */
  attribute(logicalId: string, name: string): Json;
  /** `Fn::ImportValue`: the exports of the stacks deployed with the runner. */
  exports(): ReadonlyMap<string, string>;
  /** `Fn::GetStackOutput`: an output of a stack deployed with the runner; throws an IntrinsicError when there is none. */
  stackOutput(reference: StackOutputReference): string;
}

/** The arguments of an `Fn::GetStackOutput`, resolved. */
export interface StackOutputReference {
  readonly stackName: string;
  /** The output's logical id in the producing stack's template. */
  readonly outputName: string;
  /** @default the region of the stack being deployed */
  readonly region?: string;
  /** A role in the producing stack's account (cross-account references). @default the stack being deployed's account */
  readonly roleArn?: string;
}

interface NodeEvaluatorParameters {
  readonly 'RefResolvers': Record<string, unknown>;
  readonly 'Fn::GetAttResolvers': Record<string, Record<string, unknown>>;
  readonly 'Fn::ImportValueResolvers': Record<string, unknown>;
}
type NodeEvaluatorConstructor = new (template: object, parameters: NodeEvaluatorParameters) => { evaluateNodes(): Record<string, unknown> };
// cfn-resolver-lib ships no type declarations; its one export is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NodeEvaluator: NodeEvaluatorConstructor = require('cfn-resolver-lib');

const SUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::If', 'Fn::Equals', 'Fn::And', 'Fn::Or',
  'Fn::Not', 'Fn::FindInMap', 'Fn::GetAZs', 'Fn::ImportValue', 'Fn::Base64', 'Fn::GetStackOutput',
]);

/**
 * Stand-ins handed to the library as plain strings: a value that failed
 * (`<index>`), AWS::NoValue, and the keys that protect objects from the
 * library's key handling. NUL characters never occur in templates.
 */
const TOKEN_PREFIX = '\u0000cfn-runner:';
const TOKEN = /\u0000cfn-runner:(\d+|NoValue)\u0000/;
const NO_VALUE_TOKEN = `${TOKEN_PREFIX}NoValue\u0000`;
const GUARD_KEY = `${TOKEN_PREFIX}guard\u0000`;
const CONDITION_KEY = `${TOKEN_PREFIX}Condition\u0000`;
const DROPPED: unique symbol = Symbol('AWS::NoValue');
/** The library answers an Fn::FindInMap whose keys are not in the mapping with its arguments (this very list). */
const FIND_IN_MAP_ARGUMENTS = new WeakSet<readonly unknown[]>();

/** `Condition` is a function only inside the Conditions section; elsewhere it is a property (an IAM statement's). */
function isFunction(key: string, inConditions = false): boolean {
  return key === 'Ref' || key.startsWith('Fn::') || (inConditions && key === 'Condition');
}

/** Resolves fragments of one template (with one set of parameter values). */
export class TemplateResolver {
  private conditionValues?: Readonly<Record<string, boolean>>;

  constructor(private readonly sources: ResolverSources) {}

  /** Whether a named condition holds (all of them are evaluated once). */
  public condition(name: string): boolean {
    const value = this.conditions()[name];
    if (value === undefined) throw new IntrinsicError(`Template error: unresolved condition dependency ${name}`);
    return value;
  }

  /** Resolves every intrinsic in `fragment`; undefined when it is AWS::NoValue. */
  public resolve(fragment: unknown): unknown {
    if (fragment === null || typeof fragment !== 'object') return fragment;
    const fragmentReferences: FragmentReferences = newFragmentReferences(false);
    const prepared = prepare(fragment, fragmentReferences, false);
    const failures: string[] = [];
    const failed = (message: string): string => `${TOKEN_PREFIX}${failures.push(message) - 1}\u0000`;
    const lazily = (value: () => unknown): unknown => {
      try {
        return value();
      } catch (error) {
        if (error instanceof IntrinsicError) return failed(error.message);
        throw error;
      }
    };

    const refs = this.referenceValues();
    for (const name of fragmentReferences.refs) {
      if (!(name in refs)) refs[name] = lazily(() => this.sources.resourceRef(name));
    }
    const exports = fragmentReferences.imports.size > 0 ? this.sources.exports() : new Map<string, string>();
    const imports: Record<string, unknown> = Object.fromEntries([...fragmentReferences.imports]
      .map((name) => [name, exports.get(name) ?? failed(`No export named ${name} found.`)]));
    for (const [standIn, argument] of fragmentReferences.stackOutputs) {
      imports[standIn] = lazily(() => this.sources.stackOutput(stackOutputReference(this.resolve(argument))));
    }
    // Looked up only when the library evaluates an Fn::GetAtt. The library
    // takes a falsy value for a missing one, so those are boxed (and unboxed below).
    const attributes = new Map<string, unknown>();
    const attribute = (logicalId: string, name: string): unknown => {
      const value = lazily(() => this.sources.attribute(logicalId, name) ?? failed(`Template error: Fn::GetAtt ${logicalId}.${name} has no value`));
      return value === '' || value === 0 || value === false ? Object(value) : value;
    };
    const getAtts = new Proxy({}, {
      get: (_target, logicalId) => new Proxy({}, {
        get: (_attributes, name) => {
          if (typeof logicalId !== 'string' || typeof name !== 'string') return undefined;
          const key = JSON.stringify([logicalId, name]);
          if (!attributes.has(key)) attributes.set(key, attribute(logicalId, name));
          return attributes.get(key);
        },
      }),
    });

    const template = this.sources.template;
    // The library reads parameter defaults from Parameters (and needs it); the values are in `refs`.
    const source = {
      Parameters: {},
      // Fn::If looks its condition up here: the values evaluated once.
      ...(fragmentReferences.usesConditions ? { Conditions: this.conditions() } : {}),
      ...(fragmentReferences.usesMappings ? { Mappings: template.Mappings ?? {} } : {}),
      Value: prepared,
    };
    const evaluated = evaluate(source, { 'RefResolvers': refs, 'Fn::GetAttResolvers': getAtts, 'Fn::ImportValueResolvers': imports });
    const result = finish(evaluated.Value, failures);
    return result === DROPPED ? undefined : result;
  }

  private conditions(): Readonly<Record<string, boolean>> {
    this.conditionValues ??= this.evaluateConditions();
    return this.conditionValues;
  }

  private evaluateConditions(): Record<string, boolean> {
    const conditions = this.sources.template.Conditions ?? {};
    if (Object.keys(conditions).length === 0) return {};
    const fragmentReferences: FragmentReferences = newFragmentReferences(true);
    const prepared = prepare(conditions, fragmentReferences, true);
    if (fragmentReferences.stackOutputs.size > 0) {
      throw new IntrinsicError('Template error: Fn::GetStackOutput cannot be used in the Conditions section by the local runner');
    }
    const source = {
      Parameters: {},
      Conditions: prepared,
      ...(fragmentReferences.usesMappings ? { Mappings: this.sources.template.Mappings ?? {} } : {}),
    };
    const evaluated = evaluate(source, { 'RefResolvers': this.referenceValues(), 'Fn::GetAttResolvers': {}, 'Fn::ImportValueResolvers': {} });
    const values = finish(evaluated.Conditions, []) as Record<string, unknown>;
    for (const [name, value] of Object.entries(values)) {
      if (typeof value !== 'boolean') {
        throw new IntrinsicError(`Template error: condition ${name} must evaluate to a boolean, got ${JSON.stringify(value)}`);
      }
    }
    return values as Record<string, boolean>;
  }

  /** Pseudo parameters and parameters (list types as lists). */
  private referenceValues(): Record<string, unknown> {
    const values: Record<string, unknown> = { ...this.sources.pseudoParameters, 'AWS::NoValue': NO_VALUE_TOKEN };
    for (const [name, value] of Object.entries(this.sources.parameters)) {
      const type = this.sources.template.Parameters?.[name]?.Type ?? 'String';
      values[name] = type.startsWith('List<') || type === 'CommaDelimitedList' ? value.split(',') : value;
    }
    return values;
  }
}

interface FragmentReferences {
  readonly refs: Set<string>;
  readonly imports: Set<string>;
  /** Stand-in export name → the Fn::GetStackOutput's argument, as written. */
  readonly stackOutputs: Map<string, unknown>;
  usesMappings: boolean;
  usesConditions: boolean;
}

function newFragmentReferences(usesConditions: boolean): FragmentReferences {
  return { refs: new Set(), imports: new Set(), stackOutputs: new Map(), usesMappings: false, usesConditions };
}

const STACK_OUTPUT_KEYS: Readonly<Record<string, keyof StackOutputReference>> = {
  StackName: 'stackName',
  OutputName: 'outputName',
  Region: 'region',
  RoleArn: 'roleArn',
};

/** An Fn::GetStackOutput's resolved argument as a reference; StackName and OutputName are required, every value a string. */
function stackOutputReference(argument: unknown): StackOutputReference {
  const shape = 'Fn::GetStackOutput takes {"StackName", "OutputName", optional "Region" and "RoleArn"} with string values';
  if (argument === null || typeof argument !== 'object' || Array.isArray(argument)) {
    throw new IntrinsicError(`Template error: ${shape}, got ${JSON.stringify(argument)}`);
  }
  const reference: Partial<Record<keyof StackOutputReference, string>> = {};
  for (const [key, value] of Object.entries(argument as Record<string, unknown>)) {
    const field = STACK_OUTPUT_KEYS[key];
    if (field === undefined || typeof value !== 'string' || value === '') {
      throw new IntrinsicError(`Template error: ${shape}, got ${key} ${JSON.stringify(value)}`);
    }
    reference[field] = value;
  }
  if (reference.stackName === undefined || reference.outputName === undefined) {
    throw new IntrinsicError(`Template error: ${shape}, got ${JSON.stringify(argument)}`);
  }
  return reference as StackOutputReference;
}

/** A copy of `value` the library evaluates correctly (see the file's comment). */
function prepare(value: unknown, found: FragmentReferences, inConditions: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => prepare(item, found, inConditions));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && isFunction(entries[0][0], inConditions)) {
    const [[name, argument]] = entries;
    if (name !== 'Condition' && !SUPPORTED_FUNCTIONS.has(name)) {
      throw new IntrinsicError(`Template error: ${name} is not supported by the local runner`);
    }
    switch (name) {
      case 'Ref':
        if (typeof argument === 'string') found.refs.add(argument);
        break;
      case 'Fn::ImportValue':
        if (typeof argument === 'string') found.imports.add(argument);
        break;
      case 'Fn::GetStackOutput': {
        const standIn = `${TOKEN_PREFIX}stack-output:${found.stackOutputs.size}\u0000`;
        found.stackOutputs.set(standIn, argument);
        return { 'Fn::ImportValue': standIn };
      }
      case 'Fn::FindInMap': {
        found.usesMappings = true;
        const keys = prepare(argument, found, inConditions);
        if (Array.isArray(keys)) FIND_IN_MAP_ARGUMENTS.add(keys);
        return { [name]: keys };
      }
      case 'Fn::If':
        found.usesConditions = true;
        break;
      case 'Fn::GetAtt':
        if (typeof argument === 'string') {
          const dot = argument.indexOf('.');
          return { [name]: dot < 0 ? [argument] : [argument.slice(0, dot), argument.slice(dot + 1)] };
        }
        break;
      case 'Fn::Sub':
        return { [name]: prepare(explicitSub(argument), found, inConditions) };
      default:
        break;
    }
    return { [name]: prepare(argument, found, inConditions) };
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const protectedKey = !inConditions && key === 'Condition' ? CONDITION_KEY : key;
    copy[protectedKey] = prepare(item, found, inConditions);
  }
  if (entries.length === 1) copy[GUARD_KEY] = true;
  return copy;
}

/** Fn::Sub with every `${...}` name of its text given as a variable. */
function explicitSub(argument: unknown): unknown {
  const [text, given] = Array.isArray(argument) ? argument : [argument, {}];
  if (typeof text !== 'string' || given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new IntrinsicError(`Template error: Fn::Sub takes a string and an optional map of variables, got ${JSON.stringify(argument)}`);
  }
  const variables: Record<string, unknown> = {};
  for (const match of text.matchAll(/\$\{([^}]+)\}/g)) {
    const name = match[1];
    if (name in variables || Object.prototype.hasOwnProperty.call(given, name)) continue;
    const dot = name.indexOf('.');
    variables[name] = name.startsWith('!')
      ? `\${${name.slice(1)}}`
      : dot > 0 && !PSEUDO_PARAMETERS.has(name)
        ? { 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }
        : { Ref: name };
  }
  return [text, { ...variables, ...given }];
}

function evaluate(source: object, parameters: NodeEvaluatorParameters): Record<string, unknown> {
  // The library also writes what it cannot resolve to the console; here that
  // becomes the failure of the resource using it. Evaluation is synchronous,
  // so nothing else can log meanwhile.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return new NodeEvaluator(source, parameters).evaluateNodes();
  } catch (error) {
    if (error instanceof IntrinsicError) throw error;
    // The library throws strings (e.g. "Index 5 is out of bound.") or fails on malformed arguments.
    throw new IntrinsicError(`Template error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    console.warn = warn;
  }
}

/** The library's result as the resource sees it: stand-ins replaced, AWS::NoValue dropped, failures thrown. */
function finish(value: unknown, failures: readonly string[]): unknown {
  if (typeof value === 'string') {
    if (value === NO_VALUE_TOKEN) return DROPPED;
    const token = TOKEN.exec(value);
    if (!token) return value;
    throw new IntrinsicError(token[1] === 'NoValue' ? 'Template error: AWS::NoValue can only be a whole value' : failures[Number(token[1])]);
  }
  if (value instanceof String || value instanceof Number || value instanceof Boolean) return value.valueOf();
  if (Array.isArray(value)) {
    if (FIND_IN_MAP_ARGUMENTS.has(value)) {
      throw new IntrinsicError(`Template error: Unable to get mapping for ${value.map((key) => (typeof key === 'string' ? key : JSON.stringify(key))).join('::')}`);
    }
    return value.map((item) => finish(item, failures)).filter((item) => item !== DROPPED);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => key !== GUARD_KEY);
  if (entries.length === 1 && isFunction(entries[0][0])) {
    const [[name, argument]] = entries;
    const resolved = finish(argument, failures);
    if (name === 'Fn::Base64' && typeof resolved === 'string') return Buffer.from(resolved, 'utf8').toString('base64');
    throw new IntrinsicError(`Template error: ${name} ${JSON.stringify(resolved)} could not be resolved`);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = finish(item, failures);
    if (resolved !== DROPPED) result[key === CONDITION_KEY ? 'Condition' : key] = resolved;
  }
  return result;
}
