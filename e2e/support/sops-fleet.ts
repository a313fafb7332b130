// What the fleet adds for SOPS and CEL: an age-encrypted Secret (encrypted by the real sops CLI) and a custom resource
// whose health a CEL expression judges, both in infra/, with the Kustomization fields and key Secret they need.
import { stringify } from 'yaml';
import { ageKey, sopsEncrypt } from '../../packages/kustomize-controller/test/support/sops-cli.ts';

export const PLATFORM_TOKEN = 'fleet-demo-token-7f3a';
export const SOPS_KEY_SECRET = 'sops-age';

export interface SopsFleet {
  /** Files for infra/ (fleetRepositoryFiles' infraExtras). */
  infraExtras: Record<string, string>;
  /** Fields for the infra Kustomization (fleetSyncObjects' infraSpec). */
  infraSpec: Record<string, unknown>;
  /** The Secret holding the age identity, for the Kustomizations' namespace. */
  keySecret(namespace: string): object;
}

export async function sopsFleet(): Promise<SopsFleet> {
  const age = await ageKey();
  const secret = stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'platform-credentials', namespace: 'platform' },
    type: 'Opaque',
    stringData: { 'api-token': PLATFORM_TOKEN },
  });
  return {
    infraExtras: {
      'platform-credentials.yaml': sopsEncrypt(secret, {
        age: [age.recipient],
        fileName: 'platform-credentials.yaml',
        encryptedRegex: '^(data|stringData)$',
      }),
      'gauge-crd.yaml': stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gauges.fleet.example.com' },
        spec: {
          group: 'fleet.example.com',
          names: { kind: 'Gauge', plural: 'gauges', singular: 'gauge', listKind: 'GaugeList' },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      }),
      // no status subresource: the manifest carries the status the expression reads
      'gauge.yaml': stringify({
        apiVersion: 'fleet.example.com/v1',
        kind: 'Gauge',
        metadata: { name: 'pressure', namespace: 'platform' },
        spec: { unit: 'bar' },
        status: { phase: 'Calibrated' },
      }),
    },
    infraSpec: {
      decryption: { provider: 'sops', secretRef: { name: SOPS_KEY_SECRET } },
      healthCheckExprs: [
        {
          apiVersion: 'fleet.example.com/v1',
          kind: 'Gauge',
          current: "status.phase == 'Calibrated'",
          failed: "status.phase == 'Broken'",
        },
      ],
    },
    keySecret: (namespace) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SOPS_KEY_SECRET, namespace },
      stringData: { 'identity.agekey': `${age.identity}\n` },
    }),
  };
}
