/**
 * Choice rules (https://states-language.net/spec.html#choice-state,
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html):
 * the first top-level rule that matches gives the next state, else Default,
 * else the States.NoChoiceMatched error.
 *
 * A comparison whose Variable holds a value of another type is false, as the
 * spec says ("the comparison ... evaluates to false" for mismatched types);
 * a Variable (or a ...Path operand) whose path selects nothing is a
 * States.Runtime error ("Invalid path"), except for IsPresent, which tests
 * exactly that.
 */
import { ChoiceRule, ChoiceState } from './definition';
import { runtimeError, StatesError } from './errors';
import { JsonValue, selectPath } from './json-path';

/** The name of the next state for `input`, or a StatesError. */
export function chooseNext(stateName: string, state: ChoiceState, input: JsonValue): string {
  const match = state.Choices.find((rule) => evaluate(rule, input));
  if (match) return match.Next!;
  if (state.Default !== undefined) return state.Default;
  throw new StatesError('States.NoChoiceMatched', `No Choice rule of state '${stateName}' matched, and it has no Default`);
}

function evaluate(rule: ChoiceRule, input: JsonValue): boolean {
  if (rule.And) return rule.And.every((inner) => evaluate(inner, input));
  if (rule.Or) return rule.Or.some((inner) => evaluate(inner, input));
  if (rule.Not) return !evaluate(rule.Not, input);
  const operator = Object.keys(rule).find((key) => !['Variable', 'Next', 'Comment'].includes(key))!;
  const value = selectPath(rule.Variable!, input);
  const operand = rule[operator];
  switch (operator) {
    case 'IsPresent': return (value !== undefined) === operand;
  }
  if (value === undefined) {
    throw runtimeError(`Invalid path '${rule.Variable}': The choice state's condition path references an invalid value.`);
  }
  switch (operator) {
    case 'IsNull': return (value === null) === operand;
    case 'IsString': return (typeof value === 'string') === operand;
    case 'IsNumeric': return (typeof value === 'number') === operand;
    case 'IsBoolean': return (typeof value === 'boolean') === operand;
  }
  const isPath = operator.endsWith('Path');
  const comparison = isPath ? operator.slice(0, -'Path'.length) : operator;
  let expected = operand as JsonValue | undefined;
  if (isPath) {
    expected = selectPath(operand as string, input);
    if (expected === undefined) throw runtimeError(`Invalid path '${operand as string}': The choice state's condition path references an invalid value.`);
  }
  return compare(comparison, value, expected as JsonValue);
}

function compare(comparison: string, value: JsonValue, expected: JsonValue): boolean {
  if (comparison === 'BooleanEquals') return typeof value === 'boolean' && value === expected;
  const kind = comparison.startsWith('String') ? 'string' : 'number';
  if (typeof value !== kind || typeof expected !== kind) return false;
  const a = value as string | number;
  const b = expected as string | number;
  switch (comparison.replace(/^(String|Numeric)/, '')) {
    case 'Equals': return a === b;
    case 'LessThan': return a < b;
    case 'GreaterThan': return a > b;
    case 'LessThanEquals': return a <= b;
    case 'GreaterThanEquals': return a >= b;
    default: return false;
  }
}
