/**
 * AWS::SecretsManager::Secret: created, updated and deleted in the Secrets
 * Manager emulator the runner starts (secrets-manager-target.ts), so the
 * stack's functions read the secrets the stack itself creates (e.g. the
 * parameters of a SQL seed audience) through AWS_ENDPOINT_URL_SECRETS_MANAGER.
 *
 * As CloudFormation documents the type
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html):
 * - the value is `SecretString`, or a string generated from
 *   `GenerateSecretString` (generated-secret-string.ts), never both; with
 *   neither, the secret is created empty (it has no value to read);
 * - `Ref` and `Fn::GetAtt Id` return the secret's ARN
 *   (`arn:…:secret:<name>-<6 characters>`; the name is `Name`, or one
 *   CloudFormation makes of the stack and logical id);
 * - changing `Name` replaces the secret (create-only: changes.ts); a changed
 *   `SecretString` or `GenerateSecretString` makes a new value ("When you make
 *   a change to this property, a new secret version is created"); a change
 *   of anything else keeps the value.
 *
 * A delete removes the secret at once. Secrets Manager's DeleteSecret keeps a
 * deleted secret for a recovery window unless told otherwise; the runner
 * does not emulate that window (a choice: nothing of the stack can read a
 * secret scheduled for deletion, and a name is free again at once).
 *
 * With a Secrets Manager endpoint of the caller's (`secretsManagerEndpoint`)
 * the runner cannot create secrets there: the secret is only recorded, and
 * its COMPLETE event says so.
 */
import { generateSecretString, GenerateSecretStringError } from './generated-secret-string';
import { handlerError, ProvisionContext, Provisioner, ProvisionResult, RefusedRequest, ResourceRequest } from './provisioning';
import type { ResourceRecord } from './state';
import { syntheticResource } from './synthetic';
import { jsonEqual, JsonObject } from './template';

export const SECRET_TYPE = 'AWS::SecretsManager::Secret';

export const secrets: Provisioner = {
  async create(context, request) {
    const { properties } = request;
    if (properties.SecretString !== undefined && properties.GenerateSecretString !== undefined) {
      throw new RefusedRequest(`Properties validation failed for resource ${request.logicalId} with message: `
        + '[SecretString and GenerateSecretString cannot both be given: the value is one or the other]');
    }
    const { physicalResourceId, attributes } = syntheticResource(request.type, request.logicalId, properties, context.scope);
    const emulator = context.secretsManager.emulator;
    if (!emulator) {
      return {
        physicalResourceId,
        attributes,
        handling: 'recorded',
        note: `recorded only: the runner creates secrets in the Secrets Manager it starts, not at ${context.secretsManager.endpoint}`,
      };
    }
    const name = nameOf(physicalResourceId);
    if (emulator.list().some((secret) => secret.arn === physicalResourceId)) {
      // CreateSecret's ResourceExistsException, e.g. a Name another stack's secret has.
      throw handlerError(`The operation failed because the secret ${name} already exists.`, 'AlreadyExists');
    }
    emulator.put(physicalResourceId, valueOf(request), name);
    return { physicalResourceId, attributes, handling: 'emulator' };
  },

  async update(context, request, current) {
    const { physicalResourceId, handling } = current;
    const result: ProvisionResult = { physicalResourceId, attributes: { ...current.attributes }, handling };
    const emulator = context.secretsManager.emulator;
    if (current.handling !== 'emulator' || !emulator) return result;
    const before = current.properties as JsonObject;
    const after = request.properties;
    const changed = (name: string): boolean => !jsonEqual(before[name] ?? null, after[name] ?? null);
    if (changed('SecretString') || changed('GenerateSecretString')) {
      if (after.SecretString !== undefined && after.GenerateSecretString !== undefined) {
        throw new RefusedRequest(`Properties validation failed for resource ${request.logicalId} with message: `
          + '[SecretString and GenerateSecretString cannot both be given: the value is one or the other]');
      }
      emulator.put(current.physicalResourceId, valueOf(request), nameOf(current.physicalResourceId));
    }
    return result;
  },

  async delete(context: ProvisionContext, _logicalId: string, record: ResourceRecord) {
    // Already gone is deleted, as CloudFormation's handlers treat NotFound on delete.
    if (record.handling === 'emulator') context.secretsManager.emulator?.remove(record.physicalResourceId);
  },
};

/** The secret's new value: its SecretString, a generated one, or none (an empty secret). */
function valueOf(request: ResourceRequest): string | undefined {
  const { SecretString: secretString, GenerateSecretString: generate } = request.properties;
  if (secretString !== undefined) return typeof secretString === 'string' ? secretString : JSON.stringify(secretString);
  if (generate === undefined) return undefined;
  try {
    return generateSecretString(generate);
  } catch (error) {
    // GetRandomPassword's InvalidParameterException, before anything was created.
    if (error instanceof GenerateSecretStringError) throw handlerError(error.message, 'InvalidRequest');
    throw error;
  }
}

/** `<name>` of `arn:…:secret:<name>-<6 characters>`. */
function nameOf(arn: string): string {
  return arn.slice(arn.indexOf(':secret:') + ':secret:'.length, -7);
}
