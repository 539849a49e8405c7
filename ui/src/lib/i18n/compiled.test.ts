/**
 * The bundle carries the catalogues compiled (`ui/build/messages.ts`); these tests hold that
 * compilation to the sources: each message compiles to what `intl-messageformat` would parse
 * at run time, a message kept as a string formats to itself, and every catalogue file's
 * messages are all compiled (none left for a parser the bundle no longer has).
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { parseAst, transformWithOxc } from 'vite';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, compileCatalogue, compileMessage, isPlainText } from '../../../build/messages';
import en from './en';
import hi from './hi';

type Node = { type: string; start: number; end: number; [field: string]: unknown };

describe('compiled catalogues', () => {
  it('compiles every message to what the runtime parser would make of it', () => {
    for (const [language, catalogue] of [['en', en], ['hi', hi]] as const) {
      for (const [key, source] of Object.entries(catalogue)) {
        const compiled = compileMessage(source, language);
        const parsed = new IntlMessageFormat(source, language);
        if (typeof compiled === 'string') {
          expect(compiled, key).toBe(source);
          expect(String(parsed.format()), key).toBe(source);
        } else {
          expect(compiled, key).toEqual(parsed.getAst());
        }
      }
    }
  });

  it('keeps only text without ICU syntax as a string', () => {
    expect(isPlainText('Skip to content')).toBe(true);
    expect(isPlainText('# of 3')).toBe(true);
    expect(isPlainText('{count, plural, one {# day} other {# days}}')).toBe(false);
    expect(isPlainText("It''s")).toBe(false);
    expect(compileMessage('Hello {name}', 'en')).toEqual([
      { type: 0, value: 'Hello ' },
      { type: 1, value: 'name' },
    ]);
  });

  it('compiles every message of every catalogue file, spreads kept', async () => {
    const sources = import.meta.glob<string>('./*.ts', { query: '?raw', import: 'default', eager: true });
    const files = Object.keys(sources)
      .map((path) => path.slice(2))
      .filter((name) => CATALOGUE.test(`/src/lib/i18n/${name}`));
    expect(files).toEqual(expect.arrayContaining(['en.ts', 'hi.ts', 'phone.en.ts', 'phone.hi.ts']));
    for (const name of files) {
      const source = sources[`./${name}`];
      const { code } = await transformWithOxc(source, name);
      const language = CATALOGUE.exec(`/src/lib/i18n/${name}`)![1];
      const out = compileCatalogue(code, parseAst(code) as unknown as Node, language, name);
      // Every message value in the output is an array (parsed) or a plain string.
      const values: Node[] = [];
      const spreads: Node[] = [];
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (!node || typeof node !== 'object') return;
        const current = node as Node;
        if (current.type === 'ObjectExpression' && current.properties) {
          for (const property of current.properties as Node[]) {
            if (property.type === 'SpreadElement') spreads.push(property);
            else if ((property.key as Node).type === 'Literal') values.push(property.value as Node);
          }
          return;
        }
        for (const [field, child] of Object.entries(current)) if (field !== 'type') visit(child);
      };
      visit(parseAst(out));
      expect(values.length, name).toBeGreaterThan(0);
      for (const value of values) {
        const plain = value.type === 'Literal' && isPlainText(String(value.value));
        expect(plain || value.type === 'ArrayExpression', `${name}: ${out.slice(value.start, value.end)}`).toBe(true);
      }
      if (name === 'en.ts' || name === 'hi.ts') expect(spreads.length, name).toBeGreaterThan(0);
    }
  });

  it('refuses a message it cannot compile', () => {
    const code = "const c = { 'a.b': 'x' + y };\nexport default c;";
    expect(() => compileCatalogue(code, parseAst(code) as unknown as Node, 'en', 'bad.en.ts')).toThrow(
      /bad\.en\.ts:1: a catalogue message must be a string literal/,
    );
  });
});
