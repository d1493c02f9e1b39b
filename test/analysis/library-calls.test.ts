import { describe, expect, it } from 'vitest';
import { methodCalls } from '../../analysis/library-calls.ts';

const VALIDATORS = [
  "import Ajv from 'ajv';",
  'const ajv = new Ajv({ allErrors: true });',
  '// ajv.compile(commented) is not a call',
  'export const searchQuery = (limits) => ajv.compile(schemaFor(limits));',
  'export const cartItem = (limits) => ajv?.compile(itemSchema(limits));',
  'export const dispose = () => ajv.removeSchema();',
  'const notAjv = { ajv: 1 }; other.ajv.compile(x); myajv.compile(y);',
  'ajv.offer(1); ajv.clearCache(); ajv.off("x", f);',
].join('\n');
const columnOf = (line: number, text: string) => VALIDATORS.split('\n')[line - 1]!.indexOf(text) + 1;

describe("the program's calls of a library object's methods", () => {
  it('lists each call with its method, one named for taking out as a removal, and no other object of that name', () => {
    expect(methodCalls(VALIDATORS, 'src/validators.mjs', 'ajv')).toEqual({
      adds: [
        { file: 'src/validators.mjs', line: 4, column: columnOf(4, 'ajv.'), call: 'ajv.compile' },
        { file: 'src/validators.mjs', line: 5, column: columnOf(5, 'ajv?.'), call: 'ajv.compile' },
        // `offer` is not `off`.
        { file: 'src/validators.mjs', line: 8, column: 1, call: 'ajv.offer' },
      ],
      removes: [
        { file: 'src/validators.mjs', line: 6, column: columnOf(6, 'ajv.'), call: 'ajv.removeSchema' },
        { file: 'src/validators.mjs', line: 8, column: columnOf(8, 'ajv.clear'), call: 'ajv.clearCache' },
        { file: 'src/validators.mjs', line: 8, column: columnOf(8, 'ajv.off('), call: 'ajv.off' },
      ],
      searched: ['src/validators.mjs'],
      calls: true,
    });
  });

  it('is null when the code only takes out, or never calls it', () => {
    expect(methodCalls('const cache = new LRU();\ncache.clear();\n', 'a.mjs', 'cache')).toBeNull();
    expect(methodCalls('export const cache = new LRU();\n', 'a.mjs', 'cache')).toBeNull();
  });

  it('with no method call that adds, where the code hands it to a call: express-session given the store', () => {
    const app = [
      "const sessionStore = new session.MemoryStore();",
      'if (sessionStore) log(1);',
      'const options = { store: sessionStore };',
      'function keep(sessionStore) { return sessionStore; }',
      'const wrap = (sessionStore) => sessionStore;',
      "app.use(session({ secret, store: sessionStore, resave: false }));",
      'remember(cache, sessionStore);',
      'app.get("/", (req, res) => { sessionStore; });',
      'export const dispose = () => sessionStore.clear();',
    ].join('\n');
    const at = (line: number, text: string) => app.split('\n')[line - 1]!.indexOf(text) + 1;
    expect(methodCalls(app, 'app.mjs', 'sessionStore')).toEqual({
      adds: [
        { file: 'app.mjs', line: 6, column: at(6, 'session('), call: 'session(…sessionStore…)' },
        { file: 'app.mjs', line: 7, column: 1, call: 'remember(…sessionStore…)' },
      ],
      removes: [{ file: 'app.mjs', line: 9, column: at(9, 'sessionStore.'), call: 'sessionStore.clear' }],
      searched: ['app.mjs'],
      calls: true,
    });
  });
});
