/**
 * The AWS SDK packages the Lambda runtime provides (framework/runtime-sdk.ts):
 * loaded when first used, and a clear failure, naming the package, where the
 * runtime has none.
 */
import { POLLER_ARN_ENV } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { ResourceFailure } from '../src/framework/errors';
import { lazyClient, runtimeSdk } from '../src/framework/runtime-sdk';

function moduleNotFound(packageName: string): Error {
  return Object.assign(new Error(`Cannot find module '${packageName}'`), { code: 'MODULE_NOT_FOUND' });
}

test('a package that cannot be found fails with a ResourceFailure naming it and where it comes from', () => {
  const load = runtimeSdk('@aws-sdk/client-example', () => { throw moduleNotFound('@aws-sdk/client-example'); });

  expect(load).toThrow(new ResourceFailure(
    '@aws-sdk/client-example cannot be loaded (the Lambda Node.js runtime provides it; elsewhere it must be installed)',
  ));
  expect(load).toThrow(ResourceFailure);
});

test('any other failure to load it is thrown as it is', () => {
  const broken = new SyntaxError('Unexpected token');
  const load = runtimeSdk('@aws-sdk/client-example', () => { throw broken; });

  expect(load).toThrow(broken);
});

test('the package is loaded when asked for, and the client made once, at its first use', () => {
  const load = jest.fn(() => ({ Client: class {} }));
  const sdk = runtimeSdk('@aws-sdk/client-example', load);
  const create = jest.fn(() => new (sdk().Client)());
  const client = lazyClient(create);
  expect(load).not.toHaveBeenCalled();

  const first = client();

  expect(client()).toBe(first);
  expect(create).toHaveBeenCalledTimes(1);
  expect(load).toHaveBeenCalledTimes(1);
});

describe('where the Lambda runtime has no SDK package, the handler that needs it says which', () => {
  test.each([
    ['@aws-sdk/client-cloudformation', 'the training poller', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { stackSignalsFromEnvironment } = require('../src/wait/stack-signals') as typeof import('../src/wait/stack-signals');
      await stackSignalsFromEnvironment({}).waitCondition('arn:aws:cloudformation:us-east-1:123456789012:stack/S/1', 'Wait1');
    }],
    ['@aws-sdk/client-sfn', 'starting a poller execution', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { pollerExecutionsFromEnvironment } = require('../src/framework/poller-executions') as typeof import('../src/framework/poller-executions');
      await pollerExecutionsFromEnvironment({ [POLLER_ARN_ENV]: 'arn:aws:states:us-east-1:123456789012:stateMachine:Poller' }).stop('execution');
    }],
    ['@aws-sdk/client-cleanrooms', 'the association handler', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { cleanRoomsFromEnvironment } = require('../src/configured-audience-model-association/clean-rooms-sdk') as
        typeof import('../src/configured-audience-model-association/clean-rooms-sdk');
      cleanRoomsFromEnvironment({});
    }],
  ])('%s (%s)', async (packageName, _user, use) => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock(packageName, () => { throw moduleNotFound(packageName); });

      // The isolated modules have their own ResourceFailure class: compare by name.
      await expect(use()).rejects.toMatchObject({
        name: 'ResourceFailure',
        message: `${packageName} cannot be loaded (the Lambda Node.js runtime provides it; elsewhere it must be installed)`,
      });
    });
  });
});
