// Shape 4: N GitRepositories, each its own repository on a local git HTTP server, to Ready; then one unchanged cycle,
// with the git HTTP requests it made counted.
import { startGitHttpServer } from '@fluxion/testenv';
import { mapLimit } from './cluster-steps.ts';
import type { Side } from './controllers.ts';
import { isReady, type ShapeContext } from './shape-context.ts';

const GIT = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository' };

export async function gitRepositories(context: ShapeContext, side: Side, gitCount: number): Promise<void> {
  const { client, namespace, log } = context;
  const server = await startGitHttpServer();
  try {
    for (let i = 0; i < gitCount; i++) {
      server.repositories.create(`repo-${i}`);
      server.repositories.commit(`repo-${i}`, {
        'deploy/app.yaml': `kind: ConfigMap\nmetadata:\n  name: app-${i}\n`,
        'README.md': `repository ${i}\n`,
      });
    }
    await context.withControllers(side, ['source-controller'], async (controller, measure) => {
      const first = await measure(async () => {
        await mapLimit(
          Array.from({ length: gitCount }, (_, i) => i),
          16,
          (i) =>
            client.apply(
              {
                apiVersion: 'source.toolkit.fluxcd.io/v1',
                kind: 'GitRepository',
                metadata: { name: `repo-${i}`, namespace },
                spec: { url: server.urlOf(`repo-${i}`), interval: '1h', ref: { branch: 'main' } },
              },
              { fieldManager: 'fluxion-bench', force: true },
            ),
        );
        await context.untilAll(
          controller,
          GIT,
          gitCount,
          isReady,
          30 * 60_000,
          `${gitCount} GitRepositories Ready (${side})`,
        );
      });
      context.record(`${gitCount} GitRepositories to Ready`, side, first, gitCount);
      log(`${side}: ${gitCount} GitRepositories Ready in ${first.seconds.toFixed(1)} s`);

      const gitRequestsBefore = server.requests.length;
      const { row } = await context.unchangedCycle(
        { shape: `${gitCount} GitRepositories, unchanged, one cycle`, side, controller, measure },
        GIT,
        Array.from({ length: gitCount }, (_, i) => `repo-${i}`),
      );
      const gitRequests = server.requests.slice(gitRequestsBefore);
      row['git HTTP requests per repository'] = gitRequests.length / gitCount;
    });
  } finally {
    await server.stop();
  }
}
