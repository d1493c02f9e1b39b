import type { Leak } from './report-types.ts';

/**
 * What opens each kind of Node handle, and what closes it, by handle class and the class of the
 * object the program holds. Node's own API, the same for every program; a handle not listed
 * is named by its classes alone.
 */
const NODE_HANDLES: Record<string, HandleWords> = {
  'FSEvent FSWatcher': { openedBy: '`fs.watch()`', closeWith: '`watcher.close()`', opens: { calls: ['watch'] } },
  'StatWatcher StatWatcher': { openedBy: '`fs.watchFile()`', closeWith: '`fs.unwatchFile()`', opens: { calls: ['watchFile'] } },
  'TCP Server': { openedBy: '`server.listen()`', closeWith: '`server.close()`' },
  'Pipe Server': { openedBy: '`server.listen()`', closeWith: '`server.close()`' },
  'TCP Socket': { openedBy: '`net.connect()`, an accepted connection or an agent keeping connections alive', closeWith: '`socket.destroy()`' },
  'Pipe Socket': { openedBy: 'a pipe (a child\'s stdio, `net.connect()` to a socket file)', closeWith: '`socket.destroy()`' },
  'UDP Socket': { openedBy: '`dgram.createSocket()`', closeWith: '`socket.close()`', opens: { calls: ['createSocket'] } },
  'Process ChildProcess': { openedBy: '`child_process.spawn()`', closeWith: '`child.kill()`', opens: { calls: ['spawn', 'fork', 'exec', 'execFile'] } },
  'Worker Worker': { openedBy: '`new Worker()`', closeWith: '`worker.terminate()`', opens: { constructs: ['Worker'] } },
  'MessagePort MessagePort': {
    openedBy: '`new MessageChannel()`, `new BroadcastChannel()` or a worker',
    closeWith: '`port.close()` or `channel.close()`',
    opens: { constructs: ['MessageChannel', 'BroadcastChannel'] },
  },
  // A blob: URL keeps its Blob in Node's registry until it is revoked.
  'Blob Blob': { openedBy: '`URL.createObjectURL()`', closeWith: '`URL.revokeObjectURL()`', opens: { calls: ['createObjectURL'] } },
};

interface HandleWords {
  openedBy: string;
  closeWith: string;
  /** The calls that open one, as the program writes them: where to look when no callback of the program's says. */
  opens?: HandleOpeners;
}

export interface HandleOpeners {
  /** Classes made with `new` (`new BroadcastChannel(`). */
  constructs?: readonly string[];
  /** Functions called, bare or through their module (`fs.watch(`). */
  calls?: readonly string[];
}

/** The calls that open handles of this kind, when Node's table lists them. */
export function handleOpeners(leak: Pick<Leak, 'name' | 'handle'>): HandleOpeners | null {
  return known(leak)?.opens ?? null;
}

function known(leak: Pick<Leak, 'name' | 'handle'>): HandleWords | null {
  return NODE_HANDLES[`${leak.handle?.className ?? ''} ${leak.name}`] ?? null;
}

/** `FSWatcher handles (from `fs.watch()`)`, or `FooHandle handles` for one Node's table does not list. */
export function handlesLabel(leak: Pick<Leak, 'name' | 'handle'>): string {
  const k = known(leak);
  return `\`${leak.name}\` handles${k ? ` (from ${k.openedBy})` : ''}`;
}

/** Why open handles stay, for the one-line summary. */
export function handlesWhy(leak: Pick<Leak, 'name' | 'handle'>): string {
  const k = known(leak);
  return `: Node keeps an open handle alive, with all it refers to, until it is closed${k ? ` (${k.closeWith})` : ''}, whether or not the program still refers to it`;
}

/** The root cause in prose, for the postmortem's section: what happens... */
export function handlesCause(leak: Pick<Leak, 'name' | 'handle'>): string {
  return `${handlesLabel(leak)} are opened and never closed`;
}

/** ...and why it keeps memory. */
export function handlesKeep(leak: Pick<Leak, 'name' | 'handle'>): string {
  const k = known(leak);
  return (
    'Node keeps every open handle, and everything it refers to (its listeners and what they keep), alive from a root of its own ' +
    `until the handle is closed${k ? ` with ${k.closeWith}` : ''}, even when no variable of the program refers to it any more.`
  );
}
