// A kubeconfig (or in-cluster config, or credential plugin) that cannot be used; the message names the file and field.
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  readonly reason = 'InvalidKubeConfig';
}
