// The Helm post-renderer plugin's process: rendered manifests on stdin, the spec file as argument, result on stdout.
import { readFile } from 'node:fs/promises';
import { postRender, type PostRenderSpec } from './post-render.ts';

const specPath = process.argv[2];
try {
  if (!specPath) throw new Error('usage: post-render SPEC.json < manifests.yaml');
  const spec = JSON.parse(await readFile(specPath, 'utf8')) as PostRenderSpec;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  process.stdout.write(await postRender(Buffer.concat(chunks).toString('utf8'), spec));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
