// Commit statuses: the commit is the one in the event's revision (`main@sha1:<hex>`), the repository the Provider's
// address; info is success, error is failure. githubdispatch sends a repository_dispatch instead.
import type { Alert } from '@fluxion/api';
import type { FluxEvent } from '../flux-event.ts';
import { postJson } from './http-post.ts';
import { DeliveryError, type Notifier, type ProviderSettings } from './notifier.ts';

/** The commit SHA of a Flux revision: `main@sha1:<hex>`, `sha1:<hex>`, or the older `main/<hex>`; undefined otherwise. */
export function commitOf(revision: string | undefined): string | undefined {
  if (!revision) return undefined;
  const match = /(?:^|@)sha1:([0-9a-f]{40})$/.exec(revision) ?? /^[^@]+\/([0-9a-f]{40})$/.exec(revision);
  return match?.[1];
}

/**
 * The commit status id: spec.commitStatusExpr evaluated with `event`, `provider` and `alert`, or
 * `kustomization/web/<first part of the Provider uid>`, as Flux keys commit statuses by default.
 */
export function statusId(event: FluxEvent, settings: ProviderSettings, alert?: Alert): string {
  const expression = settings.commitStatusExpr;
  if (!expression)
    return `${event.involvedObject.kind.toLowerCase()}/${event.involvedObject.name}/${settings.uid.split('-')[0] ?? ''}`;
  let id: string;
  try {
    id = expression.evaluateString({ event, provider: settings.provider ?? {}, alert: alert ?? {} });
  } catch (error) {
    // the same expression fails the same way at every retry
    throw new DeliveryError(`spec.commitStatusExpr: ${error instanceof Error ? error.message : String(error)}`, {
      retryable: false,
    });
  }
  if (!id)
    throw new DeliveryError(`spec.commitStatusExpr '${expression.source}' gave an empty id`, { retryable: false });
  return id;
}

interface Repository {
  origin: string;
  host: string;
  /** Path segments after the host, without .git. */
  path: string[];
}

function repositoryOf(address: string, type: string): Repository {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new DeliveryError(`the address is not a repository URL (${type} needs e.g. https://host/owner/repo)`, {
      retryable: false,
    });
  }
  const path = url.pathname
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (path.length < 2)
    throw new DeliveryError(`the address names no owner/repository (${type} needs e.g. https://host/owner/repo)`, {
      retryable: false,
    });
  return { origin: url.origin, host: url.host, path };
}

function description(event: FluxEvent, limit = 140): string {
  return event.message.length > limit ? `${event.message.slice(0, limit - 3)}...` : event.message;
}

type StatusRequest = (
  event: FluxEvent,
  sha: string,
  settings: ProviderSettings,
  repository: Repository,
  id: string,
) => { address: string; payload: unknown; headers: Record<string, string> };

