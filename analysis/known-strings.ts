import type { HeapSnapshot } from './heap-snapshot.ts';

/**
 * String-table indices of the V8 and Node.js internal names the analysis recognises
 * (engine and runtime structure, never application names), looked up once per snapshot.
 */
const NAMES = {
  table: 'table',
  properties: 'properties',
  elements: 'elements',
  proto: '__proto__',
  map: 'map',
  backPointer: 'back_pointer',
  context: 'context',
  previous: 'previous',
  parent: 'parent',
  parametersAndRegisters: 'parameters_and_registers',
  generatorFunction: 'function',
  shared: 'shared',
  scopeInfo: 'scope_info',
  scriptOrDebugInfo: 'script_or_debug_info',
  script: 'script',
  name: 'name',
  value: 'value',
  extension: 'extension',
  events: '_events',
  // Node's EventTarget (AbortSignal, MessagePort) keeps its listeners in a Map under this symbol.
  eventTargetEvents: '<symbol kEvents>',
  onTimeout: '_onTimeout',
  onImmediate: '_onImmediate',
  idleNext: '_idleNext',
  idlePrev: '_idlePrev',
  listener: 'listener',
  boundFunction: 'bound_function',
  constructorName: 'constructor',
  prototype: 'prototype',
  systemContext: 'system / Context',
  jsProxy: 'system / JSProxy',
  systemNativeContext: 'system / NativeContext',
  systemCell: 'system / Cell',
  sourceTextModule: 'system / SourceTextModule',
  systemPromiseReaction: 'system / PromiseReaction',
  systemWeakCell: 'system / WeakCell',
  timersList: 'TimersList',
  timeoutClass: 'Timeout',
  promise: 'Promise',
  array: 'Array',
  mapClass: 'Map',
  setClass: 'Set',
  weakMap: 'WeakMap',
  weakSet: 'WeakSet',
  weakRef: 'WeakRef',
  finalizationRegistry: 'FinalizationRegistry',
  /** Node's EventTarget (AbortSignal, MessagePort...): one per listener, chained by `next` and `previous`. */
  listenerClass: 'Listener',
  // Node's queue of fixed-size ring buffers (an `events.on()` iterator's unread events, the next-tick queue).
  fixedQueue: 'FixedQueue',
  fixedCircularBuffer: 'FixedCircularBuffer',
  // Node's queue of `setImmediate()` callbacks: Immediates chained by `_idleNext` from its `head`.
  immediateList: 'ImmediateList',
  immediate: 'Immediate',
  head: 'head',
  tail: 'tail',
  next: 'next',
  list: 'list',
  /** Chromium: the listeners an EventTarget (a window, a DOM node) keeps for addEventListener(). */
  blinkEventTargetData: 'blink::EventTargetData',
  /** Chromium: the window's or worker's timers from setTimeout() and setInterval(). */
  blinkTimerCoordinator: 'blink::(anonymous namespace)::DOMTimerCoordinator',
  /** The private symbol by which a `vm.createContext()` sandbox keeps its context (Node 20+). */
  contextifyContext: '<symbol node:contextify:context>',
  /** V8's root of the objects Node keeps alive itself: among them every open handle. */
  globalHandles: '(Global handles)',
  /** Roots of what V8's own machinery held as the snapshot was taken (see dominators.ts). */
  stackRoots: '(Stack roots)',
  handleScope: '(Handle scope)',
  strongRoots: '(Strong roots)',
  /** V8's registry of the symbols `Symbol.for()` made, keyed by their key strings, under (Strong roots). */
  publicSymbolTable: 'public_symbol_table',
  /** Node's record of a CommonJS module (`module`), and its fields that say whose module it is. */
  moduleClass: 'Module',
  filename: 'filename',
  exports: 'exports',
  /** The symbol by which a Node handle (FSEvent, TCP) keeps the object the program was given (FSWatcher, Socket). */
  ownerSymbol: '<symbol owner_symbol>',
} as const;

export type KnownStrings = { -readonly [K in keyof typeof NAMES]: number };

export function knownStrings(s: HeapSnapshot): KnownStrings {
  const keys = Object.keys(NAMES) as (keyof typeof NAMES)[];
  const found = s.strings.indexOfAll(keys.map((key) => NAMES[key]));
  const out = {} as KnownStrings;
  keys.forEach((key, i) => (out[key] = found[i]));
  return out;
}
