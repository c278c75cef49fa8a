import type { GatewayConfig } from '../config/config-schema.js';
import { DEFAULT_LIMITS, type GatewayLimits } from './gateway-server.js';

/** `[gateway]` limits as the server takes them; unset keys keep the defaults. */
export function gatewayLimitsFromConfig(gateway: GatewayConfig | undefined): GatewayLimits {
  return {
    maxBodyBytes: gateway?.max_body_mb !== undefined ? Math.floor(gateway.max_body_mb * 1024 * 1024) : DEFAULT_LIMITS.maxBodyBytes,
    maxStreamsPerToken: gateway?.max_streams_per_token ?? DEFAULT_LIMITS.maxStreamsPerToken,
    idleTimeoutMs: gateway?.idle_timeout_s !== undefined ? gateway.idle_timeout_s * 1000 : DEFAULT_LIMITS.idleTimeoutMs,
  };
}

/** Loopback addresses: the only hosts `openkoi serve` binds without being told otherwise. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** The lines `openkoi serve --print-env` prints: Codex CLI and Claude Code pointed at the gateway. */
export function clientEnvironmentLines(baseUrl: string): string[] {
  return [
    '# Codex CLI: add to ~/.codex/config.toml, then export the token (CODEX_GATEWAY_TOKEN is read by Codex, not openkoi)',
    `export OPENAI_BASE_URL=${baseUrl}/openai/v1`,
    'export CODEX_GATEWAY_TOKEN=<a token from: openkoi token create --name NAME>',
    '#   model_provider = "openkoi"',
    '#   model = "<an alias from [gateway.aliases], or provider/model>"',
    '#   [model_providers.openkoi]',
    '#   name = "openkoi"',
    `#   base_url = "${baseUrl}/openai/v1"`,
    '#   env_key = "CODEX_GATEWAY_TOKEN"',
    '#   wire_api = "responses"',
    '# Claude Code',
    `export ANTHROPIC_BASE_URL=${baseUrl}/anthropic`,
    'export ANTHROPIC_AUTH_TOKEN=<a token from: openkoi token create --name NAME>',
  ];
}
