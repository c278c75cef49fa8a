/**
 * A key shown without revealing it: its vendor prefix and last four characters (`sk-…wxyz`).
 * Short values show nothing at all: four characters of an eight-character secret are half of it.
 */
export function maskSecret(secret: string): string {
  const value = secret.trim();
  if (value.length < 16) return '…';
  // A second segment only when it is a known vendor word: anything else may be key material.
  const prefix = /^[A-Za-z]{2,8}[-_](?:(?:proj|ant|svcacct|admin|or)-)?/.exec(value)?.[0] ?? '';
  return `${prefix}…${value.slice(-4)}`;
}
