import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric Roomcast exports on /metrics, in one registry per server instance (tests run several).
 * Components receive this object and touch only their own metrics; gauges that are cheaper to read at
 * scrape time than to keep up to date (consumer lag, socket counts) register collectors.
 */
export class RoomcastMetrics {
  readonly registry = new Registry();

  readonly busPublished = new Counter({
    name: 'roomcast_bus_published_total',
    help: 'Events published to the event bus, by stream',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  });
  readonly busConsumed = new Counter({
    name: 'roomcast_bus_consumed_total',
    help: 'Events handled and acknowledged, by stream and consumer group',
    labelNames: ['stream', 'group'] as const,
    registers: [this.registry],
  });
  readonly busHandlerFailures = new Counter({
    name: 'roomcast_bus_handler_failures_total',
    help: 'Event handler errors (the event is retried), by stream and group',
    labelNames: ['stream', 'group'] as const,
    registers: [this.registry],
  });
  readonly busDeadLettered = new Counter({
    name: 'roomcast_bus_dead_lettered_total',
    help: 'Events moved to a dead-letter stream after too many failed deliveries',
    labelNames: ['stream', 'group'] as const,
    registers: [this.registry],
  });
  readonly busDeliveryLatency = new Histogram({
    name: 'roomcast_bus_delivery_seconds',
    help: 'Time from publish to the start of handling',
    labelNames: ['stream'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly busConsumerLag = new Gauge({
    name: 'roomcast_bus_consumer_lag',
    help: 'Events in the stream not yet delivered to the consumer group',
    labelNames: ['stream', 'group'] as const,
    registers: [this.registry],
  });
  readonly busConsumerPending = new Gauge({
    name: 'roomcast_bus_consumer_pending',
    help: 'Events delivered to the group but not yet acknowledged',
    labelNames: ['stream', 'group'] as const,
    registers: [this.registry],
  });
  readonly socketClients = new Gauge({
    name: 'roomcast_socket_clients',
    help: 'Connected socket.io clients on this process, by namespace',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'roomcast_http_requests_total',
    help: 'HTTP requests, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'roomcast_auth_failures_total',
    help: 'Rejected credentials, by transport',
    labelNames: ['transport', 'reason'] as const,
    registers: [this.registry],
  });
  readonly healthState = new Gauge({
    name: 'roomcast_health_state',
    help: 'Health of each subsystem and adapter: 1 ok, 0.5 degraded, 0 down',
    labelNames: ['name', 'kind'] as const,
    registers: [this.registry],
  });

  private readonly collectors: Array<() => Promise<void> | void> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'roomcast_' });
  }

  /** Run `collect` right before every scrape (for values read from Redis or live objects). */
  onCollect(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    await Promise.allSettled(this.collectors.map(async (c) => c()));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
