// Generated from the CRDs of more than one kind by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.

export interface LocalObjectReference {
  /** Name of the referent. */
  name: string;
}

/** One aspect of the object's current state. */
export interface Condition {
  /**
   * Type of the condition, in CamelCase.
   * @pattern ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$
   * @maxLength 316
   */
  type: string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /**
   * The generation the condition was set for.
   * @format int64
   * @minimum 0
   */
  observedGeneration?: number;
  /**
   * When the status last changed.
   * @format date-time
   */
  lastTransitionTime: string;
  /**
   * Machine-readable reason for the last transition, in CamelCase.
   * @pattern ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$
   * @minLength 1
   * @maxLength 1024
   */
  reason: string;
  /**
   * Human-readable details of the last transition.
   * @maxLength 32768
   */
  message: string;
}
