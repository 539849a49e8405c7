/**
 * Message catalogues compiled when the bundle is built, so the app parses no ICU MessageFormat
 * at start or on a screen's first render. Every catalogue module under `src/lib/i18n` named
 * `en.ts`, `hi.ts` or `<feature>.en.ts` / `<feature>.hi.ts` is a record of ICU strings; in the
 * bundle each string becomes FormatJS's parsed form (the AST `intl-messageformat` would build
 * from it), or stays a string when it has no ICU syntax at all and so means itself. The runtime
 * (`i18n.svelte.ts`) gives an AST to `IntlMessageFormat` as is and returns a plain string as is;
 * the parser is then left out of the bundle (see `vite.config.ts`).
 *
 * Vitest and the dev server see the sources: the catalogue tests check keys and placeholders
 * on the strings people edit, and `compiled.test.ts` checks this compilation against them.
 */
import { parse, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Plugin } from 'vite';

/** A catalogue module: `en.ts`, `hi.ts`, `phone.en.ts`… The captured group is its language. */
export const CATALOGUE = /[\\/]src[\\/]lib[\\/]i18n[\\/](?:[\w-]+\.)?(en|hi)\.ts$/;

/** True when `text` has none of ICU's syntax (`{`, `}`, quoting `'`, tags `<`): it means itself.
 *  `#` is literal outside a plural, and a plural needs `{`. The runtime uses the same test. */
export function isPlainText(text: string): boolean {
  return !/[{}'<]/.test(text);
}

/** One message as the bundle carries it: `text` itself when plain, else its parsed form,
 *  parsed exactly as `new IntlMessageFormat(text, language)` would (same parser, same locale). */
export function compileMessage(text: string, language: string): string | MessageFormatElement[] {
  if (isPlainText(text)) return text;
  return parse(text, { locale: new Intl.Locale(language) });
}

type Node = { type: string; start: number; end: number; [field: string]: unknown };

/**
 * The catalogue's JavaScript (types already stripped) with every string value of an object
 * property replaced by its compiled form. Anything else as a message (a template, a sum, a
 * call) is an error rather than a message left to parse at run time; spreads of other
 * catalogues are kept (those modules are compiled on their own).
 */
export function compileCatalogue(code: string, program: Node, language: string, file: string): string {
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const fail = (node: Node, why: string): never => {
    const line = code.slice(0, node.start).split('\n').length;
    throw new Error(`${file}:${line}: ${why}`);
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const current = node as Node;
    if (current.type === 'ObjectExpression') {
      for (const property of current.properties as Node[]) {
        if (property.type === 'SpreadElement') continue;
        const value = property.value as Node;
        if (value.type === 'Literal' && typeof value.value === 'string') {
          const compiled = compileMessage(value.value, language);
          edits.push({ start: value.start, end: value.end, text: JSON.stringify(compiled) });
        } else if (value.type === 'TemplateLiteral' && (value.expressions as unknown[]).length === 0) {
          const [quasi] = value.quasis as Array<{ value: { cooked: string } }>;
          const compiled = compileMessage(quasi.value.cooked, language);
          edits.push({ start: value.start, end: value.end, text: JSON.stringify(compiled) });
        } else {
          fail(value, 'a catalogue message must be a string literal, so that it can be compiled');
        }
      }
      return;
    }
    for (const [field, child] of Object.entries(current)) {
      if (field !== 'type' && field !== 'start' && field !== 'end') visit(child);
    }
  };
  visit(program);
  if (edits.length === 0) fail(program, 'no messages found: is this a catalogue?');
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** The Vite plugin: compiles catalogue modules in `vite build` (not in dev or Vitest). */
export function compiledMessages(): Plugin {
  return {
    name: 'khata-compiled-messages',
    apply: 'build',
    // After TypeScript is stripped: the code is then plain JavaScript the parser reads.
    enforce: 'post',
    config() {
      // Every message in the bundle is compiled, so the ICU parser would be dead weight in the
      // first script; FormatJS ships this stub (element types and guards, no parser) for that.
      return {
        resolve: {
          alias: [
            {
              find: /^@formatjs\/icu-messageformat-parser$/,
              replacement: '@formatjs/icu-messageformat-parser/no-parser.js',
            },
          ],
        },
      };
    },
    transform(code, id) {
      const match = CATALOGUE.exec(id.split('?')[0]);
      if (!match) return null;
      const program = this.parse(code) as unknown as Node;
      return { code: compileCatalogue(code, program, match[1], id), map: null };
    },
  };
}
