/**
 * A technical error message made readable once: Rust's errors wrap one another
 * ("The system keychain is unavailable: the OS keychain is unavailable: no Secret Service
 * answered…"), so the same clause comes back in other words. Each `: `-separated clause is
 * kept the first time only, comparing them without case, punctuation or the words that only
 * name whose keychain it is.
 */
export function technicalDetail(message: string): string {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const clause of message.split(/:\s+/u)) {
    const text = clause.trim();
    if (!text) continue;
    const key = text
      .toLowerCase()
      .replace(/\b(the|system|os)\b/gu, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(text);
  }
  return kept.join(': ');
}

/** Whether a keychain failure came from Linux's Secret Service over D-Bus. */
export function isSecretServiceFailure(message: string | undefined): boolean {
  return /d-bus|dbus|secret service/iu.test(message ?? '');
}
