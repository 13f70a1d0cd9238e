/**
 * The CloudFormation template as the runner sees it: its sections, which
 * resources are active under the template's conditions, which resource
 * depends on which (DependsOn, Ref, Fn::GetAtt, Fn::Sub), and the order
 * CloudFormation would work through them.
 */
import { PSEUDO_PARAMETERS } from './intrinsics';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: JsonObject;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: JsonObject;
  /** Signals to wait for before the resource is created (AWS::CloudFormation::WaitCondition here). */
  readonly CreationPolicy?: JsonObject;
}

export interface TemplateParameter {
  readonly Type: string;
  readonly Default?: Json;
  readonly NoEcho?: boolean | string;
}

export interface TemplateOutput {
  readonly Value: Json;
  readonly Condition?: string;
  readonly Description?: string;
  readonly Export?: { readonly Name: Json };
}

export interface Template {
  readonly AWSTemplateFormatVersion?: string;
  readonly Description?: string;
  readonly Transform?: Json;
  readonly Parameters?: { readonly [name: string]: TemplateParameter };
  readonly Mappings?: { readonly [name: string]: JsonObject };
  readonly Conditions?: { readonly [name: string]: Json };
  readonly Resources: { readonly [logicalId: string]: TemplateResource };
  readonly Outputs?: { readonly [name: string]: TemplateOutput };
  readonly Rules?: JsonObject;
  readonly Metadata?: JsonObject;
}

/**
 * A template that CloudFormation would refuse before doing anything (the
 * `ValidationError` of CreateStack / UpdateStack): no stack event is written.
 */
export class TemplateValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateValidationError';
  }
}

/** What a value refers to: Ref targets, Fn::GetAtt logical ids, Fn::Sub names, conditions. */
export interface References {
  readonly refs: Set<string>;
  readonly getAtts: Set<string>;
  readonly conditions: Set<string>;
}

/** Collects every name a template fragment refers to, in both branches of every Fn::If. */
export function referencesOf(value: unknown, into: References = { refs: new Set(), getAtts: new Set(), conditions: new Set() }): References {
  if (Array.isArray(value)) {
    value.forEach((item) => referencesOf(item, into));
    return into;
  }
  if (value === null || typeof value !== 'object') {
    return into;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [[key, argument]] = entries;
    switch (key) {
      case 'Ref':
        if (typeof argument === 'string') into.refs.add(argument);
        return into;
      case 'Fn::GetAtt': {
        const target = Array.isArray(argument) ? argument[0] : typeof argument === 'string' ? argument.split('.')[0] : undefined;
        if (typeof target === 'string') into.getAtts.add(target);
        if (Array.isArray(argument)) referencesOf(argument.slice(1), into);
        return into;
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        const local = new Set(Object.keys((variables ?? {}) as object));
        if (typeof text === 'string') {
          for (const name of subNames(text)) {
            if (local.has(name)) continue;
            if (name.includes('.')) into.getAtts.add(name.split('.')[0]);
            else into.refs.add(name);
          }
        }
        referencesOf(variables, into);
        return into;
      }
      case 'Fn::If':
        if (Array.isArray(argument) && typeof argument[0] === 'string') into.conditions.add(argument[0]);
        if (Array.isArray(argument)) referencesOf(argument.slice(1), into);
        return into;
      case 'Condition':
        if (typeof argument === 'string') into.conditions.add(argument);
        return into;
      default:
        break;
    }
  }
  entries.forEach(([, item]) => referencesOf(item, into));
  return into;
}

/** The arguments (export names, possibly intrinsics) of every Fn::ImportValue in a template fragment. */
export function importValueArguments(value: unknown, into: unknown[] = []): unknown[] {
  if (Array.isArray(value)) {
    value.forEach((item) => importValueArguments(item, into));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === 'Fn::ImportValue') into.push(entries[0][1]);
    else entries.forEach(([, item]) => importValueArguments(item, into));
  }
  return into;
}

/** The `${...}` names of an Fn::Sub string, `${!Literal}` excluded. */
export function subNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = match[1].trim();
    if (!name.startsWith('!')) names.push(name);
  }
  return names;
}

export function dependsOnList(resource: TemplateResource): string[] {
  const { DependsOn: dependsOn } = resource;
  if (dependsOn === undefined) return [];
  return typeof dependsOn === 'string' ? [dependsOn] : [...dependsOn];
}

/**
 * The logical ids a resource waits for: DependsOn plus every resource its
 * properties refer to, restricted to `active` (resources whose condition holds).
 */
export function dependenciesOf(resource: TemplateResource, active: ReadonlySet<string>): string[] {
  const references = referencesOf(resource.Properties ?? {});
  const all = new Set([...dependsOnList(resource), ...references.refs, ...references.getAtts]);
  return [...all].filter((name) => active.has(name));
}

