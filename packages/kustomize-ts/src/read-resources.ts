// Reads a resource file into resources: every YAML document, with `kind: List` items taken one by one.
import { KustomizeError } from './errors.ts';
import { makeResource, type Resource } from './resource.ts';
import type { KObject } from './types.ts';
import { parseYamlDocuments } from './yaml/parse-documents.ts';

function isObject(value: unknown): value is KObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readResources(text: string, file: string): Resource[] {
  const resources: Resource[] = [];
  const add = (value: unknown): void => {
    if (!isObject(value))
      throw new KustomizeError(
        `missing Resource metadata: expected a Kubernetes object in ${file}, found ${JSON.stringify(value)}`,
        file,
      );
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      for (const item of value.items) add(item);
      return;
    }
    if (Object.keys(value).length === 0) return;
    if (typeof value.kind !== 'string' || value.kind === '') {
      throw new KustomizeError(`missing kind in object ${JSON.stringify(value)} in ${file}`, file);
    }
    if (typeof value.metadata?.name !== 'string' || value.metadata.name === '') {
      throw new KustomizeError(`missing metadata.name in object ${JSON.stringify(value)} in ${file}`, file);
    }
    resources.push(makeResource(value));
  };
  for (const document of parseYamlDocuments(text, file)) add(document);
  return resources;
}
