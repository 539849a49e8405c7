/**
 * The Hindi catalogues keep to the glossary (`docs/glossary.md`): no word the glossary rejects
 * (bookish, or a second word for an idea that already has one) appears in any Hindi message.
 * The glossary's table is the single list; this test reads it, so adding a rejected word there
 * is enough to enforce it.
 */
import { describe, expect, it } from 'vitest';
import glossary from '../../../../docs/glossary.md?raw';


/** The words in the table's Rejected column (the third), one per `;`-separated entry. */
function rejectedWords(markdown: string): string[] {
  const words: string[] = [];
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|') || line.startsWith('|---')) continue;
    const cells = line.split('|').map((cell) => cell.trim());
    // ['', English, Hindi, Rejected, Why, '']
    if (cells.length < 6 || cells[1] === 'English') continue;
    for (const word of cells[3].split(';')) {
      if (word.trim()) words.push(word.trim());
    }
  }
  return words;
}

/** Words of a message: ICU placeholders and punctuation split words; Devanagari marks stay in them. */
function words(text: string): string[] {
  return text.split(/[^\p{L}\p{M}\p{N}-]+/u).filter(Boolean);
}

/** Every Hindi catalogue: `hi.ts` (which spreads the feature catalogues) and each `*.hi.ts`. */
const catalogues = import.meta.glob<{ default: Record<string, string> }>(['./hi.ts', './*.hi.ts'], {
  eager: true,
});

describe('the Hindi catalogues follow the glossary', () => {
  const rejected = rejectedWords(glossary);

  it('reads the rejected words from the glossary', () => {
    // The words the glossary was written to replace are among them.
    for (const word of ['संकेत', 'प्रकटीकरण', 'चाबी', 'डाइजेस्ट', 'व्हाट-इफ़', 'अंतर्निहित', 'अत्यधिक']) {
      expect(rejected).toContain(word);
    }
  });

  it('finds every catalogue', () => {
    expect(Object.keys(catalogues)).toContain('./hi.ts');
    expect(Object.keys(catalogues)).toContain('./phone.hi.ts');
  });

  it('uses no rejected word in any Hindi message', () => {
    const offending: string[] = [];
    for (const [file, module] of Object.entries(catalogues)) {
      for (const [key, text] of Object.entries(module.default)) {
        const found = words(text).filter((word) => rejected.includes(word));
        if (found.length > 0) offending.push(`${file} ${key}: ${found.join(', ')}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('catches a rejected word inside a message, and not inside a longer word', () => {
    expect(words('आपका “{signal}” संकेत, 3 बार').filter((w) => rejected.includes(w))).toEqual(['संकेत']);
    expect(words('संकेतक').filter((w) => rejected.includes(w))).toEqual([]);
  });
});
