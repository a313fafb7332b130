// Applies the built objects with the ResourceManager, honouring each object's ssa/force annotations, stage by stage.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ChangeSet,
  changeSetEntry,
  identityOf,
  refOf,
  ResourceManager,
  splitIntoStages,
  type KubeClient,
} from '@fluxion/runtime';
import { isForceEnabled, ssaPolicyOf } from './apply-policy.ts';

export const FieldManager = 'kustomize-controller';

export interface ApplySetOptions {
  /** spec.force: recreate objects whose immutable fields changed. */
  force: boolean;
  signal?: AbortSignal;
}

/**
 * Stages run in order (definitions, classes, the rest). Within a stage, objects are grouped by how they are applied
 * (take over kubectl's fields or merge; force or not), and each group is dry-run as a whole before anything is written.
 */
export async function applySet(
  client: KubeClient,
  objects: readonly KubernetesObject[],
  options: ApplySetOptions,
): Promise<ChangeSet> {
  const overrideManager = new ResourceManager(client, { fieldManager: FieldManager });
  const mergeManager = new ResourceManager(client, { fieldManager: FieldManager, takeOverManagers: [] });
  const changeSet = new ChangeSet();
  for (const stage of splitIntoStages(objects)) {
    const groups = new Map<string, { manager: ResourceManager; force: boolean; objects: KubernetesObject[] }>();
    for (const object of stage.objects) {
      const policy = ssaPolicyOf(object);
      if (policy === 'Ignore') {
        changeSet.add(changeSetEntry(identityOf(object), 'skipped', 'annotated to be ignored'));
        continue;
      }
      if (policy === 'IfNotPresent' && (await client.getIfExists(refOf(object)))) {
        changeSet.add(changeSetEntry(identityOf(object), 'skipped', 'exists, and is only applied if not present'));
        continue;
      }
      const force = options.force || isForceEnabled(object);
      const manager = policy === 'Merge' ? mergeManager : overrideManager;
      const groupKey = `${policy === 'Merge'}|${force}`;
      const group = groups.get(groupKey) ?? { manager, force, objects: [] };
      group.objects.push(object);
      groups.set(groupKey, group);
    }
    for (const group of groups.values()) {
      try {
        const applied = await group.manager.applyAll(group.objects, {
          force: group.force,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        changeSet.add(...applied.entries);
      } catch (error) {
        // what earlier stages and groups did is part of the failure's change set, so nothing applied goes untracked
        const partial = (error as { changeSet?: ChangeSet }).changeSet;
        if (partial && partial !== changeSet) partial.entries.unshift(...changeSet.entries);
        throw error;
      }
    }
  }
  return changeSet;
}
