// Polls an endpoint until it answers, or a deadline passes, or the process behind it dies.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { Child } from './child-process.ts';
import { TestEnvError } from './errors.ts';

export interface ProbeOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  child?: Child;
  accept?: (status: number, body: string) => boolean;
}

export function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // Loopback only, before the server's self-generated CA is read: the kubeconfig verifies it properly.
    const req = request(url, { headers, rejectUnauthorized: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export async function waitUntilAnswers(url: string, options: ProbeOptions): Promise<void> {
  const accept = options.accept ?? ((status) => status === 200);
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (options.child && !options.child.running) {
      await options.child.exited;
      throw options.child.failure(`exited before ${url} answered`);
    }
    try {
      const { status, body } = await httpGet(url, options.headers);
      if (accept(status, body)) return;
      last = `HTTP ${status}: ${body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const who = options.child ? `${options.child.name} (log: ${options.child.logFile})` : url;
  throw new TestEnvError(`${who} did not answer ${url} within ${options.timeoutMs} ms; last: ${last}`);
}

/** Waits until a TCP port accepts connections, for servers without an HTTP health endpoint. */
export async function waitForPort(port: number, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) {
      await child.exited;
      throw child.failure('exited before it listened');
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new TestEnvError(
    `${child.name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms (log: ${child.logFile})`,
  );
}
