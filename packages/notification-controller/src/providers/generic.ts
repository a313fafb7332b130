// generic and generic-hmac: the event JSON, as Flux sends it, with the Secret's headers; generic-hmac signs the body
// with the Secret's token (X-Signature: sha256=<hex>).
import { createHmac } from 'node:crypto';
import type { FluxEvent } from '../flux-event.ts';
import { post } from './http-post.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';

export function genericNotifier(settings: ProviderSettings, signed: boolean): Notifier {
  return {
    async post(event: FluxEvent, signal: AbortSignal): Promise<void> {
      const body = JSON.stringify(event);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'gotk-component': event.reportingController,
        ...settings.headers,
      };
      if (signed) headers['X-Signature'] = `sha256=${createHmac('sha256', settings.token).update(body).digest('hex')}`;
      await post(settings.address, body, headers, {
        timeoutMs: settings.timeoutMs,
        tls: settings.tls,
        proxy: settings.proxy,
        signal,
      });
    },
  };
}
