// Polls until a check returns a value (not undefined), or fails naming what it waited for.
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if ((error as Error).message.includes('exited with code')) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? `; last error: ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
