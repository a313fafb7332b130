// fluxion suspend: spec.suspend=true, so the controller leaves the object (and what it applied) alone.
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { selectObjects } from '../selected-objects.ts';
import { setSuspended } from '../suspend-patch.ts';

export async function run(context: CommandContext): Promise<number> {
  const { kind, objects } = await selectObjects(context, 'suspend');
  if (!kind.suspendable) throw new UsageError(`${kind.kind} cannot be suspended`);
  for (const object of objects) {
    await setSuspended(context.cluster(), kind, object, true);
    context.terminal.out(
      `${context.terminal.green('✔')} ${kind.kind} ${object.metadata?.namespace}/${object.metadata?.name} suspended\n`,
    );
  }
  return 0;
}
