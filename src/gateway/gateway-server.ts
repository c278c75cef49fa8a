import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelRef } from '../model/model-ref.js';
import type { ModelGateway } from '../routing/model-gateway.js';
import type { ChainRouter } from './chain-router.js';
import { GatewayRequestError, renderClientError, type ClientDialect } from './client-error.js';
import { readJsonBody } from './read-json-body.js';
import { allowedCandidates, resolveModelChain, type ModelCatalog } from './resolve-model-chain.js';
import { GATEWAY_ROUTES, type RouteHandler } from './gateway-routes.js';
import type { GatewayToken, GatewayTokenStore } from './token-store.js';
import { clientErrorOf } from './upstream-error.js';

/** The base URLs clients are given; a HEAD or GET there says the gateway is up. */
const BASE_PATHS: ReadonlySet<string> = new Set(['/', '/anthropic', '/anthropic/', '/openai', '/openai/', '/openai/v1', '/openai/v1/', '/v1', '/v1/']);

export interface GatewayLimits {
  maxBodyBytes: number;
  /** Streaming requests one token may have open at once. */
  maxStreamsPerToken: number;
  /**
   * Milliseconds a client may go without sending (its request) or reading (its reply): a stalled
   * client is cut off, and its upstream call aborted, instead of holding memory and a slot.
   */
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = { maxBodyBytes: 10 * 1024 * 1024, maxStreamsPerToken: 16, idleTimeoutMs: 60_000 };

export interface GatewayServerOptions {
  router: ChainRouter;
  tokens: GatewayTokenStore;
  catalog: ModelCatalog;
  limits?: Partial<GatewayLimits>;
  /**
   * Whether a provider is used through a personal subscription (ChatGPT, a GitHub login). Such
   * candidates serve the gateway's clients only when `allowSubscriptions` and on loopback.
   */
  isSubscription?: (providerId: string) => boolean;
  allowSubscriptions?: boolean;
  /** Whether the server listens on loopback only (decided by whoever picks the host). */
  loopback: boolean;
  /** Routing's clock: cooldown deadlines in errors (Retry-After) are read against it. */
  now?: () => number;
}

/** What one request handler gets: the parsed request, its token, and routing for a model. */
export interface RequestContext {
  request: IncomingMessage;
  response: ServerResponse;
  dialect: ClientDialect;
  token: GatewayToken;
  body: Record<string, unknown>;
  /** Aborted when the client disconnects; passed to routing so the vendor call stops too. */
  signal: AbortSignal;
  /** Routing for the model a request names, after the token's scope and the subscription rule. */
  route(model: unknown): { gateway: ModelGateway; chain: ModelRef[] };
  /** Counts a stream against the token's limit until the response closes; throws 429 over it. */
  holdStreamSlot(): void;
  catalog: ModelCatalog;
  /** `[gateway] idle_timeout_s` in milliseconds: how long a reply may wait for the client to read. */
  idleTimeoutMs: number;
}

/**
 * The OpenAI- and Anthropic-compatible HTTP server. Per request it keeps only the parsed body and
 * a few counters; replies stream through as routing produces them.
 */
export class GatewayServer {
  readonly server: Server;
  private readonly limits: GatewayLimits;
  private readonly streamsByToken = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: GatewayServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    // Node checks request and header timeouts every connectionsCheckingInterval (30 s by default):
    // a short idle_timeout_s would otherwise be honoured up to 30 s late.
    const checkEveryMs = Math.max(250, Math.min(30_000, Math.floor(this.limits.idleTimeoutMs / 4)));
    this.server = createServer({ connectionsCheckingInterval: checkEveryMs }, (request, response) => {
      const handling = this.handle(request, response).finally(() => this.inFlight.delete(handling));
      this.inFlight.add(handling);
    });
    this.server.requestTimeout = this.limits.idleTimeoutMs;
    this.server.headersTimeout = Math.min(this.limits.idleTimeoutMs, 60_000);
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /**
   * Stops listening and cuts open connections; their upstream calls are aborted, and this waits
   * until routing has reported them, so the usage they ran up is recorded before the process ends.
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    // Bounded: an upstream call that ignored its abort must not hold the process open.
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
    await Promise.race([Promise.allSettled([...this.inFlight]), limit]);
    clearTimeout(timer);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!;
    let dialect: ClientDialect = path.startsWith('/anthropic/') || request.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
    try {
      if (BASE_PATHS.has(path) && (request.method === 'HEAD' || request.method === 'GET')) {
        // Claude Code checks its base URL (ANTHROPIC_BASE_URL, so /anthropic) with HEAD.
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(request.method === 'GET' ? 'openkoi gateway\n' : undefined);
        return;
      }
      const route = GATEWAY_ROUTES.find((candidate) => candidate.method === request.method && candidate.paths.includes(path) && (candidate.accepts?.(request) ?? true));
      if (!route) throw new GatewayRequestError('not-found', `No such endpoint: ${request.method} ${path}.`);
      dialect = route.dialect;
      // The token is checked before the body is read, and before anything goes upstream.
      const token = this.authenticate(request);
      const body = route.method === 'GET' ? {} : await readJsonBody(request, this.limits.maxBodyBytes);
      await this.run(route.handle, request, response, dialect, token, body);
    } catch (error) {
      this.sendError(response, dialect, clientErrorOf(error, (this.options.now ?? Date.now)()));
    }
  }

  private async run(handle: RouteHandler, request: IncomingMessage, response: ServerResponse, dialect: ClientDialect, token: GatewayToken, body: Record<string, unknown>): Promise<void> {
    const controller = new AbortController();
    // A client that goes away mid-reply: the vendor call is aborted (routing records what it used).
    response.on('close', () => {
      if (!response.writableFinished) controller.abort(new Error('the client disconnected'));
    });
    const context: RequestContext = {
      request,
      response,
      dialect,
      token,
      body,
      signal: controller.signal,
      catalog: this.options.catalog,
      route: (model) => this.route(token, model),
      holdStreamSlot: () => this.holdStreamSlot(token, response),
      idleTimeoutMs: this.limits.idleTimeoutMs,
    };
    await handle(context);
  }

  /** Streams a token has open now. */
  openStreams(tokenName: string): number {
    return this.streamsByToken.get(tokenName) ?? 0;
  }

