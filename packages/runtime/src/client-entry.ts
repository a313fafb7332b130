// @fluxion/runtime/client: the cluster client alone (kubeconfig, HTTP, discovery, list/watch, inventory ids), without
// the controller machinery (logger, metrics, manager), so a command-line tool starts in milliseconds.
export {
  KubeApiError,
  isApiError,
  isNotFound,
  isConflict,
  isAlreadyExists,
  isInvalid,
  isGone,
  isTransient,
} from './api-error.ts';
export { ApiDiscovery, NoKindMatchError } from './api-discovery.ts';
export { KubeClient, createClient, refOf } from './client.ts';
export type {
  ClientOptions,
  ObjectRef,
  PatchType,
  Subresource,
  WriteOptions,
  ApplyOptions,
  ListOptions,
  ListResult,
  WatchOptions,
  DeleteOptions,
} from './client.ts';
export { loadKubeConfig, KubeConfigError } from './kube-config.ts';
export type { LoadKubeConfigOptions } from './kube-config.ts';
export { RestConfig } from './rest-config.ts';
export { parseApiVersion, formatApiVersion, gvkOf, objectKey, objectLabel } from './group-version-kind.ts';
export type { GroupVersionKind, ApiResource } from './group-version-kind.ts';
export { watcher } from './watcher.ts';
export type { WatcherEvent, WatcherOptions } from './watcher.ts';
export { parseInventoryEntry, formatInventoryId } from './resource-manager/inventory.ts';
export type { InventoryEntry } from './resource-manager/inventory.ts';
