import { defineActionType, z } from 'roomcast/sdk';

/**
 * POST (or PUT) the trigger as JSON to a URL: hand any Roomcast event to another system (home
 * automation, a bot, a spreadsheet). Name secret headers `authorization` so logs redact them.
 */
export const webhookAction = defineActionType({
  type: 'example.webhook',
  description: 'Send the triggering event as JSON to a URL',
  paramsSchema: z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
  }),
  async run(params, trigger) {
    const response = await fetch(params.url, {
      method: params.method,
      headers: { 'content-type': 'application/json', ...params.headers },
      body: JSON.stringify({ trigger, sentAt: Date.now() }),
      signal: AbortSignal.timeout(params.timeoutMs),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`webhook ${params.url} answered ${response.status} ${response.statusText}`);
  },
});
