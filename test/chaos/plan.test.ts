/**
 * The chaos campaign's plans (chaos/plan.ts): drawn from the seed alone, so
 * a finding can be replayed, and covering every kind of operation and
 * failure issue 11 lists, each with an outcome decided up front.
 */
import { drawPlan, LifecyclePlan } from '../../chaos/plan';

const PLANS: LifecyclePlan[] = Array.from({ length: 500 }, (_, index) => drawPlan(1, index + 1));

test('the same seed and lifecycle draw the same plan; another seed draws other plans', () => {
  expect(drawPlan(1, 42)).toEqual(PLANS[41]);
  const other = Array.from({ length: 20 }, (_, index) => drawPlan(2, index + 1));
  expect(other.filter((plan, index) => JSON.stringify(plan.operations) === JSON.stringify(PLANS[index].operations)).length).toBeLessThan(5);
});

test('500 lifecycles cover every operation, failure and fault issue 11 lists', () => {
  const labels = new Set(PLANS.flatMap((plan) => plan.operations.map((operation) => operation.label)));
  expect([...labels].sort()).toEqual([
    'create',
    'create again',
    'create: export fails',
    'create: job fails',
    'create: model fails',
    'create: training fails',
    'destroy',
    'destroy after a failed create',
    'destroy after deletes outside',
    'destroy again',
    'destroy: job delete fails',
    'destroy: model delete fails',
    'update: add a pipeline',
    'update: add a pipeline, its export fails',
    'update: add a pipeline, its job fails',
    'update: partner',
    'update: remove a pipeline',
    'update: replace model',
    'update: replace named model (refused)',
    'update: replace named model (renamed)',
    'update: replacement fails training',
    'update: size bins',
    'update: tags',
    'update: tags of a job deleted outside',
  ]);
  const injections = new Set(PLANS.flatMap((plan) => plan.operations.map((operation) => operation.injection.kind)));
  expect([...injections].sort()).toEqual(['crash', 'deleted-outside', 'fail-next', 'none', 'training-fails']);
  expect(PLANS.some((plan) => plan.faults.throttleRate === 0.3 && plan.faults.serverErrorRate === 0.2)).toBe(true);
  expect(new Set(PLANS.map((plan) => plan.operations.filter((operation) => operation.label.startsWith('update')).length))).toEqual(new Set([1, 2, 3]));
});

test('every lifecycle ends with a destroy planned to leave nothing, and every planned failure names a resource and a cause', () => {
  for (const plan of PLANS) {
    expect({ lifecycle: plan.lifecycle, last: plan.operations[plan.operations.length - 1] })
      .toMatchObject({ lifecycle: plan.lifecycle, last: { kind: 'destroy', expected: { status: 'DELETE_COMPLETE' } } });
    for (const { expected } of plan.operations) {
      expect(expected.failure === undefined).toBe(/_COMPLETE$/.test(expected.status) && !/ROLLBACK/.test(expected.status));
      if (expected.failure) expect(expected.failure.pipelines.length * expected.failure.cause.length).toBeGreaterThan(0);
    }
  }
});
