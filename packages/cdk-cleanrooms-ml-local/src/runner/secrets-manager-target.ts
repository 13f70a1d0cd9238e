/**
 * The Secrets Manager a deployment's functions read secrets from
 * (AWS_ENDPOINT_URL_SECRETS_MANAGER): the package's SecretsManagerEmulator,
 * which the runner starts for the operation with its secrets kept in a file
 * next to the deployment state (so the stack's secrets survive between
 * invocations, as the Clean Rooms ML emulator's resources do), or one the
 * caller runs at a given endpoint.
 */
import { SecretsManagerEmulator } from '../secrets-manager/secrets-manager-emulator';

export interface SecretsManagerTarget {
  readonly endpoint: string;
  /**
   * The emulator the runner started, where it creates the stack's
   * `AWS::SecretsManager::Secret` resources; absent for a given endpoint,
   * which the runner only hands to the functions.
   */
  readonly emulator?: SecretsManagerEmulator;
  close(): Promise<void>;
}

export async function connectSecretsManager(options: { readonly endpoint?: string; readonly stateFile: string }): Promise<SecretsManagerTarget> {
  if (options.endpoint) {
    return { endpoint: options.endpoint, close: async () => undefined };
  }
  const emulator = await SecretsManagerEmulator.start({ stateFile: options.stateFile });
  return { endpoint: emulator.endpoint, emulator, close: () => emulator.stop() };
}
