// -o json and -o yaml: objects as kubectl prints them (a List for several).
import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';

export function renderObjects(objects: readonly object[], format: 'json' | 'yaml', asList: boolean): string {
  const value = asList
    ? { apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } }
    : objects[0];
  return format === 'json' ? `${JSON.stringify(value, null, 4)}\n` : stringify(value, { lineWidth: 0 });
}

export function yamlDocuments(objects: readonly object[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}
