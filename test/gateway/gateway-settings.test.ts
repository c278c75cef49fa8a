import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/gateway/gateway-server.js';
import { gatewayLimitsFromConfig, isLoopbackHost } from '../../src/gateway/gateway-settings.js';
import { GatewayServer } from '../../src/gateway/gateway-server.js';

describe('[gateway] limits reach the server', () => {
  it('each key sets its limit; unset keys keep the defaults', () => {
    expect(gatewayLimitsFromConfig(undefined)).toEqual(DEFAULT_LIMITS);
    expect(gatewayLimitsFromConfig({ max_body_mb: 2 }).maxBodyBytes).toBe(2 * 1024 * 1024);
    expect(gatewayLimitsFromConfig({ max_streams_per_token: 3 }).maxStreamsPerToken).toBe(3);
    expect(gatewayLimitsFromConfig({ idle_timeout_s: 7 }).idleTimeoutMs).toBe(7000);
  });

  it('idle_timeout_s becomes the HTTP server request timeout (slow or stalled clients are cut)', () => {
    const server = new GatewayServer({
      router: {} as never,
      tokens: {} as never,
      catalog: { aliases: {}, roleChains: { executor: [], evaluator: [], planner: [], embedder: [] }, providerIds: [] },
      limits: gatewayLimitsFromConfig({ idle_timeout_s: 7 }),
      loopback: true,
    });
    expect(server.server.requestTimeout).toBe(7000);
    expect(server.server.headersTimeout).toBe(7000);
  });
});

describe('loopback hosts', () => {
  it('knows loopback from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '192.168.1.4', '::', 'example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
});
