/**
 * A URL as it may be shown: a user and password in it (`http://user:key@host`) and the values of
 * its query (`?api-key=...`) are the places a key hides in an endpoint, so both are masked. Text
 * that is not a URL is not shown at all.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '[not a URL]';
  }
  if (url.username || url.password) {
    url.username = '***';
    url.password = '';
  }
  for (const name of [...new Set(url.searchParams.keys())]) url.searchParams.set(name, '***');
  url.hash = '';
  return url.toString();
}
