// A Provider's settings from its spec and Secrets, as Flux reads them: secretRef (address, token, username, password,
// headers, proxy), certSecretRef (ca.crt, tls.crt, tls.key), proxySecretRef (address, username, password), timeout.
import type { Provider } from '@fluxion/api';
import { parseGoDuration } from '@fluxion/runtime';
import type { V1Secret } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import type { ProviderSettings } from './notifier.ts';

/** A Provider that cannot be used; the message names the Secret and key, or the field, to fix. */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

export type SecretReader = (namespace: string, name: string) => Promise<V1Secret | undefined>;

/** Flux's default when spec.timeout is empty. */
export const defaultProviderTimeoutMs = 15_000;

export async function providerSettings(
  provider: Provider,
  readSecret: SecretReader,
): Promise<ProviderSettings | ProviderConfigError> {
  const spec = provider.spec;
  const namespace = provider.metadata?.namespace ?? '';
  if (!spec) return new ProviderConfigError('spec is missing');
  const settings: ProviderSettings = {
    type: spec.type,
    uid: provider.metadata?.uid ?? '',
    address: spec.address ?? '',
    channel: spec.channel ?? '',
    username: spec.username ?? '',
    token: '',
    password: '',
    headers: {},
    proxy: spec.proxy ?? '',
    timeoutMs: defaultProviderTimeoutMs,
    tls: {},
  };
  // a named ServiceAccount's cloud identity (token exchange) is not built: say so rather than act as another identity
  if (spec.serviceAccountName)
    return new ProviderConfigError(
      `spec.serviceAccountName ${spec.serviceAccountName}: workload identity is not supported by Fluxion yet; give the credentials in the Secret of spec.secretRef`,
    );
  if (spec.timeout) {
    try {
      settings.timeoutMs = parseGoDuration(spec.timeout);
    } catch {
      return new ProviderConfigError(`spec.timeout ${JSON.stringify(spec.timeout)} is not a duration`);
    }
  }
  if (spec.secretRef) {
    const data = await secretData(readSecret, namespace, spec.secretRef.name);
    if (data instanceof ProviderConfigError) return data;
    if (data['address'] !== undefined) settings.address = data['address'].trim();
    settings.token = data['token']?.trim() ?? '';
    if (data['username'] !== undefined) settings.username = data['username'];
    settings.password = data['password'] ?? '';
    if (data['proxy'] !== undefined) settings.proxy = data['proxy'].trim();
    if (data['headers'] !== undefined) {
      const headers = parseHeaders(data['headers']);
      if (headers instanceof ProviderConfigError)
        return new ProviderConfigError(`Secret ${namespace}/${spec.secretRef.name} key headers: ${headers.message}`);
      settings.headers = headers;
    }
    if (spec.type === 'generic-hmac' && !settings.token) {
      return new ProviderConfigError(
        `Secret ${namespace}/${spec.secretRef.name} has no key token (the generic-hmac signing key)`,
      );
    }
  } else if (spec.type === 'generic-hmac') {
    return new ProviderConfigError('spec.secretRef is required for generic-hmac (its token is the signing key)');
  }
  if (spec.certSecretRef) {
    const data = await secretData(readSecret, namespace, spec.certSecretRef.name);
    if (data instanceof ProviderConfigError) return data;
    const ca = data['ca.crt'] ?? data['caFile'];
    if (ca) settings.tls.ca = ca;
    if (data['tls.crt'] || data['tls.key']) {
      if (!data['tls.crt'] || !data['tls.key']) {
        return new ProviderConfigError(
          `Secret ${namespace}/${spec.certSecretRef.name} has ${data['tls.crt'] ? 'tls.crt without tls.key' : 'tls.key without tls.crt'}`,
        );
      }
      settings.tls.cert = data['tls.crt'];
      settings.tls.key = data['tls.key'];
    }
    if (!ca && !settings.tls.cert)
      return new ProviderConfigError(
        `Secret ${namespace}/${spec.certSecretRef.name} has no key ca.crt nor tls.crt/tls.key`,
      );
  }
  if (spec.proxySecretRef) {
    const data = await secretData(readSecret, namespace, spec.proxySecretRef.name);
    if (data instanceof ProviderConfigError) return data;
    if (!data['address'])
      return new ProviderConfigError(
        `Secret ${namespace}/${spec.proxySecretRef.name} has no key address (the proxy URL)`,
      );
    try {
      const proxy = new URL(data['address'].trim());
      if (data['username']) {
        proxy.username = encodeURIComponent(data['username']);
        proxy.password = encodeURIComponent(data['password'] ?? '');
      }
      settings.proxy = proxy.href;
    } catch {
      return new ProviderConfigError(`Secret ${namespace}/${spec.proxySecretRef.name} key address is not a URL`);
    }
  }
  if (spec.commitStatusExpr) {
    const expression = await commitStatusExpression(spec.type, spec.commitStatusExpr);
    if (expression instanceof ProviderConfigError) return expression;
    settings.commitStatusExpr = expression;
    settings.provider = provider;
  }
  if (!settings.address && needsAddress(spec.type)) {
    return new ProviderConfigError(
      spec.secretRef
        ? `no address: spec.address is empty and Secret ${namespace}/${spec.secretRef.name} has no key address`
        : 'no address: spec.address is empty and no secretRef gives one',
    );
  }
  const addressProblem = settings.address ? invalidAddress(spec.type, settings.address) : undefined;
  if (addressProblem) {
    // the address itself is not repeated: a webhook URL is a credential
    const where =
      spec.secretRef && settings.address !== (spec.address ?? '')
        ? `Secret ${namespace}/${spec.secretRef.name} key address`
        : 'spec.address';
    return new ProviderConfigError(`${where} ${addressProblem}`);
  }
  return settings;
}

