// Shape: each controller started with nothing to reconcile (its side's CRDs installed, an empty namespace), measured
// once it has used no CPU for 2 s: its resident set then, and the CPU it took to start. All six of Fluxion's; Flux's
// that were built.
import { CONTROLLERS, type Side } from './controllers.ts';
import { cpuSeconds, rssMiB, untilIdle } from './process-stats.ts';
import type { ShapeContext } from './shape-context.ts';

export const IDLE_SHAPE = 'idle, after start';

export async function idle(context: ShapeContext, sides: readonly Side[]): Promise<void> {
  for (const name of CONTROLLERS) {
    for (const side of sides) {
      if (side === 'flux' && !context.flux.binaries[name]) continue;
      try {
        await context.withControllers(side, [name], async (controller) => {
          // withControllers waited for quiet already; once more, to say so in the table when it never came
          const settled = await untilIdle(controller.pid, 2000, 10_000);
          const figures = context.figures(IDLE_SHAPE, side);
          figures[`${name}: RSS (MiB)`] = rssMiB(controller.pid);
          figures[`${name}: CPU to start and settle (s)`] = cpuSeconds(controller.pid);
          if (!settled) figures[`${name}: note`] = 'still busy after 40 s';
        });
      } catch (error) {
        // one controller that does not start is its own line of the report; the others are still measured
        context.figures(IDLE_SHAPE, side)[`${name}: note`] = 'did not start (see Failures)';
        context.fail(`${side} ${name} (idle): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
