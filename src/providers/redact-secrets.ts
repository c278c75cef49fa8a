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

// A URL carries a secret in its user name and password (`http://user:key@host`) or in a query
// parameter named like one (`?api-key=`, `&token=`): the fetch errors of a base URL quote it whole.
const URL_USERINFO = /\b(https?:\/\/)[^\s/?#@"'<>]+@/gi;
const SECRET_QUERY_VALUE = /([?&][\w.-]*(?:key|token|secret|password|signature|sig|auth)[\w.-]*=)[^&\s#;"'<>]+/gi;

export function redactSecrets(text: string, knownSecrets: ReadonlyArray<string | undefined> = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, '[redacted]');
  return result.replace(URL_USERINFO, '$1[redacted]@').replace(SECRET_QUERY_VALUE, '$1[redacted]');
}
