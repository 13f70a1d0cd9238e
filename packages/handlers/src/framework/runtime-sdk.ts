/**
 * The AWS SDK for JavaScript v3 clients the handlers use besides Clean Rooms
 * ML's (`@aws-sdk/client-*`) come from the Lambda Node.js runtime
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html,
 * "Runtime-included SDK versions"), not from the bundles: the bundle task
 * marks `@aws-sdk/*` external, the packages are only devDependencies here,
 * and the local deploy runner lends the functions its own copy. Each is
 * loaded when first used, so the other requests' cold starts do not pay for it.
 *
 * The `require` itself stays in each caller's file, as a literal: esbuild
 * keeps a literal require of an external package as it is, and would not
 * know what a computed one loads.
 */
import { ResourceFailure } from './errors';

/**
 * A loader of the runtime's SDK package `packageName`: calls `load` (the
 * caller's `require('<packageName>')`, whose module cache keeps it) when
 * asked, and when the package cannot be found, fails with a ResourceFailure
 * that says where it comes from. Any other error of loading it is thrown as
 * it is.
 */
export function runtimeSdk<M>(packageName: string, load: () => M): () => M {
  return () => {
    try {
      return load();
    } catch (err) {
      if ((err as NodeJS.ErrnoException | undefined)?.code !== 'MODULE_NOT_FOUND') throw err;
      throw new ResourceFailure(`${packageName} cannot be loaded (the Lambda Node.js runtime provides it; elsewhere it must be installed)`);
    }
  };
}

/** One client, created by `create` when first asked for and then kept: the SDK is loaded only by a request that uses it. */
export function lazyClient<C>(create: () => C): () => C {
  let client: C | undefined;
  return () => {
    client ??= create();
    return client;
  };
}
