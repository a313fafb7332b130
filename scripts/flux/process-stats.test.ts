// A controller's cost includes its children's: the summed RSS of a real process tree, and its peak.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuSeconds, processTree, rssMiB, TreePeak, treeCpuSeconds, treeRssMiB } from './process-stats.ts';

describe('process tree', () => {
  it('finds the children of a process and sums their resident sets with its own', async () => {
    // a shell that starts a second process and waits for it: a parent with one child, like a controller running helm
    const parent = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10_000;
      while (processTree(parent.pid ?? 0).length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const tree = processTree(parent.pid ?? 0);
      expect(tree).toHaveLength(2);
      expect(tree[0]).toBe(parent.pid);
      const sum = treeRssMiB(parent.pid ?? 0);
      expect(sum).toBeGreaterThan(rssMiB(parent.pid ?? 0));
      const peak = new TreePeak(parent.pid ?? 0, 10);
      expect(peak.stop()).toBeGreaterThanOrEqual(sum * 0.9);
    } finally {
      for (const pid of processTree(parent.pid ?? 0).slice(1)) process.kill(pid, 'SIGKILL');
      parent.kill('SIGKILL');
      await once(parent, 'exit');
    }
  });

  it("counts the CPU of a child that is still running, which the parent's own figure leaves out", async () => {
    // a shell whose child spins for a while and is then killed: never waited for while it ran
    const parent = spawn('sh', ['-c', 'sh -c "while :; do :; done" & wait'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10_000;
      while (treeCpuSeconds(parent.pid ?? 0) - cpuSeconds(parent.pid ?? 0) < 0.2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(processTree(parent.pid ?? 0)).toHaveLength(2);
      expect(cpuSeconds(parent.pid ?? 0)).toBeLessThan(0.1);
      expect(treeCpuSeconds(parent.pid ?? 0) - cpuSeconds(parent.pid ?? 0)).toBeGreaterThanOrEqual(0.2);
    } finally {
      for (const pid of processTree(parent.pid ?? 0).slice(1)) process.kill(pid, 'SIGKILL');
      parent.kill('SIGKILL');
      await once(parent, 'exit');
    }
  });

  it('gives a process that is gone no children and no memory', () => {
    expect(processTree(2 ** 22 + 1)).toEqual([2 ** 22 + 1]);
    expect(treeRssMiB(2 ** 22 + 1)).toBe(0);
  });
});
