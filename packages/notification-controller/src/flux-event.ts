// Flux's event (what its controllers POST to the notification-controller), read from JSON or from a core/v1 Event.
import type { CoreV1Event } from '@kubernetes/client-node';

export type EventSeverity = 'trace' | 'info' | 'error';

export interface InvolvedObject {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string;
  resourceVersion?: string;
}

/** The JSON body of Flux's event API (`POST /` on --events-addr) and the payload of the generic providers. */
export interface FluxEvent {
  involvedObject: InvolvedObject;
  severity: EventSeverity;
  /** RFC 3339. */
  timestamp: string;
  message: string;
  reason: string;
  /** Annotations of the event with the object's group stripped: `revision`, `token`, plus Alert metadata and `summary`. */
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

export class EventFormatError extends Error {
  override readonly name = 'EventFormatError';
}

/** Reads and checks an event from the HTTP API; the error names the missing or wrong field. */
export function parseFluxEvent(body: unknown): FluxEvent | EventFormatError {
  if (!isRecord(body)) return new EventFormatError('the event is not a JSON object');
  const involved = body['involvedObject'];
  if (!isRecord(involved)) return new EventFormatError('involvedObject is missing');
  for (const field of ['kind', 'name', 'namespace'] as const) {
    if (typeof involved[field] !== 'string' || involved[field] === '')
      return new EventFormatError(`involvedObject.${field} is missing`);
  }
  const severity = body['severity'];
  if (severity !== 'info' && severity !== 'error' && severity !== 'trace') {
    return new EventFormatError(`severity must be info, error or trace, not ${JSON.stringify(severity)}`);
  }
  for (const field of ['message', 'reason', 'reportingController'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') return new EventFormatError(`${field} is missing`);
  }
  const metadata = body['metadata'];
  if (
    metadata !== undefined &&
    metadata !== null &&
    (!isRecord(metadata) || Object.values(metadata).some((value) => typeof value !== 'string'))
  ) {
    return new EventFormatError('metadata must map strings to strings');
  }
  const object: InvolvedObject = {
    kind: String(involved['kind']),
    name: String(involved['name']),
    namespace: String(involved['namespace']),
    ...optionalStrings(involved, ['apiVersion', 'uid', 'resourceVersion']),
  };
  const timestamp =
    typeof body['timestamp'] === 'string' && body['timestamp'] ? body['timestamp'] : new Date().toISOString();
  return {
    involvedObject: object,
    severity,
    timestamp,
    message: String(body['message']),
    reason: String(body['reason']),
    ...(isRecord(metadata)
      ? { metadata: stripGroupPrefix(metadata as Record<string, string>, object.apiVersion) }
      : {}),
    reportingController: String(body['reportingController']),
    ...optionalStrings(body, ['reportingInstance']),
  };
}

/** The toolkit's events as the watch sees them: Normal is info, Warning is error; annotations become metadata. */
export function eventFromKubernetesEvent(event: CoreV1Event): FluxEvent | undefined {
  const involved = event.involvedObject;
  if (!involved?.kind || !involved.name || !isToolkitApiVersion(involved.apiVersion)) return undefined;
  const timestamp = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return {
    involvedObject: {
      kind: involved.kind,
      name: involved.name,
      namespace: involved.namespace ?? event.metadata?.namespace ?? '',
      ...(involved.apiVersion ? { apiVersion: involved.apiVersion } : {}),
      ...(involved.uid ? { uid: involved.uid } : {}),
      ...(involved.resourceVersion ? { resourceVersion: involved.resourceVersion } : {}),
    },
    severity: event.type === 'Warning' ? 'error' : 'info',
    timestamp: timestamp ? new Date(timestamp).toISOString() : new Date().toISOString(),
    message: event.message ?? '',
    reason: event.reason ?? '',
    metadata: stripGroupPrefix(event.metadata?.annotations ?? {}, involved.apiVersion),
    reportingController: event.reportingComponent || event.source?.component || '',
    ...(event.reportingInstance ? { reportingInstance: event.reportingInstance } : {}),
  };
}

/** `source.toolkit.fluxcd.io/v1` and friends: the groups whose events are alerts. */
export function isToolkitApiVersion(apiVersion: string | undefined): boolean {
  const group = apiVersion?.split('/')[0] ?? '';
  return apiVersion?.includes('/') === true && group.endsWith('.toolkit.fluxcd.io');
}

/** Flux keys annotations by the object's group (`kustomize.toolkit.fluxcd.io/revision`); alerts show them as `revision`. */
function stripGroupPrefix(annotations: Record<string, string>, apiVersion: string | undefined): Record<string, string> {
  const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : undefined;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (group && key.startsWith(`${group}/`)) metadata[key.slice(group.length + 1)] = value;
    else if (!key.includes('/')) metadata[key] = value;
  }
  return metadata;
}

function optionalStrings<K extends string>(
  record: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value) out[key] = value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Kustomization apps/web`: how messages and logs name the object an event is about. */
export function describeObject(object: InvolvedObject): string {
  return `${object.kind} ${object.namespace}/${object.name}`;
}
