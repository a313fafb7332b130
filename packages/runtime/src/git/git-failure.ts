// Reads git's stderr for what a person must fix: the line that says credentials were refused, or git's last lines.

const authenticationFailures = [
  /authentication failed/i,
  /could not read (username|password)/i,
  /terminal prompts disabled/i,
  /returned error: (401|403)/i,
  /HTTP (401|403)/,
  /permission denied \(publickey/i,
  /host key verification failed/i,
  /no .* host key is known/i,
  /access denied/i,
  /invalid credentials/i,
];

/** The line of git's stderr that says the server refused the credentials (or the host key), if any. */
export function authenticationFailureLine(stderr: string): string | undefined {
  if (!authenticationFailures.some((pattern) => pattern.test(stderr))) return undefined;
  // The line that says why (e.g. "Host key verification failed.") comes before git's generic closing lines.
  const lines = stderr.split('\n').map((line) => line.trim());
  return lines.find((line) => authenticationFailures.some((pattern) => pattern.test(line))) ?? lastGitLines(stderr);
}

/** git's last three meaningful lines (hints dropped), joined; what a failure message shows. */
export function lastGitLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:'));
  return lines.slice(-3).join('; ') || 'no output from git';
}
