import { isRecord } from './read-credential-file.js';

/**
 * The claims of a JWT, unverified: openkoi only reads what the issuer put in its own token (the
 * ChatGPT account id, the expiry); the server that accepts the token verifies it.
 */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isRecord(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** ChatGPT's account id, from the `https://api.openai.com/auth` claim of its access or id token. */
export function chatgptAccountId(token: string): string | undefined {
  const auth = decodeJwtClaims(token)?.['https://api.openai.com/auth'];
  if (!isRecord(auth)) return undefined;
  const id = auth['chatgpt_account_id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The token's `exp` in milliseconds since the epoch. */
export function jwtExpiry(token: string): number | undefined {
  const exp = decodeJwtClaims(token)?.['exp'];
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}
