import { describe, expect, it } from 'vitest';
import { envsubst, EnvsubstError } from './envsubst.ts';

const vars: Record<string, string> = { NAME: 'web', EMPTY: '', REGION: 'eu-west-1', PATH_VAR: 'a/b/c.tar.gz' };
const lookup = (name: string) => vars[name];
const strict = (text: string) => envsubst(text, lookup, { strict: true });
const lenient = (text: string) => envsubst(text, lookup, { strict: false });

describe('envsubst', () => {
  it('expands ${VAR} and $VAR', () => {
    expect(strict('name: ${NAME}-$NAME')).toBe('name: web-web');
  });

  it('uses defaults: := and :- when unset or empty, = and - only when unset', () => {
    expect(strict('${MISSING:=d1} ${EMPTY:=d2} ${MISSING:-d3} ${EMPTY:-d4} ${NAME:-x}')).toBe('d1 d2 d3 d4 web');
    expect(strict('[${EMPTY=d}] [${EMPTY-d}] ${MISSING-d}')).toBe('[] [] d');
    expect(strict('${MISSING:=${NAME}-x}')).toBe('web-x');
  });

  it('keeps $${VAR} as a literal ${VAR}', () => {
    expect(strict('$${NAME} costs $$5')).toBe('${NAME} costs $5');
  });

  it('fails on an unset variable in strict mode, naming it, and yields empty otherwise', () => {
    const error = (() => {
      try {
        strict('a: ${MISSING}');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EnvsubstError);
    expect((error as EnvsubstError).variable).toBe('MISSING');
    expect((error as Error).message).toBe('variable not set (strict mode): "MISSING"');
    expect(lenient('a: [${MISSING}]')).toBe('a: []');
  });

  it('supports case, length, substring, prefix/suffix removal and replacement', () => {
    expect(strict('${NAME^} ${NAME^^} ${#REGION} ${REGION:3} ${REGION:0:2}')).toBe('Web WEB 9 west-1 eu');
    expect(strict('${PATH_VAR#*/} ${PATH_VAR##*/} ${PATH_VAR%.*} ${PATH_VAR%%.*}')).toBe(
      'b/c.tar.gz c.tar.gz a/b/c.tar a/b/c',
    );
    expect(strict('${REGION/-/_} ${REGION//-/_}')).toBe('eu_west-1 eu_west_1');
  });

  it('leaves a lone $ and unknown forms alone, and rejects malformed expressions', () => {
    expect(strict('cost: 5$ and $@')).toBe('cost: 5$ and $@');
    expect(() => strict('${NAME')).toThrow(/unclosed/);
    expect(() => strict('${-x}')).toThrow(/bad substitution/);
  });
});
