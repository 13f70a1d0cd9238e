/**
 * The executions of a stack's state machines across the runner's operations,
 * started by the stack's functions (the fixture provider's StartExecution
 * property) as the training poller's handler starts its own: their names
 * stay taken from one deploy to the next, and an execution still running
 * when an operation ends is stopped and reported.
 */
import { join } from 'node:path';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { fixtureProvider, removeTemporaryDirectories, stateFile, synth, temporaryDirectory, thing } from './helpers';
import { deployStack, destroyStack } from '../../src/runner';

afterAll(removeTemporaryDirectories);

const DEFINITIONS = {
  // Ends at once.
  Quick: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
  // Never ends by itself (a Wait of about three years of Step Functions time, looping).
  Forever: { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 99999999, Next: 'Pause' } } },
};

/** A state machine of each kind, and a custom resource that starts an execution of it (`<name>-1`) on Create and on Update. */
function executionStack(journal: string, version: string): string {
  return synth((stack: Stack) => {
    const provider = fixtureProvider(stack, { journal, isComplete: false });
    for (const [name, definition] of Object.entries(DEFINITIONS)) {
      const machine = new CfnStateMachine(stack, name, { definitionString: JSON.stringify(definition), roleArn: `arn:aws:iam::${stack.account}:role/sfn` });
      const starter = thing(stack, provider, `Start${name}`, {
        StartExecution: machine.ref,
        ExecutionName: `${name.toLowerCase()}-1`,
        ExecutionInput: JSON.stringify({ name }),
        Echo: version,
      });
      new CfnOutput(stack, `${name}Started`, { value: starter.getAttString('Started') });
      new CfnOutput(stack, `${name}Described`, { value: starter.getAttString('Described') });
      new CfnOutput(stack, `${name}Arn`, { value: machine.ref });
    }
  });
}

test('an execution still running when a deploy ends is stopped and reported; names stay taken in the next deploys', async () => {
  const journal = join(temporaryDirectory(), 'journal.jsonl');
  const state = stateFile();

  const first = await deployStack({ assembly: executionStack(journal, 'v1'), stateFile: state });

  expect(first.status).toBe('CREATE_COMPLETE');
  expect(first.outputs).toMatchObject({ QuickStarted: 'started', ForeverStarted: 'started', ForeverDescribed: 'RUNNING {"name":"Forever"}' });
  expect(first.warnings).toEqual([
    `the execution forever-1 of ${first.outputs.ForeverArn} was still RUNNING when the deploy ended: the runner stopped it (on AWS it would have run on)`,
  ]);

  // The Update starts the same names again, with the same input: both executions are closed, so both names are taken.
  const second = await deployStack({ assembly: executionStack(journal, 'v2'), stateFile: state });

  expect(second.status).toBe('UPDATE_COMPLETE');
  const execution = (name: string) => `${second.outputs[`${name}Arn`].replace(':stateMachine:', ':execution:')}:${name.toLowerCase()}-1`;
  expect(second.outputs).toMatchObject({
    QuickStarted: `ExecutionAlreadyExists: Execution Already Exists: '${execution('Quick')}'`,
    QuickDescribed: 'SUCCEEDED {"name":"Quick"}',
    ForeverStarted: `ExecutionAlreadyExists: Execution Already Exists: '${execution('Forever')}'`,
    ForeverDescribed: 'ABORTED {"name":"Forever"}',
  });
  expect(second.warnings).toEqual([]);

  // And in the deploy after (the state file kept them again).
  const third = await deployStack({ assembly: executionStack(journal, 'v3'), stateFile: state });
  expect(third.outputs).toMatchObject({ QuickStarted: expect.stringMatching(/^ExecutionAlreadyExists/), ForeverDescribed: 'ABORTED {"name":"Forever"}' });

  await expect(destroyStack({ stateFile: state })).resolves.toMatchObject({ status: 'DELETE_COMPLETE', warnings: [] });
});
