import { createHash } from 'node:crypto';

/** The embedding cache's key: the same text under the same model is embedded once. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content.normalize('NFC')).digest('hex');
}
