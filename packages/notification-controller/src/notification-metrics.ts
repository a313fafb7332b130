// What the notification-controller counts for Prometheus, on the manager's registry (served at --metrics-addr).
import { Counter, Histogram, type Registry } from 'prom-client';

export type Door = 'kubernetes' | 'http';
export type Outcome = 'delivered' | 'failed' | 'held-back';

export class NotificationMetrics {
  readonly events: Counter<'door'>;
  readonly deliveries: Counter<'provider_type' | 'outcome'>;
  readonly deliverySeconds: Histogram<'provider_type'>;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'fluxion_notification_events_total',
      help: 'Events taken in, by door.',
      labelNames: ['door'],
      registers: [registry],
    });
    this.deliveries = new Counter({
      name: 'fluxion_notification_deliveries_total',
      help: 'Messages per outcome: delivered, failed (given up or unusable Provider), held-back (noise filter).',
      labelNames: ['provider_type', 'outcome'],
      registers: [registry],
    });
    this.deliverySeconds = new Histogram({
      name: 'fluxion_notification_delivery_duration_seconds',
      help: 'From the event taken in to its message delivered, retries included.',
      labelNames: ['provider_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }
}