/**
 * Checks what CloudFormation checks before it starts: supported sections,
 * every Ref / Fn::GetAtt / DependsOn target exists, conditions exist, no cycles.
 */
export function validateTemplate(template: Template): void {
  if (!template || typeof template !== 'object' || !template.Resources || typeof template.Resources !== 'object') {
    throw new TemplateValidationError('Template format error: At least one Resources member must be defined.');
  }
  if (template.Transform !== undefined) {
    throw new TemplateValidationError(`Template uses Transform ${JSON.stringify(template.Transform)}: transforms (macros, AWS::Serverless, AWS::LanguageExtensions) are not supported by the local runner`);
  }
  const resources = Object.keys(template.Resources);
  if (resources.length === 0) {
    throw new TemplateValidationError('Template format error: At least one Resources member must be defined.');
  }
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const resourceSet = new Set(resources);
  const unresolved = new Set<string>();
  const unknownConditions = new Set<string>();

  const check = (fragment: unknown, allowResources: boolean): void => {
    const found = referencesOf(fragment);
    for (const name of found.refs) {
      const known = parameters.has(name) || PSEUDO_PARAMETERS.has(name) || (allowResources && resourceSet.has(name));
      if (!known) unresolved.add(name);
    }
    for (const name of found.getAtts) {
      if (!allowResources || !resourceSet.has(name)) unresolved.add(name);
    }
    for (const name of found.conditions) {
      if (!conditions.has(name)) unknownConditions.add(name);
    }
  };

  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (!resource || typeof resource.Type !== 'string') {
      throw new TemplateValidationError(`Template format error: [/Resources/${logicalId}] Every Resources object must contain a Type member.`);
    }
    check(resource.Properties ?? {}, true);
    for (const target of dependsOnList(resource)) {
      if (!resourceSet.has(target)) unresolved.add(target);
    }
    if (resource.Condition !== undefined && !conditions.has(resource.Condition)) unknownConditions.add(resource.Condition);
  }
  for (const output of Object.values(template.Outputs ?? {})) {
    check(output, true);
    if (output.Condition !== undefined && !conditions.has(output.Condition)) unknownConditions.add(output.Condition);
  }
  // Conditions may only use parameters, pseudo parameters and other conditions.
  check(template.Conditions ?? {}, false);

  if (unresolved.size > 0) {
    throw new TemplateValidationError(`Template format error: Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`);
  }
  if (unknownConditions.size > 0) {
    throw new TemplateValidationError(`Template format error: Unresolved condition dependencies [${[...unknownConditions].join(', ')}] in the template`);
  }
  const conditionNames = Object.keys(template.Conditions ?? {});
  const conditionDependencies = new Map(conditionNames.map((name) => [name, referencesOf(template.Conditions![name]).conditions]));
  topologicalOrder(conditionNames, conditionDependencies, 'conditions');
  deploymentOrder(template, resourceSet);
}

/**
 * The active resources in an order CloudFormation could create them: every
 * resource after what it depends on; among resources that are ready at the
 * same time, template order. (CloudFormation runs independent resources in
 * parallel; the runner runs them one after the other in this order.)
 */
export function deploymentOrder(template: Template, active: ReadonlySet<string>): string[] {
  const ids = Object.keys(template.Resources).filter((id) => active.has(id));
  const dependencies = new Map(ids.map((id) => [id, new Set(dependenciesOf(template.Resources[id], active))]));
  return topologicalOrder(ids, dependencies);
}

/** Kahn's algorithm, ties broken by the order of `ids`; a cycle is a validation error. */
export function topologicalOrder(ids: readonly string[], dependencies: ReadonlyMap<string, ReadonlySet<string>>, what = 'resources'): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const known = new Set(ids);
  const pending = [...ids];
  while (pending.length > 0) {
    const ready = (id: string): boolean =>
      [...(dependencies.get(id) ?? [])].every((dependency) => placed.has(dependency) || !known.has(dependency));
    const index = pending.findIndex(ready);
    if (index < 0) {
      throw new TemplateValidationError(`Circular dependency between ${what}: [${pending.join(', ')}]`);
    }
    const [next] = pending.splice(index, 1);
    order.push(next);
    placed.add(next);
  }
  return order;
}

/** Whether a resource type is a custom resource (CloudFormation sends it requests through its ServiceToken). */
export function isCustomResourceType(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}

/** Deep equality of JSON values (key order ignored; unlike util.isDeepStrictEqual, blind to the realm objects come from). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const aKeys = Object.keys(a as object).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b as object).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return aKeys.length === bKeys.length
    && aKeys.every((key) => jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
