import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * The Provider's two handler bundles. The private handlers package
 * (packages/handlers) builds them into this package's `assets/handlers/`;
 * packaging refuses a tarball without them.
 */
export type HandlerBundle = 'on-event' | 'is-complete';

/** Where a bundle lies, from this file's place in `lib/constructs/private/`. */
export function handlerBundleDirectory(bundle: HandlerBundle): string {
  return path.join(__dirname, '..', '..', '..', 'assets', 'handlers', bundle);
}

/**
 * Node.js 24, the Lambda runtime with the longest support (Node.js 22 is
 * deprecated on 2027-04-30). Named as a string: aws-cdk-lib releases older
 * than Runtime.NODEJS_24_X still synthesize it.
 */
export const HANDLER_RUNTIME = new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS);

/**
 * A Lambda function running one of the handler bundles. Both functions
 * deploy the one asset holding both bundles (`<bundle>/index.handler`): a
 * stack stages, hashes and uploads one asset instead of two.
 */
export class HandlerFunction extends lambda.Function {
  constructor(scope: Construct, id: string, bundle: HandlerBundle, props: lambda.FunctionOptions) {
    super(scope, id, {
      ...props,
      runtime: HANDLER_RUNTIME,
      handler: `${bundle}/index.handler`,
      code: lambda.Code.fromAsset(path.dirname(handlerBundleDirectory(bundle))),
    });
  }
}
