// The content hash kustomize appends to generated ConfigMap and Secret names.
import { createHash } from 'node:crypto';
import type { KObject } from '../types.ts';
import { goJsonStringify } from './go-json.ts';

/** Hex sha256 cut to 10 characters, with kustomize's letter substitutions so the suffix never looks like a number. */
export function encodeHashSuffix(hex: string): string {
  const substitutions: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return Array.from(hex.slice(0, 10), (char) => substitutions[char] ?? char).join('');
}

function mapOrEmpty(value: unknown): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : '';
}

/**
 * The JSON kustomize hashes. Its lookup of the name uses the whole path as one field name and so
 * always finds nothing: the name is therefore always "" in the hash.
 */
export function hashInput(object: KObject): string {
  if (object.kind === 'ConfigMap') {
    const encoded: Record<string, unknown> = { kind: 'ConfigMap', name: '', data: mapOrEmpty(object.data) };
    if (mapOrEmpty(object.binaryData) !== '') encoded.binaryData = object.binaryData;
    return goJsonStringify(encoded);
  }
  if (object.kind === 'Secret') {
    const encoded: Record<string, unknown> = {
      kind: 'Secret',
      type: typeof object.type === 'string' ? object.type : '',
      name: '',
      data: mapOrEmpty(object.data),
    };
    if (mapOrEmpty(object.stringData) !== '') encoded.stringData = object.stringData;
    return goJsonStringify(encoded);
  }
  return goJsonStringify(object);
}

export function nameHash(object: KObject): string {
  return encodeHashSuffix(createHash('sha256').update(hashInput(object), 'utf8').digest('hex'));
}
