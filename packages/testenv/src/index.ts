// testenv: a real Kubernetes control plane and real fixture servers, for tests, benchmarks and the demo.
export { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
export {
  useTestNamespace,
  sharedKubeconfigPath,
  deleteRunNamespaces,
  KUBECONFIG_ENV,
  type TestNamespace,
} from './test-namespace.ts';
export { findBinary, requireBinaries, buildCacheDir, KUBE_VERSION, BUILD_SCRIPT } from './binaries.ts';
export { TestEnvError } from './errors.ts';
export { freePort } from './ports.ts';
export { median } from './median.ts';
export { eventually, pollUntil, StopPolling, type PollOptions } from './eventually.ts';
export { deleteAllAndWait, type ObjectDeleter } from './delete-all.ts';
export {
  numberFlag,
  formatSeconds,
  progress,
  peakRssMiB,
  cpuSeconds,
  isReady,
  forEachLine,
  LogTail,
  waitForAll,
  stopProcess,
  mapLimit,
  reconcileRequest,
  isReadyAfterRequest,
  inBatches,
  benchCluster,
  pushBenchArtifacts,
  benchOciRepositorySpec,
  benchArtifactRepository,
  BENCH_ARTIFACT_TAG,
  type BenchCluster,
  type WaitForAllOptions,
} from './bench-support.ts';
export { isProcessAlive } from './state-dir.ts';
export { FAKE_NODE_NAME } from './fake-node.ts';
export { REAL_NODE_NAME, type RealNode } from './real-node.ts';
export {
  startGitHttpServer,
  type GitHttpServer,
  type GitHttpsServer,
  type GitHttpServerOptions,
} from './fixtures/git-http-server.ts';
export { createTestCertificates, type TestCertificates } from './fixtures/test-certificates.ts';
export { startGitSshServer, type GitSshServer } from './fixtures/git-ssh-server.ts';
export { GitRepositories, git, type CommitOptions } from './fixtures/git-repositories.ts';
export { startOciRegistry, type OciRegistry, type OciRegistryOptions } from './fixtures/oci-registry.ts';
export type { TokenServer } from './fixtures/oci-token-server.ts';
export { startStaticServer, type StaticServerOptions } from './fixtures/static-server.ts';
export { startWebhookSink, type WebhookSink, type RecordedRequest } from './fixtures/webhook-sink.ts';
export { startHttpProxy, type HttpProxy } from './fixtures/http-proxy.ts';
export { startNatsServer, type NatsServer } from './fixtures/nats-server.ts';
export type { RunningServer, HttpCredentials } from './fixtures/http-listen.ts';
export {
  startHelmRepository,
  writeChart,
  type HelmRepositoryFixture,
  type HelmChartSource,
  type HelmRepositoryFixtureOptions,
} from './fixtures/helm-repository.ts';
export { findHelmBinary, runHelm } from './fixtures/helm-binary.ts';
export {
  startS3Server,
  findS3ServerBinary,
  VERSITYGW_VERSION,
  type S3Server,
  type S3ServerOptions,
} from './fixtures/s3-server.ts';
export {
  pushArtifact,
  fluxConfigMediaType,
  fluxContentMediaType,
  ociLayerMediaType,
  type ArtifactPusher,
  type PushArtifactOptions,
  type PushedArtifact,
} from './fixtures/oci-artifacts.ts';
export { tarGz, filesToEntries, type TarGzEntry } from './fixtures/tar-gz.ts';
export { tarArchive, sha256Digest, type TarItem } from './fixtures/tar-builder.ts';
