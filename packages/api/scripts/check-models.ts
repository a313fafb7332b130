// Fails when src/generated/ differs from what the CRDs generate, naming each file to regenerate.
// Usage: node packages/api/scripts/check-models.ts
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedDir, writeModels } from './generate-models.ts';

/** Files whose committed content differs from a fresh generation (missing, changed or stale). */
export function staleModelFiles(committedDir: string = generatedDir, crdsRoot?: string): string[] {
  const freshDir = mkdtempSync(join(tmpdir(), 'fluxion-api-models-'));
  try {
    writeModels(freshDir, crdsRoot);
    const fresh = new Set(readdirSync(freshDir));
    const committed = new Set(readdirSync(committedDir).filter((file) => file.endsWith('.ts')));
    const stale: string[] = [];
    for (const file of [...new Set([...fresh, ...committed])].sort()) {
      if (!fresh.has(file)) stale.push(`${file} (no CRD generates it any more)`);
      else if (!committed.has(file)) stale.push(`${file} (missing)`);
      else if (readFileSync(join(freshDir, file), 'utf8') !== readFileSync(join(committedDir, file), 'utf8'))
        stale.push(`${file} (differs)`);
    }
    return stale;
  } finally {
    rmSync(freshDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const stale = staleModelFiles();
  if (stale.length > 0) {
    console.error(`src/generated is out of date with the CRDs: ${stale.join(', ')}`);
    console.error('run: node packages/api/scripts/generate-models.ts');
    process.exit(1);
  }
  console.log('src/generated matches the CRDs');
}
