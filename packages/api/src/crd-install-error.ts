// The error installCrds throws: which CRD, and why.
/** A CRD the API server did not accept, or did not start serving in time. */
export class CrdInstallError extends Error {
  override name = 'CrdInstallError';
  readonly reason: string;
  readonly crdName: string;
  constructor(crdName: string, reason: string, message: string) {
    super(`CRD ${crdName}: ${message}`);
    this.crdName = crdName;
    this.reason = reason;
  }
}
