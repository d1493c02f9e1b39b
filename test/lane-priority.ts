import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers the CPU priority of a process and everything it has started, so that the lane it runs
 * takes only what the tests judged against the clock leave idle. On Linux a nice value belongs to
 * each thread (setpriority on a pid reaches only the thread of that id), so every thread of
 * every process in the tree is set; what they start later inherits it. Elsewhere, the processes
 * alone. Best effort: a process that ends meanwhile is skipped. Returns how many were lowered.
 */
export function lowerPriority(rootPid: number, nice: number): number {
  let lowered = 0;
  for (const pid of processTree(rootPid)) {
    for (const id of threadsOf(pid)) {
      try {
        os.setPriority(id, nice);
        lowered += 1;
      } catch {
        // Gone, or not ours to change.
      }
    }
  }
  return lowered;
}

function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [rootPid];
  }
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function parentOf(pid: number): number | null {
  try {
    // The command name (in parentheses) may hold spaces and parentheses: the fields after its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [pid];
  }
}
