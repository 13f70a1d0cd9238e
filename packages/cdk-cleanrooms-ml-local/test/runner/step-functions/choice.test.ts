import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { STATE_MACHINE_ARN, startHarness, stopHarnesses } from './helpers';

afterEach(stopHarnesses);

const INPUT = { status: 'ACTIVE', polls: 3, done: false, nothing: null, limit: 5, nested: { list: ['a', 'b'] } };

/** [rule, whether it matches INPUT] */
const RULES: ReadonlyArray<readonly [object, boolean]> = [
  [{ Variable: '$.done', BooleanEquals: false }, true],
  [{ Variable: '$.status', StringEquals: 'ACTIVE' }, true],
  [{ Variable: '$.status', StringEquals: 'FAILED' }, false],
  [{ Variable: '$.polls', StringEquals: '3' }, false], // another type: false, not an error
  [{ Variable: '$.polls', NumericEquals: 3 }, true],
  [{ Variable: '$.polls', NumericLessThan: 3 }, false],
  [{ Variable: '$.polls', NumericLessThanEquals: 3 }, true],
  [{ Variable: '$.polls', NumericGreaterThan: 2 }, true],
  [{ Variable: '$.polls', NumericGreaterThanEquals: 4 }, false],
  [{ Variable: '$.polls', NumericLessThanPath: '$.limit' }, true],
  [{ Variable: '$.nested.list[1]', StringEquals: 'b' }, true],
  [{ Variable: '$.missing', IsPresent: false }, true],
  [{ Variable: '$.nothing', IsNull: true }, true],
  [{ Variable: '$.status', IsString: true }, true],
  [{ And: [{ Variable: '$.done', BooleanEquals: false }, { Variable: '$.polls', NumericGreaterThan: 5 }] }, false],
  [{ Or: [{ Variable: '$.done', BooleanEquals: true }, { Variable: '$.polls', NumericGreaterThan: 2 }] }, true],
  [{ Not: { Variable: '$.status', StringEquals: 'ACTIVE' } }, false],
];

test.each(RULES)('Choice rule %j on the input: %s', async (rule, matches) => {
  const definition = {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
      Yes: { Type: 'Pass', Result: 'yes', End: true },
      No: { Type: 'Pass', Result: 'no', End: true },
    },
  };
  const { client, sfn } = await startHarness(definition, () => ({}));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'check', input: JSON.stringify(INPUT) }));
  expect(await sfn.ended(executionArn!)).toMatchObject({ status: 'SUCCEEDED', output: matches ? '"yes"' : '"no"' });
});

test('no rule matches and no Default: the execution fails with States.NoChoiceMatched; a Variable that selects nothing: States.Runtime', async () => {
  const definition = {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ Variable: '$.polls', NumericEquals: 1, Next: 'Done' }] },
      Done: { Type: 'Succeed' },
    },
  };
  const { client, sfn } = await startHarness(definition, () => ({}));
  const run = async (name: string, input: object): Promise<unknown> => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name, input: JSON.stringify(input) }));
    return sfn.ended(executionArn!);
  };
  expect(await run('unmatched', { polls: 2 })).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  expect(await run('missing', {})).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringContaining('$.polls') });
});
