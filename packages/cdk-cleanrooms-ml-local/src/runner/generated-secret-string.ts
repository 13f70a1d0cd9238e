/**
 * The value CloudFormation gives an `AWS::SecretsManager::Secret` from its
 * `GenerateSecretString` property: a random password made as Secrets
 * Manager's GetRandomPassword makes it, alone or put into the JSON object of
 * `SecretStringTemplate` under `GenerateStringKey`.
 *
 * Sources:
 * - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-secret-generatesecretstring.html
 *   (the properties; "Required permissions: secretsmanager:GetRandomPassword");
 * - https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 *   (a length of 32 by default; the punctuation set below; RequireEachIncludedType:
 *   "at least one upper and lowercase letter, one number, and one punctuation",
 *   true by default; the space only with IncludeSpace).
 */
import { randomInt } from 'node:crypto';
import type { Json, JsonObject } from './template';

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NUMBERS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const DEFAULT_LENGTH = 32;
/** GetRandomPassword's PasswordLength range. */
const MIN_LENGTH = 1;
const MAX_LENGTH = 4096;

/** A GenerateSecretString property that cannot produce a value; the message names the field and the rule. */
export class GenerateSecretStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenerateSecretStringError';
  }
}

/** The secret string a GenerateSecretString property produces (a new random one every call). */
export function generateSecretString(property: Json): string {
  if (property === null || typeof property !== 'object' || Array.isArray(property)) {
    throw new GenerateSecretStringError('GenerateSecretString must be an object');
  }
  const options = property as JsonObject;
  const password = randomPassword(options);
  const template = options.SecretStringTemplate;
  const key = options.GenerateStringKey;
  if (template === undefined && key === undefined) return password;
  // "If you specify this parameter [GenerateStringKey], then you must also specify SecretStringTemplate";
  // a template without a key has nowhere to put the password (aws-cdk-lib refuses it the same way).
  if (typeof template !== 'string' || typeof key !== 'string' || key === '') {
    throw new GenerateSecretStringError('GenerateSecretString: SecretStringTemplate and GenerateStringKey must be given together');
  }
  let object: unknown;
  try {
    object = JSON.parse(template);
  } catch {
    throw new GenerateSecretStringError('GenerateSecretString.SecretStringTemplate must be a JSON object, and is not JSON');
  }
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw new GenerateSecretStringError('GenerateSecretString.SecretStringTemplate must be a JSON object');
  }
  return JSON.stringify({ ...object, [key]: password });
}

function randomPassword(options: JsonObject): string {
  const length = options.PasswordLength === undefined ? DEFAULT_LENGTH : Number(options.PasswordLength);
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > MAX_LENGTH) {
    throw new GenerateSecretStringError(`GenerateSecretString.PasswordLength must be an integer from ${MIN_LENGTH} to ${MAX_LENGTH}, got ${String(options.PasswordLength)}`);
  }
  const excluded = new Set(typeof options.ExcludeCharacters === 'string' ? options.ExcludeCharacters : '');
  const flag = (name: string): boolean => options[name] === true || options[name] === 'true';
  const types = [
    flag('ExcludeLowercase') ? '' : LOWERCASE,
    flag('ExcludeUppercase') ? '' : UPPERCASE,
    flag('ExcludeNumbers') ? '' : NUMBERS,
    flag('ExcludePunctuation') ? '' : PUNCTUATION,
  ].map((characters) => [...characters].filter((character) => !excluded.has(character)).join('')).filter((characters) => characters !== '');
  const space = flag('IncludeSpace') && !excluded.has(' ') ? ' ' : '';
  const all = types.join('') + space;
  if (all === '') {
    throw new GenerateSecretStringError('GenerateSecretString excludes every character: nothing is left to make a password of');
  }
  const requireEach = options.RequireEachIncludedType === undefined || flag('RequireEachIncludedType');
  const required = requireEach ? types.map(pick) : [];
  if (required.length > length) {
    throw new GenerateSecretStringError(`GenerateSecretString.PasswordLength ${length} is shorter than the ${required.length} character types RequireEachIncludedType asks for`);
  }
  const characters = [...required, ...Array.from({ length: length - required.length }, () => pick(all))];
  // Shuffled (Fisher-Yates), so the required characters are not always first.
  for (let index = characters.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [characters[index], characters[other]] = [characters[other], characters[index]];
  }
  return characters.join('');
}

function pick(characters: string): string {
  return characters[randomInt(characters.length)];
}
