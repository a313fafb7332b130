// Makes what git prints safe to show: URLs without userinfo, and the credentials of a transport scrubbed out.

/** The URL with any `user:password@` removed, safe to show in a message or a log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    // scp-like or unparsable: drop anything that looks like userinfo
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

/** Removes every occurrence of the given secrets (and userinfo in URLs) from text that came out of git. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1');
  for (const secret of secrets) {
    if (secret.length >= 3) result = result.split(secret).join('***');
  }
  return result;
}
