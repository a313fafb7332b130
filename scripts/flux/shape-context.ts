// What a shape of bench-vs-flux is given: the cluster, its controllers started one side at a time, a measured phase,
// and where its figures go. bench-vs-flux.ts builds it; each shape file only uses it.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { GroupVersionKind, KubeClient } from '../../packages/runtime/src/index.ts';
import type { ControllerName, FluxBuild, RunningController, Side } from './controllers.ts';

export interface Condition {
  type: string;
  status: string;
}
export type Toolkit = KubernetesObject & {
  status?: {
    conditions?: Condition[];
    lastAppliedRevision?: string;
    lastHandledReconcileAt?: string;
    artifact?: { revision?: string };
  };
};
export const isReady = (object: Toolkit): boolean =>
  Boolean(object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

/** One measured phase of the measured controller: wall seconds, CPU seconds, peak RSS, and its API requests. */
export interface Phase {
  seconds: number;
  cpu: number;
  peakMiB: number;
  requests: Map<string, number>;
}
export type Measure = (what: () => Promise<unknown>) => Promise<Phase>;
export type Figures = Record<string, number | string | undefined>;

export interface ControllersBody {
  /** The measured controller (the last of those started). */
  (controller: RunningController, measure: Measure): Promise<void>;
}

export interface ShapeContext {
  client: KubeClient;
  namespace: string;
  flux: FluxBuild;
  /** A scratch directory of the run, removed at its end. */
  work: string;
  log: (text: string) => void;
  /** Reports a failure of one side or controller in the report's Failures; the run goes on, and exits 1 at its end. */
  fail: (message: string) => void;
  /**
   * Starts `names` in order on `side` (the last is measured; the others only serve it, and their API requests are
   * not counted), with its CRDs installed, once the measured one has gone quiet; runs `body`; then stops them all and
   * empties the namespace. `concurrent` overrides a controller's --concurrent.
   */
  /** Runs `run` for each side in turn; one side failing is reported (fail) and the next still runs. */
  forEachSide(sides: readonly Side[], what: string, run: (side: Side) => Promise<void>): Promise<void>;
  withControllers(
    side: Side,
    names: readonly ControllerName[],
    body: ControllersBody,
    concurrent?: Partial<Record<ControllerName, number>>,
  ): Promise<void>;
  /** The row of figures of `shape` for `side`, to add to. */
  figures(shape: string, side: Side): Figures;
  /** Writes a phase's wall time, CPU, peak RSS and API requests per object into `shape`'s row for `side`. */
  record(shape: string, side: Side, phase: Phase, objects: number): Figures;
  /**
   * Resolves when `count` objects of `gvk` in the namespace satisfy `done`, as a watch sees them (the end of a
   * measured phase: no polling lag), failing early if `controller` has exited.
   */
  untilAll<T extends Toolkit>(
    controller: RunningController,
    gvk: GroupVersionKind,
    count: number,
    done: (object: T) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<void>;
  /**
   * The unchanged cycle of a shape, measured: every one of `names` asked to reconcile, until each has handled the
   * request (and `settled` holds for it). Recorded as `shape`'s row for `side`, with the time the bench's own requests
   * took; returned for the shape's own figures.
   */
  unchangedCycle(
    cycle: { shape: string; side: Side; controller: RunningController; measure: Measure },
    gvk: GroupVersionKind,
    names: readonly string[],
    settled?: (object: Toolkit) => boolean,
  ): Promise<{ row: Figures; phase: Phase }>;
  /** Polls `check` every `intervalMs` up to `timeoutMs`, failing early if `controller` has exited. */
  until(
    controller: RunningController,
    check: () => Promise<boolean>,
    timeoutMs: number,
    what: string,
    intervalMs?: number,
  ): Promise<void>;
}