  private authenticate(request: IncomingMessage): GatewayToken {
    const authorization = request.headers['authorization'];
    const bearer = typeof authorization === 'string' && /^bearer\s+/i.test(authorization) ? authorization.replace(/^bearer\s+/i, '').trim() : undefined;
    const apiKey = request.headers['x-api-key'];
    const secret = bearer ?? (typeof apiKey === 'string' ? apiKey.trim() : undefined);
    const check = this.options.tokens.check(secret);
    if (!check.ok) {
      const why = {
        missing: 'No gateway token: send one as "Authorization: Bearer <token>" or "x-api-key" (create it with openkoi token create --name NAME).',
        unknown: 'The gateway token is not valid.',
        expired: 'The gateway token has expired.',
        revoked: 'The gateway token has been revoked.',
      }[check.reason];
      throw new GatewayRequestError('auth', why);
    }
    const { token } = check;
    if (token.budgetUsd !== undefined) {
      const spent = this.options.tokens.spentUsd(token);
      if (spent >= token.budgetUsd) {
        throw new GatewayRequestError('rate-limit', `The token "${token.name}" has spent its budget of $${token.budgetUsd.toFixed(2)} ($${spent.toFixed(4)} used).`);
      }
    }
    return token;
  }

  private route(token: GatewayToken, model: unknown): { gateway: ModelGateway; chain: ModelRef[] } {
    const requested = resolveModelChain(model, this.options.catalog);
    const name = model as string;
    const scoped = allowedCandidates(name, requested, token.modelPattern);
    if (scoped.length === 0) {
      throw new GatewayRequestError('permission', `The token "${token.name}" may not use "${name}" (its models: ${token.modelPattern}).`, 'model');
    }
    const subscriptionsAllowed = this.options.allowSubscriptions === true && this.options.loopback;
    const isSubscription = this.options.isSubscription ?? (() => false);
    const chain = subscriptionsAllowed ? scoped : scoped.filter((candidate) => !isSubscription(candidate.provider));
    if (chain.length === 0) {
      throw new GatewayRequestError(
        'permission',
        `"${name}" is served only by a personal subscription sign-in, which the gateway does not share with clients ` +
          '(allowed only with [gateway] allow_subscriptions = true, on loopback).',
        'model',
      );
    }
    return { gateway: this.options.router.gatewayFor(chain, token.name), chain };
  }

  private holdStreamSlot(token: GatewayToken, response: ServerResponse): void {
    const open = this.streamsByToken.get(token.name) ?? 0;
    if (open >= this.limits.maxStreamsPerToken) {
      throw new GatewayRequestError('rate-limit', `The token "${token.name}" already has ${open} streams open (limit ${this.limits.maxStreamsPerToken}, [gateway] max_streams_per_token).`, undefined, 1);
    }
    this.streamsByToken.set(token.name, open + 1);
    response.once('close', () => {
      const now = (this.streamsByToken.get(token.name) ?? 1) - 1;
      if (now <= 0) this.streamsByToken.delete(token.name);
      else this.streamsByToken.set(token.name, now);
    });
  }

  private sendError(response: ServerResponse, dialect: ClientDialect, error: GatewayRequestError): void {
    if (response.headersSent) {
      if (!response.writableEnded) response.end();
      return;
    }
    const rendered = renderClientError(dialect, error);
    // An oversized body is not read to its end: the connection closes after the answer.
    if (error.kind === 'too-large') rendered.headers['connection'] = 'close';
    response.writeHead(rendered.status, rendered.headers);
    response.end(JSON.stringify(rendered.body));
  }
}
