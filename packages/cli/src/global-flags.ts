// The flags every command takes, named as kubectl names them.
import type { FlagSpec } from './args.ts';

export const helpFlag: FlagSpec = { name: 'help', short: 'h', type: 'boolean', help: 'help for this command' };

export const clusterFlags: readonly FlagSpec[] = [
  {
    name: 'kubeconfig',
    type: 'string',
    help: 'path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)',
  },
  { name: 'context', type: 'string', help: 'the kubeconfig context to use (default: its current-context)' },
  { name: 'namespace', short: 'n', type: 'string', help: "the namespace (default: the context's, else flux-system)" },
  { name: 'all-namespaces', short: 'A', type: 'boolean', help: 'every namespace' },
  { name: 'request-timeout', type: 'string', default: '30', help: 'seconds to wait for one API request' },
];

export const outputFlag: FlagSpec = {
  name: 'output',
  short: 'o',
  type: 'string',
  default: 'table',
  choices: ['table', 'json', 'yaml'],
  help: 'output format',
};
export const timeoutFlag: FlagSpec = {
  name: 'timeout',
  type: 'string',
  default: '5m',
  help: 'how long to wait (e.g. 90s, 5m)',
};
export const watchFlag: FlagSpec = {
  name: 'watch',
  short: 'w',
  type: 'boolean',
  help: 'keep watching and print changes as they happen',
};
