// source-controller and kustomize-controller as their own processes, so the CLI's reconcile waits on real controllers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControllerProcess, type ControllerProcess } from '../../../e2e/support/controller-process.ts';

export async function startFluxControllers(
  kubeconfigPath: string,
  namespace: string,
): Promise<{ stop(): Promise<void>; logFiles: string[] }> {
  const scratch = mkdtempSync(join(tmpdir(), 'fluxion-cli-'));
  const env = { RUNTIME_NAMESPACE: namespace };
  const started: ControllerProcess[] = [];
  started.push(
    await startControllerProcess('source-controller', {
      kubeconfigPath,
      logFile: join(scratch, 'source-controller.log'),
      env,
      args: [
        `--storage-path=${join(scratch, 'storage')}`,
        '--storage-addr=127.0.0.1:0',
        '--watch-all-namespaces=false',
      ],
    }),
  );
  started.push(
    await startControllerProcess('kustomize-controller', {
      kubeconfigPath,
      logFile: join(scratch, 'kustomize-controller.log'),
      env,
      args: ['--watch-all-namespaces=false'],
    }),
  );
  return {
    logFiles: started.map((controller) => controller.logFile),
    stop: async () => {
      for (const controller of started) await controller.stop();
    },
  };
}
