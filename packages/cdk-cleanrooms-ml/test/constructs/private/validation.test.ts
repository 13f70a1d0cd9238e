import { App, CfnParameter, Errors, Stack } from 'aws-cdk-lib';
import {
  describeValue,
  validateCount,
  validateNumber,
  validateString,
  validateUnique,
} from '../../../src/constructs/private/validation';

// The shared checks every construct uses; the construct tests cover the
// string rules through real props, these cover the rest of the toolbox.

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

function messageOf(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(Errors.isValidationError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('validation helpers', () => {
  test('describeValue quotes strings and shortens long ones', () => {
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(64)}"… (100 characters)`);
    expect(describeValue(42)).toBe('42');
    expect(describeValue(undefined)).toBe('undefined');
  });

  test('fails when a number is out of range', () => {
    const stack = newStack();
    expect(messageOf(() => validateNumber(stack, 'minMatchingSeedSize', 24, { min: 25, max: 500_000 })))
      .toBe('Stack: minMatchingSeedSize must be between 25 and 500000, got 24');
    expect(messageOf(() => validateNumber(stack, 'size', 0, { min: 1 }))).toBe('Stack: size must be at least 1, got 0');
    expect(messageOf(() => validateNumber(stack, 'size', 101, { max: 100 }))).toBe('Stack: size must be at most 100, got 101');
  });

  test('fails when a number must be whole and is not', () => {
    expect(messageOf(() => validateNumber(newStack(), 'bins[0]', 1.5, { integer: true, min: 1 })))
      .toBe('Stack: bins[0] must be a whole number, got 1.5');
  });

  test('fails when a list has too few or too many entries', () => {
    const stack = newStack();
    expect(messageOf(() => validateCount(stack, 'bins', [], { min: 1, max: 25 }))).toBe('Stack: bins must have 1–25 entries, got 0');
    expect(messageOf(() => validateCount(stack, 'tags', [1, 2, 3], { max: 2 }))).toBe('Stack: tags must have at most 2 entries, got 3');
  });

  test('fails when keys repeat, with or without normalization', () => {
    const stack = newStack();
    expect(messageOf(() => validateUnique(stack, 'bins', ['1', '2', '1'], 'have unique values')))
      .toBe('Stack: bins must have unique values, got "1" twice');
    expect(messageOf(() => validateUnique(stack, 'names', ['A', 'a'], 'have unique names', (key) => key.toLowerCase())))
      .toBe('Stack: names must have unique names, got "A" and "a"');
  });

  test('accepts values within the rules and skips tokens and absent values', () => {
    const stack = newStack();
    const token = new CfnParameter(stack, 'P').valueAsString;
    const numberToken = new CfnParameter(stack, 'N', { type: 'Number' }).valueAsNumber;

    expect(() => {
      validateString(stack, 'name', 'ok', { minLength: 1, maxLength: 2, pattern: /^o/ });
      validateString(stack, 'name', token, { minLength: 100, pattern: /^never$/ });
      validateString(stack, 'name', undefined, { minLength: 1 });
      validateNumber(stack, 'size', 25, { min: 25, max: 25, integer: true });
      validateNumber(stack, 'size', numberToken, { min: 1_000_000 });
      validateCount(stack, 'bins', undefined, { min: 1 });
      validateUnique(stack, 'names', [token, token, 'a'], 'have unique names');
    }).not.toThrow();
  });
});