/** The commit status types take an expression for their status id; others refuse it, as the CRD does. */
const commitStatusExprTypes = ['github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops'];

async function commitStatusExpression(
  type: string,
  source: string,
): Promise<NonNullable<ProviderSettings['commitStatusExpr']> | ProviderConfigError> {
  if (!commitStatusExprTypes.includes(type))
    return new ProviderConfigError(
      `spec.commitStatusExpr is only supported for the commit status types (${commitStatusExprTypes.join(', ')}), not ${type}`,
    );
  // the CEL library is loaded by the first Provider that has an expression, not by every controller start
  const { compileCel } = await import('@fluxion/runtime/cel');
  try {
    return compileCel(source, 'spec.commitStatusExpr');
  } catch (error) {
    return new ProviderConfigError(error instanceof Error ? error.message : String(error));
  }
}

function invalidAddress(type: string, address: string): string | undefined {
  // a project id (googlepubsub), an Event Hub name or connection string (azureeventhub): checked by their notifier
  if (!needsAddress(type)) return undefined;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'is not a URL';
  }
  const schemes = type === 'nats' ? ['nats:', 'tls:'] : ['http:', 'https:'];
  return schemes.includes(url.protocol) ? undefined : `has the scheme ${url.protocol}, not ${schemes.join(' or ')}`;
}

async function secretData(
  readSecret: SecretReader,
  namespace: string,
  name: string,
): Promise<Record<string, string> | ProviderConfigError> {
  const secret = await readSecret(namespace, name);
  if (!secret) return new ProviderConfigError(`Secret ${namespace}/${name} not found`);
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {}))
    data[key] = Buffer.from(value, 'base64').toString('utf8');
  for (const [key, value] of Object.entries(secret.stringData ?? {})) data[key] = value;
  return data;
}

function parseHeaders(text: string): Record<string, string> | ProviderConfigError {
  try {
    const parsed: unknown = parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed))
      return new ProviderConfigError('expected a map of header names to values');
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  } catch (error) {
    return new ProviderConfigError(
      `not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}

/** Commit-status providers build their URL from the repository address; chat providers need their webhook. */
function needsAddress(type: string): boolean {
  return !['googlepubsub', 'azureeventhub'].includes(type);
}
