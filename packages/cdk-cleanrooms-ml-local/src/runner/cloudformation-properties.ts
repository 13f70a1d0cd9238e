/**
 * CloudFormation's resource properties as the service APIs take them: the
 * `[{Key, Value}]` tag list as a map, PascalCase property names as the API's
 * camelCase member names, and which tags an update adds, changes or removes.
 */
import type { Json, JsonObject } from './template';

/** CloudFormation's `[{Key, Value}]` tags as the API's map. */
export function tagMap(tags: Json | undefined): Record<string, string> | undefined {
  if (!Array.isArray(tags)) return undefined;
  return Object.fromEntries(tags.map((tag) => [String((tag as JsonObject).Key), String((tag as JsonObject).Value)]));
}

/**
 * CloudFormation's PascalCase property names as the API's camelCase member
 * names; `renamed` gives the names that differ otherwise (e.g.
 * AWS::CleanRooms::Collaboration's `AutoApprovedChangeTypes` is the API's
 * `autoApprovedChangeRequestTypes`).
 */
export function camelCaseKeys(value: Json | undefined, renamed: Readonly<Record<string, string>> = {}): unknown {
  if (Array.isArray(value)) return value.map((item) => camelCaseKeys(item, renamed));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [
      renamed[key] ?? key.charAt(0).toLowerCase() + key.slice(1),
      camelCaseKeys(item as Json, renamed),
    ]));
  }
  return value;
}

/** What an update does to a resource's tags: the keys to remove, and the tags to add or change. */
export function tagChanges(before: Json | undefined, after: Json | undefined): {
  readonly removed: string[];
  readonly changed: Record<string, string>;
} {
  const oldTags = tagMap(before) ?? {};
  const newTags = tagMap(after) ?? {};
  return {
    removed: Object.keys(oldTags).filter((key) => !(key in newTags)),
    changed: Object.fromEntries(Object.entries(newTags).filter(([key, value]) => oldTags[key] !== value)),
  };
}
