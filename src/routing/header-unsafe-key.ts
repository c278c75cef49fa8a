import type { ProviderCredential } from '../providers/create-provider.js';
import { ProviderError } from '../providers/provider-error.js';

const NAMED: Record<string, string> = {
  '\n': 'a line break',
  '\r': 'a carriage return',
  '\t': 'a tab',
  ' ': 'a space',
  '\u201c': 'a smart quote “',
  '\u201d': 'a smart quote ”',
  '\u2018': 'a smart quote ‘',
  '\u2019': 'a smart quote ’',
  '\u00a0': 'a non-breaking space',
  '\u200b': 'a zero-width space',
};

/**
 * A key goes into an HTTP header, where only visible ASCII fits. A pasted key with smart quotes
 * or a line break would otherwise fail inside fetch as a "network error" and cool the model down
 * for a local mistake (issue 14). Names the character, never the key.
 */
export function headerUnsafeKeyError(providerId: string, credential: ProviderCredential | undefined): ProviderError | undefined {
  if (!credential?.apiKey) return undefined;
  const bad = [...credential.apiKey].find((character) => !/^[\x21-\x7e]$/.test(character));
  if (bad === undefined) return undefined;
  const code = `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = NAMED[bad] ? `${NAMED[bad]} (${code})` : `the character ${code}`;
  const where = credential.source.startsWith('env ') ? `Your ${credential.source.slice(4)}` : `The ${providerId} key (${credential.source})`;
  return new ProviderError(
    `${where} contains ${what}, which cannot be sent in an HTTP header. Copy the key again as plain text (smart quotes and line breaks usually come from pasting it through a document or chat).`,
    { kind: 'auth', provider: providerId },
  );
}
