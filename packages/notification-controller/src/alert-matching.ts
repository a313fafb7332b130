// Which Alerts want an event, as Flux documents it: sources by kind, name ('*'), namespace and labels; severity;
// inclusion and exclusion lists on the message; suspended Alerts and refused cross-namespace references skip.
import type { Alert, CrossNamespaceObjectReference } from '@fluxion/api';
import type { FluxEvent, InvolvedObject } from './flux-event.ts';

export interface MatchOptions {
  /** --no-cross-namespace-refs: an event source in another namespace than its Alert is ignored. */
  noCrossNamespaceRefs: boolean;
  /** The labels of the object the event is about, for `matchLabels`; undefined when it no longer exists. */
  labelsOf: (object: InvolvedObject) => Promise<Record<string, string> | undefined>;
  /** Told once per Alert problem (a refused reference, a bad regular expression). */
  onAlertProblem?: (alert: Alert, problem: string) => void;
}

export interface AlertMatch {
  alert: Alert;
  /** False for an info event and an error-only Alert: it may still be sent as a recovery (see alert-noise.ts). */
  severityPasses: boolean;
}

/**
 * The Alerts that want the event, in the order given. Synchronous (an array) unless a `matchLabels` source needs the
 * object's labels: a burst about 100 Alerts must not cost 100 awaited promises per event (it was most of its garbage).
 */
export function matchingAlerts(
  event: FluxEvent,
  alerts: readonly Alert[],
  options: MatchOptions,
): AlertMatch[] | Promise<AlertMatch[]> {
  if (event.severity === 'trace') return [];
  const candidates: { alert: Alert; needsLabels: CrossNamespaceObjectReference[] | undefined }[] = [];
  let labelsNeeded = false;
  for (const alert of alerts) {
    const spec = alert.spec;
    if (!spec || spec.suspend) continue;
    const alertNamespace = alert.metadata?.namespace ?? '';
    let sourceMatched = false;
    // sources that match but for their matchLabels, settled once the labels are read
    let needsLabels: CrossNamespaceObjectReference[] | undefined;
    for (const source of spec.eventSources) {
      const namespace = source.namespace || alertNamespace;
      if (options.noCrossNamespaceRefs && namespace !== alertNamespace) {
        options.onAlertProblem?.(
          alert,
          `eventSources ${source.kind}/${namespace}/${source.name} refused: cross-namespace references are disabled (--no-cross-namespace-refs)`,
        );
        continue;
      }
      const matched = sourceMatches(source, namespace, event.involvedObject);
      if (matched === 'needs-labels') (needsLabels ??= []).push(source);
      else if (matched) {
        sourceMatched = true;
        needsLabels = undefined;
        break;
      }
    }
    if (sourceMatched) {
      if (passesMessageFilters(alert, event.message, options.onAlertProblem)) candidates.push({ alert, needsLabels });
    } else if (needsLabels) {
      candidates.push({ alert, needsLabels });
      labelsNeeded = true;
    }
  }
  const severityPasses = (alert: Alert) => alert.spec?.eventSeverity !== 'error' || event.severity === 'error';
  if (!labelsNeeded) return candidates.map(({ alert }) => ({ alert, severityPasses: severityPasses(alert) }));
  // read once per event, only when some Alert's sources depend on them
  return options
    .labelsOf(event.involvedObject)
    .then((labels) =>
      candidates
        .filter(
          ({ alert, needsLabels }) =>
            !needsLabels ||
            (needsLabels.some((source) => labelsMatch(source, labels)) &&
              passesMessageFilters(alert, event.message, options.onAlertProblem)),
        )
        .map(({ alert }) => ({ alert, severityPasses: severityPasses(alert) })),
    );
}

/** true or false, or 'needs-labels' when only the object's labels can tell (a `*` source with matchLabels). */
function sourceMatches(
  source: CrossNamespaceObjectReference,
  namespace: string,
  object: InvolvedObject,
): boolean | 'needs-labels' {
  if (source.kind !== object.kind || namespace !== object.namespace) return false;
  if (source.apiVersion && object.apiVersion && source.apiVersion !== object.apiVersion) return false;
  if (source.name !== '*') return nameMatches(source.name, object.name);
  return Object.keys(source.matchLabels ?? {}).length === 0 ? true : 'needs-labels';
}

function labelsMatch(source: CrossNamespaceObjectReference, labels: Record<string, string> | undefined): boolean {
  return (
    labels !== undefined && Object.entries(source.matchLabels ?? {}).every(([key, value]) => labels[key] === value)
  );
}

/** '*' is every name; a name with '*' in it is a glob (`app-*`), anything else must be equal. */
function nameMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const regex = compiled(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return !(regex instanceof Error) && regex.test(name);
}

function passesMessageFilters(alert: Alert, message: string, onProblem: MatchOptions['onAlertProblem']): boolean {
  const test = (field: 'inclusionList' | 'exclusionList', pattern: string): boolean => {
    const regex = compiled(pattern);
    if (regex instanceof Error) {
      onProblem?.(
        alert,
        `spec.${field} ${JSON.stringify(pattern)} is not a valid regular expression: ${regex.message}`,
      );
      return false;
    }
    return regex.test(message);
  };
  const exclusions = alert.spec?.exclusionList ?? [];
  if (exclusions.some((pattern) => test('exclusionList', pattern))) return false;
  const inclusions = alert.spec?.inclusionList ?? [];
  return inclusions.length === 0 || inclusions.some((pattern) => test('inclusionList', pattern));
}

const regexCache = new Map<string, RegExp | Error>();

/** Go's RE2 syntax is close to JavaScript's for the patterns Alerts use; compiled once per pattern. */
function compiled(pattern: string): RegExp | Error {
  let regex = regexCache.get(pattern);
  if (!regex) {
    try {
      regex = new RegExp(pattern);
    } catch (error) {
      regex = error instanceof Error ? error : new Error(String(error));
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, regex);
  }
  return regex;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The event as one Alert sends it: its eventMetadata and summary added, without overriding what the event says. */
export function eventForAlert(event: FluxEvent, alert: Alert): FluxEvent {
  const extra: Record<string, string> = { ...alert.spec?.eventMetadata };
  if (alert.spec?.summary) extra['summary'] = alert.spec.summary;
  if (Object.keys(extra).length === 0) return event;
  return { ...event, metadata: { ...extra, ...event.metadata } };
}
