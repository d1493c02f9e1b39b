import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers the CPU priority of a process and everything it has started, so that the lane it runs
 * takes only what the tests judged against the clock leave idle. On Linux a nice value belongs to
 * each thread (setpriority on a pid reaches only the thread of that id), so every thread of
 * every process in the tree is set; what they start later inherits it. Elsewhere, the processes
 * alone. Best effort: a process that ends meanwhile is skipped. Returns how many were lowered.
 *
 * With the kernel's autogroup on (most distributions), each session is first given an equal
 * share of the CPU as one unit, and a thread's nice value only ranks it within its own session:
 * a lane in a session of its own (a detached child) at nice 19 still took half the cores from
 * the apps lane beside it. So when the root leads its own session, that session's autogroup is
 * lowered too. Never the caller's: that would lower the runner and every lane with it.
 */
export function lowerPriority(rootPid: number, nice: number): number {
  if (sessionOf(rootPid) === rootPid) lowerAutogroup(rootPid, nice);
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

/** A field of /proc/PID/stat, counted from the state (0) after the command's ')'. */
function statField(pid: number, index: number): number | null {
  try {
    // The command name (in parentheses) may hold spaces and parentheses: the fields after its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index]);
  } catch {
    return null;
  }
}

const parentOf = (pid: number) => statField(pid, 1);
const sessionOf = (pid: number) => statField(pid, 3);

/** Sets the nice value of the autogroup of `pid`'s session, where there is one to set. */
function lowerAutogroup(pid: number, nice: number): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // No autogroup support in this kernel, or not ours to change.
  }
}

function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [pid];
  }
}
