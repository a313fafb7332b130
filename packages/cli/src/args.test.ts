import { describe, expect, it } from 'vitest';
import { parseArgs, type FlagSpec } from './args.ts';
import { UsageError } from './cli-error.ts';

const specs: FlagSpec[] = [
  { name: 'namespace', short: 'n', type: 'string', help: '' },
  { name: 'all-namespaces', short: 'A', type: 'boolean', help: '' },
  { name: 'output', short: 'o', type: 'string', default: 'table', choices: ['table', 'json', 'yaml'], help: '' },
  { name: 'components', type: 'list', help: '' },
];

describe('parseArgs', () => {
  it('reads kubectl spellings: --x=v, --x v, -n v, -nv, -A, -ojson, and -- ends flags', () => {
    expect(
      parseArgs(
        ['get', '-n', 'apps', 'ks', '-A', '-ojson', '--components=a,b', '--components', 'c', '--', '-x'],
        specs,
      ),
    ).toEqual({
      positionals: ['get', 'ks', '-x'],
      flags: { namespace: 'apps', 'all-namespaces': true, output: 'json', components: ['a', 'b', 'c'] },
    });
    expect(parseArgs(['-napps', '--all-namespaces=false'], specs).flags).toMatchObject({
      namespace: 'apps',
      'all-namespaces': false,
      output: 'table',
    });
  });

  it('names an unknown flag with the nearest one, and refuses a value not among the choices', () => {
    expect(() => parseArgs(['--namespce', 'x'], specs)).toThrow(
      new UsageError('unknown flag: --namespce; did you mean "namespace"?'),
    );
    expect(() => parseArgs(['-o', 'jsn'], specs)).toThrow(
      /--output: "jsn" is not one of table, json, yaml; did you mean "json"\?/,
    );
    expect(() => parseArgs(['-n'], specs)).toThrow(/-n needs a value/);
  });
});