const statusRequests: Record<string, StatusRequest> = {
  github: (event, sha, settings, { origin, host, path }, id) => ({
    address: `${host === 'github.com' ? 'https://api.github.com' : `${origin}/api/v3`}/repos/${path.slice(0, 2).join('/')}/statuses/${sha}`,
    payload: {
      state: event.severity === 'error' ? 'failure' : 'success',
      context: id,
      description: description(event),
    },
    headers: { authorization: `Bearer ${settings.token}`, accept: 'application/vnd.github+json' },
  }),
  gitlab: (event, sha, settings, { origin, path }, id) => ({
    address: `${origin}/api/v4/projects/${encodeURIComponent(path.join('/'))}/statuses/${sha}`,
    payload: {
      state: event.severity === 'error' ? 'failed' : 'success',
      name: id,
      description: description(event, 255),
    },
    headers: { 'PRIVATE-TOKEN': settings.token },
  }),
  gitea: (event, sha, settings, { origin, path }, id) => ({
    address: `${origin}/api/v1/repos/${path.slice(0, 2).join('/')}/statuses/${sha}`,
    payload: {
      state: event.severity === 'error' ? 'failure' : 'success',
      context: id,
      description: description(event),
    },
    headers: { authorization: `token ${settings.token}` },
  }),
  bitbucket: (event, sha, settings, { origin, host, path }, id) => {
    // the token is `<username>:<app password>`, as Flux reads it
    const [username = settings.username, password = settings.password] = settings.token.includes(':')
      ? settings.token.split(':', 2)
      : [];
    return {
      address: `${host === 'bitbucket.org' ? 'https://api.bitbucket.org' : origin}/2.0/repositories/${path.slice(0, 2).join('/')}/commit/${sha}/statuses/build`,
      payload: {
        state: event.severity === 'error' ? 'FAILED' : 'SUCCESSFUL',
        key: id.slice(0, 40),
        name: id,
        description: description(event),
        url: `${origin}/${path.join('/')}`,
      },
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    };
  },
  bitbucketserver: (event, sha, settings, { origin, path }, id) => {
    // https://host/scm/<project>/<repo>.git
    const [project, repo] = path[0] === 'scm' ? path.slice(1, 3) : path.slice(0, 2);
    return {
      address: `${origin}/rest/api/latest/projects/${project}/repos/${repo}/commits/${sha}/builds`,
      payload: {
        state: event.severity === 'error' ? 'FAILED' : 'SUCCESSFUL',
        key: id,
        name: id,
        description: description(event),
        url: `${origin}/${path.join('/')}`,
      },
      headers: settings.token
        ? { authorization: `Bearer ${settings.token}` }
        : { authorization: `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}` },
    };
  },
  azuredevops: (event, sha, settings, { origin, path }, id) => {
    // https://dev.azure.com/<org>/<project>/_git/<repo>
    const git = path.indexOf('_git');
    const [organization, project, repo] =
      git >= 2 ? [path[git - 2], path[git - 1], path[git + 1]] : [path[0], path[1], path[2]];
    return {
      address: `${origin}/${organization}/${project}/_apis/git/repositories/${repo}/commits/${sha}/statuses?api-version=6.0`,
      payload: {
        state: event.severity === 'error' ? 'failed' : 'succeeded',
        description: description(event),
        context: { genre: 'fluxcd', name: id },
      },
      headers: { authorization: `Basic ${Buffer.from(`:${settings.token}`).toString('base64')}` },
    };
  },
};

export function commitStatusNotifier(settings: ProviderSettings): Notifier {
  const build = statusRequests[settings.type];
  if (!build) throw new Error(`no commit status API for ${settings.type}`);
  const repository = repositoryOf(settings.address, settings.type);
  return {
    async post(event: FluxEvent, signal: AbortSignal, alert?: Alert): Promise<void> {
      const sha = commitOf(event.metadata?.['revision']);
      // events without a Git commit (an OCI digest, no revision) have no status to set
      if (!sha) return;
      const request = build(event, sha, settings, repository, statusId(event, settings, alert));
      await postJson(request.address, request.payload, {
        headers: { ...request.headers, ...settings.headers },
        timeoutMs: settings.timeoutMs,
        tls: settings.tls,
        proxy: settings.proxy,
        signal,
      });
    },
  };
}

export const commitStatusTypes = Object.keys(statusRequests);

/** githubdispatch: a repository_dispatch whose event_type names the object and whose client_payload is the event. */
export function githubDispatchNotifier(settings: ProviderSettings): Notifier {
  const { origin, host, path } = repositoryOf(settings.address, 'githubdispatch');
  const address = `${host === 'github.com' ? 'https://api.github.com' : `${origin}/api/v3`}/repos/${path.slice(0, 2).join('/')}/dispatches`;
  return {
    post: async (event, signal) => {
      const object = event.involvedObject;
      await postJson(
        address,
        { event_type: `${object.kind}/${object.name}.${object.namespace}`, client_payload: event },
        {
          headers: {
            authorization: `Bearer ${settings.token}`,
            accept: 'application/vnd.github+json',
            ...settings.headers,
          },
          timeoutMs: settings.timeoutMs,
          tls: settings.tls,
          proxy: settings.proxy,
          signal,
        },
      );
    },
  };
}
