// Vendors echo parts of keys in their error messages ("Incorrect API key provided: sk-abc...").
// Anything shaped like a credential is masked before a message leaves an adapter.
const SECRET_PATTERNS: RegExp[] = [
  /\b(sk|rk|pk)-[A-Za-z0-9_\-*.]{6,}/g,
  /\bsk-ant-[A-Za-z0-9_\-*.]{6,}/g,
  /\b(gh[pousr]_[A-Za-z0-9]{10,})/g,
  /\bAIza[0-9A-Za-z_\-]{10,}/g,
  /\b(AKIA|ASIA)[0-9A-Z]{12,}/g,
  /\bBearer\s+[A-Za-z0-9._\-]{8,}/gi,
  /\b(gsk|xai)-[A-Za-z0-9_\-]{8,}/g,
];

// A URL's userinfo (http://user:pass@host) and query values whose names say they are secrets
// (?key=, api_key=, token=, ...). The user, the password, or both may be the credential.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
const SECRET_QUERY_VALUE = /([?&;](?:[a-z0-9_.-]*[_.-])?(?:key|apikey|api-key|token|secret|password|passwd|pwd|sig|signature|auth|credential|credentials|access[_-]?token)=)[^&#\s"'<>]+/gi;

/**
 * A URL as it may be shown or stored: userinfo and secret-looking query values replaced by
 * `[redacted]`, everything else (scheme, host, port, path) kept so the user can still tell which
 * endpoint it is. Works on a bare URL or on any text containing URLs.
 */
export function redactUrlSecrets(text: string): string {
  return text.replace(URL_USERINFO, '$1[redacted]@').replace(SECRET_QUERY_VALUE, '$1[redacted]');
}

export function redactSecrets(text: string, knownSecrets: ReadonlyArray<string | undefined> = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, '[redacted]');
  return redactUrlSecrets(result);
}
