// slack: an attachment coloured by severity (good / danger), author kind/name.namespace, metadata as fields; an
// incoming webhook URL, or chat.postMessage with a bot token (which answers 200 with ok:false on failure).
import type { FluxEvent } from '../flux-event.ts';
import { oneLine, postJson } from './http-post.ts';
import { DeliveryError, type Notifier, type ProviderSettings } from './notifier.ts';

export function slackPayload(
  event: FluxEvent,
  settings: Pick<ProviderSettings, 'channel' | 'username'>,
): Record<string, unknown> {
  const object = event.involvedObject;
  const fields = Object.entries(event.metadata ?? {})
    .filter(([key]) => key !== 'token')
    .map(([title, value]) => ({ title, value, short: false }));
  return {
    ...(settings.channel ? { channel: settings.channel } : {}),
    ...(settings.username ? { username: settings.username } : {}),
    attachments: [
      {
        color: event.severity === 'error' ? 'danger' : 'good',
        author_name: `${object.kind.toLowerCase()}/${object.name}.${object.namespace}`,
        text: event.message,
        mrkdwn_in: ['text'],
        ...(fields.length > 0 ? { fields } : {}),
      },
    ],
  };
}

export function slackNotifier(settings: ProviderSettings): Notifier {
  return {
    async post(event: FluxEvent, signal: AbortSignal): Promise<void> {
      const headers: Record<string, string> = { ...settings.headers };
      if (settings.token) headers['authorization'] = `Bearer ${settings.token}`;
      const answer = await postJson(settings.address, slackPayload(event, settings), {
        headers,
        timeoutMs: settings.timeoutMs,
        tls: settings.tls,
        proxy: settings.proxy,
        signal,
      });
      // chat.postMessage reports failures in the body of a 200
      if (settings.token && answer.body.startsWith('{')) {
        const parsed = JSON.parse(answer.body) as { ok?: boolean; error?: string };
        if (parsed.ok === false)
          throw new DeliveryError(`Slack refused the message: ${oneLine(parsed.error ?? answer.body)}`, {
            retryable: false,
          });
      }
    },
  };
}
