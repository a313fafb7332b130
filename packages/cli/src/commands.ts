// Every command, in the order help lists them; metadata only, each command's code is imported when it runs.
import type { FlagSpec } from './args.ts';
import type { CommandSpec } from './command.ts';
import { outputFlag, timeoutFlag, watchFlag } from './global-flags.ts';

const allFlag: FlagSpec = { name: 'all', type: 'boolean', help: 'every object of the kind in the namespace' };
const pathFlag: FlagSpec = { name: 'path', type: 'string', help: 'a local directory to build instead of the artifact' };
const kustomizationFileFlag: FlagSpec = {
  name: 'kustomization-file',
  type: 'string',
  help: 'a local YAML file holding the Kustomization, instead of reading it from the cluster',
};

export const commands: readonly CommandSpec[] = [
  {
    words: [['version']],
    usage: 'fluxion version [--client]',
    summary: 'print the CLI version and the versions the cluster runs',
    flags: [{ name: 'client', type: 'boolean', help: 'only the CLI, without asking the cluster' }, outputFlag],
    cluster: true,
    load: () => import('./commands/version.ts'),
  },
  {
    words: [['get']],
    usage: 'fluxion get <kind> [name...] [-n ns | -A] [-o table|json|yaml] [--watch]',
    summary: 'list Flux objects with their readiness, revision and message',
    description:
      'Kinds: all, sources all, source git|oci|helm|chart|bucket|external, kustomizations (ks), helmreleases (hr), alerts, alert-providers,\n' +
      'receivers, images all, image repository|policy|update. Each kind is listed in one request; kinds whose CRD is not\n' +
      'installed are left out of `all`.',
    examples: [
      'fluxion get ks -A',
      'fluxion get all -n apps',
      'fluxion get source git podinfo -o yaml',
      'fluxion get ks --watch',
    ],
    flags: [
      outputFlag,
      watchFlag,
      { name: 'status-selector', type: 'string', help: 'only objects with this Ready status, e.g. ready=false' },
    ],
    cluster: true,
    load: () => import('./commands/get.ts'),
  },
  {
    words: [['reconcile']],
    usage: 'fluxion reconcile <kind> <name> [--with-source] [--timeout 5m]',
    summary: 'ask for a reconcile now and wait for its outcome',
    description:
      'Sets reconcile.fluxcd.io/requestedAt and waits until the controller reports it handled (status.lastHandledReconcileAt),\n' +
      'then prints the revision, or the failure (exit code 1). Past --timeout it prints the last condition and exits 1.',
    examples: ['fluxion reconcile ks apps --with-source', 'fluxion reconcile source git podinfo -n apps'],
    flags: [{ name: 'with-source', type: 'boolean', help: "reconcile the object's source first" }, timeoutFlag],
    cluster: true,
    load: () => import('./commands/reconcile.ts'),
  },
  {
    words: [['suspend']],
    usage: 'fluxion suspend <kind> <name...> | --all',
    summary: 'stop reconciling an object (spec.suspend: true)',
    examples: ['fluxion suspend ks podinfo', 'fluxion suspend hr --all -n apps'],
    flags: [allFlag],
    cluster: true,
    load: () => import('./commands/suspend.ts'),
  },
  {
    words: [['resume']],
    usage: 'fluxion resume <kind> <name...> | --all [--wait=false]',
    summary: 'reconcile a suspended object again, and wait until it is ready',
    examples: ['fluxion resume ks podinfo'],
    flags: [
      allFlag,
      { name: 'wait', type: 'boolean', default: true, help: 'wait for the reconcile that resuming asks for' },
      timeoutFlag,
    ],
    cluster: true,
    load: () => import('./commands/resume.ts'),
  },
  {
    words: [['status']],
    usage: 'fluxion status [-n ns]',
    summary: 'one screen for on-call: what is failing, since when, the last good revision, what to run next',
    description: 'Looks at every namespace unless -n is given. Exit code 1 when something is failing.',
    flags: [outputFlag],
    cluster: true,
    load: () => import('./commands/status.ts'),
  },
  {
    words: [['events']],
    usage: 'fluxion events [<kind> <name>] [-n ns | -A] [--watch]',
    summary: 'Kubernetes Events of Flux objects, newest last',
    examples: ['fluxion events -A', 'fluxion events ks podinfo', 'fluxion events --watch'],
    flags: [watchFlag, { name: 'types', type: 'string', help: 'only Normal or Warning events' }, outputFlag],
    cluster: true,
    load: () => import('./commands/events.ts'),
  },
  {
    words: [['tree']],
    usage: 'fluxion tree ks <name>',
    summary: "a Kustomization's inventory as a tree, nested Kustomizations expanded",
    flags: [outputFlag],
    cluster: true,
    load: () => import('./commands/tree.ts'),
  },
  {
    words: [['export']],
    usage: 'fluxion export <kind> <name...> | --all',
    summary: 'print objects as YAML to apply elsewhere (no status, no server-set metadata)',
    examples: ['fluxion export source git --all -n flux-system > sources.yaml'],
    flags: [allFlag],
    cluster: true,
    load: () => import('./commands/export.ts'),
  },
  {
    words: [['create'], ['source'], ['git']],
    usage:
      'fluxion create source git <name> --url <url> [--branch main | --tag t | --semver r | --commit sha] [--export]',
    summary: 'create a GitRepository, or print it with --export',
    flags: [
      { name: 'url', type: 'string', help: 'the repository URL (https://, ssh://)' },
      { name: 'branch', type: 'string', help: 'branch to follow' },
      { name: 'tag', type: 'string', help: 'tag to check out' },
      { name: 'semver', type: 'string', help: 'semver range of tags' },
      { name: 'commit', type: 'string', help: 'commit SHA' },
      { name: 'interval', type: 'string', default: '1m0s', help: 'how often to fetch' },
      { name: 'secret-ref', type: 'string', help: 'Secret with credentials' },
      { name: 'export', type: 'boolean', help: 'print the YAML instead of creating it' },
      timeoutFlag,
    ],
    cluster: true,
    load: () => import('./commands/create-source-git.ts'),
  },
  {
    words: [['create'], ['kustomization', 'ks']],
    usage: 'fluxion create kustomization <name> --source GitRepository/<name> --path ./deploy [--prune] [--export]',
    summary: 'create a Kustomization, or print it with --export',
    flags: [
      { name: 'source', type: 'string', help: 'Kind/name[.namespace] of the source (default kind GitRepository)' },
      { name: 'path', type: 'string', default: './', help: 'path in the source' },
      { name: 'prune', type: 'boolean', help: 'delete what is removed from the source' },
      { name: 'interval', type: 'string', default: '1m0s', help: 'how often to reconcile' },
      { name: 'target-namespace', type: 'string', help: 'namespace for the objects' },
      { name: 'depends-on', type: 'list', help: 'Kustomizations to wait for, name or namespace/name' },
      { name: 'wait', type: 'boolean', help: 'wait for the applied objects to be ready' },
      { name: 'export', type: 'boolean', help: 'print the YAML instead of creating it' },
      timeoutFlag,
    ],
    cluster: true,
    load: () => import('./commands/create-kustomization.ts'),
  },
  {
    words: [['check']],
    usage: 'fluxion check [--pre]',
    summary: 'cluster version, Flux CRDs and their versions, and whether each installed controller is ready',
    flags: [{ name: 'pre', type: 'boolean', help: 'only the cluster prerequisites' }],
    cluster: true,
    load: () => import('./commands/check.ts'),
  },
  {
    words: [['build'], ['kustomization', 'ks']],
    usage: 'fluxion build ks <name> [--path ./local/dir] [--kustomization-file ks.yaml]',
    summary: "render what a Kustomization would apply: its artifact (or --path) built, Flux's substitutions applied",
    flags: [pathFlag, kustomizationFileFlag],
    cluster: true,
    load: () => import('./commands/build.ts'),
  },
  {
    words: [['diff'], ['kustomization', 'ks']],
    usage: 'fluxion diff ks <name> [--path ./local/dir | --revision <git ref>]',
    summary:
      'what applying a local path or a git ref would change in the cluster (server-side dry run); exit 1 on changes',
    description: 'Secrets are masked. --revision fetches the ref from the GitRepository the Kustomization uses.',
    flags: [
      pathFlag,
      kustomizationFileFlag,
      { name: 'revision', type: 'string', help: 'a branch, tag or commit of the source repository' },
    ],
    cluster: true,
    load: () => import('./commands/diff.ts'),
  },
  {
    words: [['logs']],
    usage: 'fluxion logs [--kind K --name N] [--level error] [--tail N] [--log-file F]',
    summary: "the controllers' logs, filtered to one object",
    flags: [
      { name: 'kind', type: 'string', help: 'only lines about this kind' },
      { name: 'name', type: 'string', help: 'only lines about this name' },
      { name: 'level', type: 'string', choices: ['debug', 'info', 'error'], help: 'only lines at this level' },
      { name: 'tail', type: 'string', help: 'the last N lines of each controller' },
      {
        name: 'log-file',
        type: 'list',
        help: "read these files instead of the controllers' pods (controllers run as processes)",
      },
    ],
    cluster: true,
    load: () => import('./commands/logs.ts'),
  },
  {
    words: [['install']],
    usage: 'fluxion install [--components source,kustomize] [--export]',
    summary: "install Fluxion's Helm chart (CRDs and the chosen controllers)",
    flags: [
      {
        name: 'components',
        type: 'list',
        help: 'controllers to enable: source, kustomize, helm, notification, image-reflector, image-automation',
      },
      { name: 'export', type: 'boolean', help: 'print the manifests instead of installing them' },
      { name: 'chart', type: 'string', help: 'the chart directory (default: the one in this checkout)' },
    ],
    cluster: true,
    load: () => import('./commands/install.ts'),
  },
  {
    words: [['push'], ['artifact']],
    usage: 'fluxion push artifact oci://<registry>/<repository>:<tag> --path <dir> [--source url] [--revision rev]',
    summary: "a directory as an OCI artifact in Flux's format, for an OCIRepository to consume",
    examples: [
      'fluxion push artifact oci://ghcr.io/org/manifests:v1 --path ./deploy --source https://github.com/org/repo --revision main@sha1:abc',
    ],
    flags: [
      { name: 'path', short: 'f', type: 'string', help: 'the directory to push' },
      { name: 'reproducible', type: 'boolean', help: 'a fixed created time, so equal content gives an equal digest' },
      { name: 'source', type: 'string', help: 'where it came from (org.opencontainers.image.source)' },
      { name: 'revision', type: 'string', help: 'its revision (org.opencontainers.image.revision)' },
      { name: 'ignore-paths', type: 'list', help: 'patterns to leave out, e.g. *.md' },
      { name: 'creds', type: 'string', help: 'registry credentials as <username>:<password>' },
      { name: 'insecure-registry', type: 'boolean', help: 'plain HTTP' },
    ],
    cluster: false,
    load: () => import('./commands/push-artifact.ts'),
  },
  {
    words: [['pull'], ['artifact']],
    usage: 'fluxion pull artifact oci://<registry>/<repository>:<tag> --output <dir>',
    summary: 'download an OCI artifact (digest checked) and unpack its content layer',
    flags: [
      { name: 'output', short: 'o', type: 'string', help: 'the directory to unpack into' },
      { name: 'creds', type: 'string', help: 'registry credentials as <username>:<password>' },
      { name: 'insecure-registry', type: 'boolean', help: 'plain HTTP' },
    ],
    cluster: false,
    load: () => import('./commands/pull-artifact.ts'),
  },
  {
    words: [['completion']],
    usage: 'fluxion completion bash|zsh',
    summary: 'print a shell completion script: source <(fluxion completion bash)',
    flags: [],
    cluster: false,
    load: () => import('./commands/completion.ts'),
  },
];
