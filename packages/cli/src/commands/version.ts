// fluxion version: the CLI's version, the API server's, and the image of each Fluxion controller Deployment found.
import { booleanFlag } from '../args.ts';
import type { CommandContext } from '../command.ts';
import { cliVersion } from '../cli-version.ts';
import { renderObjects } from '../render.ts';
import { findControllerDeployments } from '../controller-deployments.ts';

export async function run(context: CommandContext): Promise<number> {
  const versions: Record<string, string> = { fluxion: cliVersion };
  if (!booleanFlag(context.flags, 'client')) {
    const cluster = context.cluster();
    const server = await cluster.client.transport.requestJson<{ gitVersion?: string }>({
      method: 'GET',
      path: '/version',
    });
    versions['kubernetes'] = server.gitVersion ?? 'unknown';
    const namespace = typeof context.flags['namespace'] === 'string' ? cluster.namespace : undefined;
    for (const deployment of await findControllerDeployments(cluster.client, namespace)) {
      versions[deployment.controller] = deployment.image.split(':').pop() ?? deployment.image;
    }
  }
  if (context.output !== 'table') {
    context.terminal.out(renderObjects([versions], context.output, false));
    return 0;
  }
  for (const [name, version] of Object.entries(versions)) context.terminal.out(`${name}: ${version}\n`);
  return 0;
}
