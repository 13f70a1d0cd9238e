/**
 * What an update does to one resource, decided with `@aws-cdk/cloudformation-diff`
 * (the library behind `cdk diff`): whether its properties changed, and whether
 * the change replaces it, from the resource type's CloudFormation schema in the
 * library's service spec (e.g. every property of
 * AWS::CleanRoomsML::TrainingDataset but Tags is create-only).
 *
 * The diff is taken between resolved properties (the recorded ones and the
 * new ones), not between templates: a template diff cannot see a parameter's
 * new value, a condition that flipped, or the new physical id of a resource
 * replaced earlier in the same update, all of which change what a resource
 * is given, as in CloudFormation.
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { physicalNameOf } from './synthetic';
import { isCustomResourceType, jsonEqual, JsonObject } from './template';

/** `update`: in place; `replace`: a new physical resource, the old one deleted in the cleanup phase. */
export type ResourceChange = 'none' | 'update' | 'replace';

export function resourceChange(type: string, before: JsonObject, after: JsonObject): ResourceChange {
  // Most resources of an update are unchanged: they need no diff (a few milliseconds each).
  if (jsonEqual(before, after)) return 'none';
  const diff = fullDiff(
    { Resources: { Resource: { Type: type, Properties: before } } },
    { Resources: { Resource: { Type: type, Properties: after } } },
  );
  // Equal properties (by CloudFormation's rules: 10 equals "10") leave no difference at all.
  const change = diff.resources.has('Resource') ? diff.resources.get('Resource') : undefined;
  if (!change?.isDifferent) return 'none';
  // A custom resource's handler decides: it is replaced when it returns a new physical id.
  if (isCustomResourceType(type)) return 'update';
  // MAY_REPLACE (replaced for some values only) is carried out in place.
  if (change.changeImpact === ResourceImpact.WILL_REPLACE) return 'replace';
  // The runner's physical id of a named resource is its name (e.g. a Glue table's TableInput.Name).
  return physicalNameOf(type, before) === physicalNameOf(type, after) ? 'update' : 'replace';
}
