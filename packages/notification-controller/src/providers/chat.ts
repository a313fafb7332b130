// Chat services, each in the payload shape its API documents: the message, colour by severity, the object, and the
// event's metadata (revision, summary, ...) as fields.
import type { FluxEvent } from '../flux-event.ts';
import { postJson } from './http-post.ts';
import { DeliveryError, type Notifier, type ProviderSettings } from './notifier.ts';
import { slackPayload } from './slack.ts';

/** `kustomization/web.apps`, as Flux titles its alerts. */
export function objectTitle(event: FluxEvent): string {
  const object = event.involvedObject;
  return `${object.kind.toLowerCase()}/${object.name}.${object.namespace}`;
}

/** Metadata shown with an alert; the token is an internal key, never shown. */
export function shownMetadata(event: FluxEvent): [string, string][] {
  return Object.entries(event.metadata ?? {}).filter(([key]) => key !== 'token');
}

function send(
  settings: ProviderSettings,
  address: string,
  payload: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
  method?: 'PUT',
): Promise<void> {
  return postJson(address, payload, {
    headers: { ...headers, ...settings.headers },
    timeoutMs: settings.timeoutMs,
    tls: settings.tls,
    proxy: settings.proxy,
    signal,
    ...(method ? { method } : {}),
  }).then(() => undefined);
}

const notifier = (post: Notifier['post']): Notifier => ({ post });

/** Discord takes Slack's payload on its webhook URL + /slack. */
export const discordNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) => {
    const address = settings.address.replace(/\/+$/, '');
    return send(
      settings,
      address.endsWith('/slack') ? address : `${address}/slack`,
      slackPayload(event, settings),
      {},
      signal,
    );
  });

/** Rocket.Chat incoming webhooks take Slack's payload. */
export const rocketNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) => send(settings, settings.address, slackPayload(event, settings), {}, signal));

/** Microsoft Teams through a Workflows webhook: a message carrying an Adaptive Card. */
export function msteamsPayload(event: FluxEvent): unknown {
  const facts = shownMetadata(event).map(([title, value]) => ({ title, value }));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: objectTitle(event),
              weight: 'bolder',
              size: 'medium',
              color: event.severity === 'error' ? 'attention' : 'good',
            },
            { type: 'TextBlock', text: event.message, wrap: true },
            ...(facts.length > 0 ? [{ type: 'FactSet', facts }] : []),
          ],
        },
      },
    ],
  };
}
export const msteamsNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) => send(settings, settings.address, msteamsPayload(event), {}, signal));

/** Google Chat webhooks: a card with the object as header, the message and one key/value per metadata entry. */
export const googlechatNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) =>
    send(
      settings,
      settings.address,
      {
        cardsV2: [
          {
            cardId: 'flux',
            card: {
              header: { title: objectTitle(event), subtitle: event.severity === 'error' ? 'error' : 'info' },
              sections: [
                { widgets: [{ textParagraph: { text: event.message } }] },
                ...(shownMetadata(event).length > 0
                  ? [
                      {
                        widgets: shownMetadata(event).map(([label, text]) => ({
                          decoratedText: { topLabel: label, text },
                        })),
                      },
                    ]
                  : []),
              ],
            },
          },
        ],
      },
      {},
      signal,
    ),
  );

/** The alert as Markdown: icon and object, the message, the metadata as a list. */
export function markdownText(event: FluxEvent): string {
  const icon = event.severity === 'error' ? '🚨' : '💫';
  const lines = [
    `${icon} **${objectTitle(event)}**`,
    event.message,
    ...shownMetadata(event).map(([key, value]) => `- **${key}**: ${value}`),
  ];
  return lines.join('\n');
}

/** Webex: the messages API with a bot token; channel is the room id. */
export const webexNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) => {
    if (!settings.channel) throw new DeliveryError('spec.channel (the Webex room id) is empty', { retryable: false });
    return send(
      settings,
      settings.address,
      { roomId: settings.channel, markdown: markdownText(event) },
      { authorization: `Bearer ${settings.token}` },
      signal,
    );
  });

/** Telegram: the bot API's sendMessage; the token is in the path (never logged), channel is the chat id. */
export const telegramNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) => {
    if (!settings.token)
      throw new DeliveryError('the Secret has no token (the Telegram bot token)', { retryable: false });
    const base = (settings.address || 'https://api.telegram.org').replace(/\/+$/, '');
    return send(
      settings,
      `${base}/bot${settings.token}/sendMessage`,
      { chat_id: settings.channel, text: markdownText(event).replace(/\*\*/g, '*'), parse_mode: 'Markdown' },
      {},
      signal,
    );
  });

/** Matrix: an m.room.message PUT to the room (channel) with the access token; the transaction id makes retries idempotent. */
export const matrixNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) => {
    if (!settings.channel) throw new DeliveryError('spec.channel (the Matrix room id) is empty', { retryable: false });
    const transaction =
      `${Date.parse(event.timestamp) || Date.now()}-${event.involvedObject.name}-${event.reason}`.replace(
        /[^A-Za-z0-9._-]/g,
        '_',
      );
    const address = `${settings.address.replace(/\/+$/, '')}/_matrix/client/v3/rooms/${encodeURIComponent(settings.channel)}/send/m.room.message/${transaction}`;
    return send(
      settings,
      address,
      { msgtype: 'm.text', body: markdownText(event).replace(/\*\*/g, '') },
      { authorization: `Bearer ${settings.token}` },
      signal,
      'PUT',
    );
  });

/** Lark: an interactive card, green or red. */
export const larkNotifier = (settings: ProviderSettings): Notifier =>
  notifier((event, signal) =>
    send(
      settings,
      settings.address,
      {
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: {
            title: { tag: 'plain_text', content: objectTitle(event) },
            template: event.severity === 'error' ? 'red' : 'green',
          },
          elements: [
            {
              tag: 'div',
              text: {
                tag: 'lark_md',
                content: [event.message, ...shownMetadata(event).map(([k, v]) => `**${k}**: ${v}`)].join('\n'),
              },
            },
          ],
        },
      },
      {},
      signal,
    ),
  );
