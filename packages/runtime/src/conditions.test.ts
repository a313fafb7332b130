import { describe, expect, it } from 'vitest';
import {
  getCondition,
  isReconcileRequestPending,
  isTrue,
  markFailed,
  markReady,
  markReconciling,
  markStalled,
  ProgressingWithRetryReason,
  ReconcileRequestAnnotation,
  removeCondition,
  setCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  type ObjectWithConditions,
} from './conditions.ts';

const t0 = new Date('2024-05-01T10:00:00.123Z');
const t1 = new Date('2024-05-01T10:05:00Z');
const t2 = new Date('2024-05-01T10:10:00Z');

function object(generation = 3): ObjectWithConditions {
  return { metadata: { generation } };
}

function types(obj: ObjectWithConditions): string[] {
  return (obj.status?.conditions ?? []).map((condition) => `${condition.type}=${condition.status}`).sort();
}

describe('setCondition', () => {
  it('adds a condition stamped with the generation and a whole-second RFC 3339 time', () => {
    const obj = object(3);
    setCondition(obj, { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: 'stored' }, t0);
    expect(getCondition(obj, 'ArtifactInStorage')).toEqual({
      type: 'ArtifactInStorage',
      status: 'True',
      observedGeneration: 3,
      lastTransitionTime: '2024-05-01T10:00:00Z',
      reason: 'Succeeded',
      message: 'stored',
    });
  });

  it('moves lastTransitionTime only when the status changes', () => {
    const obj = object(1);
    setCondition(obj, { type: 'Ready', status: 'False', reason: 'FetchFailed', message: 'a' }, t0);
    obj.metadata!.generation = 2;
    setCondition(obj, { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'b' }, t1);
    const sameStatus = getCondition(obj, 'Ready');
    expect(sameStatus?.lastTransitionTime).toBe('2024-05-01T10:00:00Z');
    expect(sameStatus?.reason).toBe('BuildFailed');
    expect(sameStatus?.message).toBe('b');
    expect(sameStatus?.observedGeneration).toBe(2);
    setCondition(obj, { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'c' }, t2);
    expect(getCondition(obj, 'Ready')?.lastTransitionTime).toBe('2024-05-01T10:10:00Z');
    expect(obj.status?.conditions).toHaveLength(1);
  });

  it('never leaves Reconciling and Stalled both True', () => {
    const obj = object();
    setCondition(obj, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '' });
    setCondition(obj, { type: 'Stalled', status: 'True', reason: 'InvalidPath', message: '' });
    expect(types(obj)).toEqual(['Stalled=True']);
    setCondition(obj, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '' });
    expect(types(obj)).toEqual(['Reconciling=True']);
  });

  it('cuts a message the API server would reject for its length', () => {
    const obj = object();
    setCondition(obj, { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'x'.repeat(40_000) });
    expect(getCondition(obj, 'Ready')?.message.length).toBe(32_768);
  });

  it('removes a condition', () => {
    const obj = object();
    setCondition(obj, { type: 'Ready', status: 'True', reason: 'Succeeded', message: '' });
    removeCondition(obj, 'Ready');
    expect(getCondition(obj, 'Ready')).toBeUndefined();
    removeCondition(object(), 'Ready');
  });
});

describe('kstatus markers', () => {
  it('markReconciling sets Reconciling=True and Ready=Unknown on a fresh object', () => {
    const obj = object();
    markReconciling(obj, 'Progressing', 'reconciliation in progress', t0);
    expect(types(obj)).toEqual(['Ready=Unknown', 'Reconciling=True']);
    expect(getCondition(obj, 'Ready')?.message).toBe('reconciliation in progress');
  });

  it('markReconciling keeps a Ready=False failure visible while retrying', () => {
    const obj = object();
    markFailed(obj, 'FetchFailed', 'could not reach git.example.com', t0);
    markReconciling(obj, 'Progressing', 'retrying', t1);
    expect(getCondition(obj, 'Ready')).toMatchObject({ status: 'False', reason: 'FetchFailed' });
    expect(isTrue(obj, 'Reconciling')).toBe(true);
  });

  it('markReady clears Reconciling and Stalled', () => {
    const obj = object();
    markReconciling(obj, 'Progressing', 'working', t0);
    markReady(obj, 'Succeeded', 'stored artifact for revision main@sha1:abc', t1);
    expect(types(obj)).toEqual(['Ready=True']);
    markStalled(obj, 'InvalidURL', 'bad url', t1);
    markReady(obj, 'Succeeded', 'fixed', t2);
    expect(types(obj)).toEqual(['Ready=True']);
  });

  it('markStalled sets Stalled=True and Ready=False with the same reason, and clears Reconciling', () => {
    const obj = object();
    markReconciling(obj, 'Progressing', 'working', t0);
    markStalled(obj, 'InvalidURL', 'spec.url "ftp://x" is not http(s) or ssh', t1);
    expect(types(obj)).toEqual(['Ready=False', 'Stalled=True']);
    expect(getCondition(obj, 'Ready')).toMatchObject({
      reason: 'InvalidURL',
      message: 'spec.url "ftp://x" is not http(s) or ssh',
    });
  });

  it('markFailed sets Ready=False and Reconciling=True with ProgressingWithRetry', () => {
    const obj = object();
    markFailed(obj, 'FetchFailed', 'timeout', t0);
    expect(types(obj)).toEqual(['Ready=False', 'Reconciling=True']);
    expect(getCondition(obj, 'Reconciling')?.reason).toBe(ProgressingWithRetryReason);
  });

  it('markFailed on a stalled object does not bring Reconciling back', () => {
    const obj = object();
    markStalled(obj, 'InvalidURL', 'bad', t0);
    markFailed(obj, 'InvalidURL', 'still bad', t1);
    expect(types(obj)).toEqual(['Ready=False', 'Stalled=True']);
  });
});

describe('generation and reconcile requests', () => {
  it('records the observed generation', () => {
    const obj = object(7);
    setObservedGeneration(obj);
    expect(obj.status?.observedGeneration).toBe(7);
  });

  it('tells a pending reconcile request from a handled one', () => {
    const obj: ObjectWithConditions = {
      metadata: { generation: 1, annotations: { [ReconcileRequestAnnotation]: '2024-05-01T10:00:00Z' } },
    };
    expect(isReconcileRequestPending(obj)).toBe(true);
    setLastHandledReconcileAt(obj);
    expect(obj.status?.lastHandledReconcileAt).toBe('2024-05-01T10:00:00Z');
    expect(isReconcileRequestPending(obj)).toBe(false);
    obj.metadata!.annotations![ReconcileRequestAnnotation] = '2024-05-01T11:00:00Z';
    expect(isReconcileRequestPending(obj)).toBe(true);
    const untouched = object();
    setLastHandledReconcileAt(untouched);
    expect(untouched.status).toBeUndefined();
    expect(isReconcileRequestPending(untouched)).toBe(false);
  });
});
