// Zulip: the send-message API (`POST /api/v1/messages`, form-encoded) as a bot, with basic auth (the bot's email as
// username, its API key as password); channel is `<stream>/<topic>`.
import { post } from './http-post.ts';
import { markdownText } from './chat.ts';
import { ProviderConfigError } from './provider-settings.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';

export function zulipNotifier(settings: ProviderSettings): Notifier {
  const [stream, topic] = splitChannel(settings.channel);
  if (!stream || !topic)
    throw new ProviderConfigError(`spec.channel must be <stream>/<topic>, not ${JSON.stringify(settings.channel)}`);
  const password = settings.password || settings.token;
  if (!settings.username || !password)
    throw new ProviderConfigError(
      'the Secret needs username (the bot email) and password or token (its API key) for Zulip',
    );
  // the messages endpoint of the server the address names, whatever path it was given with
  const endpoint = new URL('/api/v1/messages', settings.address).href;
  const authorization = `Basic ${Buffer.from(`${settings.username}:${password}`).toString('base64')}`;
  return {
    post: async (event, signal) => {
      const form = new URLSearchParams({ type: 'stream', to: stream, topic, content: markdownText(event) });
      await post(
        endpoint,
        form.toString(),
        { 'content-type': 'application/x-www-form-urlencoded', authorization, ...settings.headers },
        { timeoutMs: settings.timeoutMs, tls: settings.tls, proxy: settings.proxy, signal },
      );
    },
  };
}

function splitChannel(channel: string): [string, string] {
  const slash = channel.indexOf('/');
  return slash < 0 ? [channel, ''] : [channel.slice(0, slash), channel.slice(slash + 1)];
}
