// make test's guard against drift from Flux's API: our CRDs against the field lists kept in flux-api/.
import { describe, expect, it } from 'vitest';
import { loadCrds } from './crd-files.ts';
import { checkFluxFacts, compareWithFlux, fieldLines, loadFluxFacts, loadFluxFieldLists } from './crd-parity.ts';

const crds = new Map(loadCrds().map((crd) => [crd.metadata.name, crd]));

describe("CRDs equal to Flux's documented API", () => {
  for (const flux of loadFluxFieldLists()) {
    it(`${flux.crd}: every field, required flag and enum as Flux documents them`, () => {
      const crd = crds.get(flux.crd);
      expect(crd, `no CRD ${flux.crd} in packages/api/crds`).toBeDefined();
      if (crd) expect(compareWithFlux(crd, flux)).toEqual([]);
    });
  }

  for (const facts of loadFluxFacts()) {
    it(`${facts.crd}: the facts checked against Flux`, () => {
      const crd = crds.get(facts.crd);
      expect(crd, `no CRD ${facts.crd} in packages/api/crds`).toBeDefined();
      if (crd) expect(checkFluxFacts(crd, facts)).toEqual([]);
      for (const pending of facts.pending ?? [])
        console.info(`[crd-parity] known difference, ${facts.crd}: ${pending}`);
    });
  }

  it('would catch drift: a field dropped, a required flag changed and an extra field are each reported', () => {
    const [flux] = loadFluxFieldLists();
    const crd = structuredClone(crds.get(flux?.crd ?? ''));
    const spec = crd?.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec;
    if (!flux || !crd || !spec?.properties) throw new Error('the Kustomization list and CRD are needed');
    delete spec.properties['ignore'];
    spec.required = (spec.required ?? []).filter((name) => name !== 'prune');
    spec.properties['credential'] = { type: 'string' };
    const differences = compareWithFlux(crd, flux);
    expect(differences).toContain(`${flux.crd}: Flux has spec.ignore, we do not`);
    expect(differences).toContain(`${flux.crd}: Flux has spec.prune!, we have spec.prune`);
    expect(differences).toContain(`${flux.crd}: we have spec.credential, which Flux does not`);
    expect(fieldLines(crd)).not.toContain('spec.ignore[].paths!');
  });
});
