// --only picks shapes by name, keeps the run's order, and names what it does not know.
import { describe, expect, it } from 'vitest';
import { selectShapes } from './shape-selection.ts';

const shapes = [{ shape: 'kustomizations' }, { shape: 'ocirepositories' }, { shape: 'idle' }];

describe('selectShapes', () => {
  it('runs every shape without --only', () => {
    expect(selectShapes(shapes, undefined)).toEqual({ selected: shapes, unknown: [] });
  });

  it('runs the listed shapes in the order of the run, not of the list', () => {
    expect(selectShapes(shapes, 'idle, kustomizations').selected.map(({ shape }) => shape)).toEqual([
      'kustomizations',
      'idle',
    ]);
  });

  it('names the words that are no shape', () => {
    expect(selectShapes(shapes, 'idle,helmrelease').unknown).toEqual(['helmrelease']);
  });
});
