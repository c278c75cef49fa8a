import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatRequest } from '../../src/model/chat-request.js';
import type { StreamEvent } from '../../src/model/stream-event.js';
import type { Usage } from '../../src/model/usage.js';
import type { ModelProvider } from '../../src/providers/model-provider.js';
import type { ProviderError } from '../../src/providers/provider-error.js';
import type { FakeServer } from '../fakes/fake-server.js';
import type { ScriptedFault, ScriptedReply, ScriptedUsage } from '../fakes/scripted-reply.js';
import { collect, collectUntilFailure, failureOf, textOfEvents } from './stream-test-helpers.js';

/**
 * The behaviour every adapter owes routing, whatever the vendor: a broken stream fails loudly with
 * the right kind, the SDK never retries behind routing's back, usage is normalised, and a secret
 * never reaches an error message. Each adapter test file calls `describeAdapterConformance` once
 * with a subject that says how to reach and script its vendor, and keeps only its wire-specific
 * cases beside it.
 */
export interface AdapterConformanceSubject {
  /** The vendor as a user names it; it heads the describe path, so a failure says which adapter. */
  vendor: string;
  /** The vendor's fake, started by `useFakeServer` in the same file. */
  server: FakeServer;
  adapter(): ModelProvider;
  /** The fake's route families for a whole and a streamed chat (the same one for most vendors). */
  routes: { whole: string; stream: string };
  /** A chat request for the adapter's usual test model. */
  request(text: string): ChatRequest;
  /**
   * Wire events the vendor streams before the first text delta (OpenAI's role chunk; Anthropic's
   * message_start, ping and content_block_start; Bedrock's messageStart; none for Gemini and Ollama).
   * Stream faults are scripted relative to it, so every vendor fails at the same point of the reply.
   */
  eventsBeforeText: number;
  /** The vendor's answer with a bare HTTP status (Bedrock names its exception in the body). */
  httpFault(status: number): ScriptedFault;
  /** The statuses an SDK would retry on its own: 429 and 5xx, Anthropic's 529 included. */
  retriedStatuses: number[];
  /** Errors the vendor sends inside a 200 stream, with what each must become. */
  inStreamFaults: Array<{ label: string; fault: ScriptedFault; expected: Partial<ProviderError>; messageContains?: string }>;
  /** How the vendor counts tokens, and what that normalises to. */
  usage: { detail: string; scripted: ScriptedUsage; expected: Usage };
  /**
   * What the vendor has reported of the default reply's usage by the time a stream is cut after
   * two text deltas (Anthropic's message_start, Gemini's usageMetadata on every chunk), which the
   * error carries as partialUsage; undefined for vendors that report usage only at the end.
   */
  partialUsageOnCut: Usage | undefined;
  /** The vendor's raw finish reason for a reply cut by the output limit (`length`, `max_tokens`, `MAX_TOKENS`). */
  lengthFinishRaw: string;
  /**
   * A streamed reply with reasoning, as the vendor's wire sends it: the reasoning it holds, the
   * answer after it, and the opaque signature the reasoning block must end with (if the vendor signs).
   */
  reasoning: { reply: ScriptedReply; text: string; answer: string; signature?: string };
  /**
   * The vendor streams tool input as JSON text for the adapter to parse (Anthropic, Bedrock), so text
   * that does not parse means a damaged stream. OpenAI documents the exception of keeping such
   * arguments as raw text (see its file); Gemini and Ollama send arguments as objects.
   */
  parsesStreamedToolInput?: boolean;
  /** A damaged stream names itself in the message (`malformed reply`) for these adapters. */
  malformedSaysSo?: boolean;
  /** Absent for a vendor without credentials (Ollama runs locally). */
  credentials?: {
    /** A failure whose body echoes the credentials back, as vendors do for a rejected key. */
    echoed: { fault: ScriptedFault; expected: Partial<ProviderError>; messageContains?: string; secrets: string[] };
    /** No credentials anywhere: the adapter to build, the environment to clear, the variables the message must name. */
    missing: { adapter(): ModelProvider; arrange?(): void; names: string[] };
  };
}

/** Starts the vendor fake for the whole file, resets it and the environment around every test. */
export function useFakeServer(server: FakeServer, arrangeEach?: () => void): FakeServer {
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    arrangeEach?.();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return server;
}

const CHUNKS = ['one ', 'two ', 'three'];

export function describeAdapterConformance(subject: AdapterConformanceSubject): void {
  const { server, routes } = subject;
  const ask = () => subject.request('hi');
  /** The wire event a scripted fault strikes at: just after `textEvents` text deltas have gone out. */
  const afterText = (textEvents: number) => subject.eventsBeforeText + textEvents;
  const hasFinish = (events: StreamEvent[]) => events.some((event) => event.type === 'finish');

  describe(`the ${subject.vendor} adapter keeps the contract every adapter keeps`, () => {
    describe('a broken stream fails loudly, never ends quietly', () => {
      it('a connection cut mid-stream is a retryable network error, after the text that did arrive, with no finish; the usage reported so far leaves on the error as partial', async () => {
        server.script(routes.stream, { chunks: CHUNKS, cutAfterEvents: afterText(2) });

        const { events, error } = await collectUntilFailure(subject.adapter().chatStream(ask()));

        expect(textOfEvents(events)).toBe('one two ');
        expect(error).toMatchObject({ kind: 'network', retryable: true });
        expect(events.some((event) => event.type === 'finish' || event.type === 'usage')).toBe(false);
        // Billed tokens are never lost with the stream: routing records them as a partial row.
        expect(error.partialUsage).toEqual(subject.partialUsageOnCut);
      });

      it('a malformed chunk is a retryable server error, with no finish', async () => {
        server.script(routes.stream, { chunks: CHUNKS, malformedAfterEvents: afterText(1) });

        const { events, error } = await collectUntilFailure(subject.adapter().chatStream(ask()));

        expect(textOfEvents(events)).toBe('one ');
        expect(error).toMatchObject({ kind: 'server', retryable: true });
        if (subject.malformedSaysSo) expect(error.message).toContain('malformed');
        expect(hasFinish(events)).toBe(false);
      });

      for (const { label, fault, expected, messageContains } of subject.inStreamFaults) {
        it(`an error the server sends inside the stream (${label}) fails as ${expected.kind}, after the text that did arrive, with no finish`, async () => {
          server.script(routes.stream, { chunks: CHUNKS, fault, faultAfterEvents: afterText(1) });

          const { events, error } = await collectUntilFailure(subject.adapter().chatStream(ask()));

          expect(textOfEvents(events)).toBe('one ');
          expect(error).toMatchObject(expected);
          if (messageContains !== undefined) expect(error.message).toContain(messageContains);
          expect(hasFinish(events)).toBe(false);
        });
      }

      if (subject.parsesStreamedToolInput) {
        it('tool input JSON that does not parse is a server error, not a call with garbage input', async () => {
          server.script(routes.stream, { toolCalls: [{ id: 'tool_unparsable', name: 'read_file', arguments: '{"path": "src/ind' }] });

          const { events, error } = await collectUntilFailure(subject.adapter().chatStream(ask()));

          expect(error).toMatchObject({ kind: 'server', retryable: true });
          expect(events.some((event) => event.type === 'tool-call')).toBe(false);
        });
      }

      it('a stall longer than the idle timeout is a retryable timeout', async () => {
        server.script(routes.stream, { chunks: CHUNKS, stallAfterEvents: afterText(1) });

        const { events, error } = await collectUntilFailure(subject.adapter().chatStream(ask(), { idleTimeoutMs: 200 }));

        expect(textOfEvents(events)).toBe('one ');
        expect(error).toMatchObject({ kind: 'timeout', retryable: true });
      });

      it('the caller aborting mid-stream is aborted, not a timeout', async () => {
        server.script(routes.stream, { chunks: CHUNKS, stallAfterEvents: afterText(1) });
        const controller = new AbortController();
        const events: StreamEvent[] = [];

        const error = await failureOf(
          (async () => {
            for await (const event of subject.adapter().chatStream(ask(), { signal: controller.signal })) {
              events.push(event);
              if (event.type === 'text-delta') controller.abort();
            }
          })(),
        );

        expect(error).toMatchObject({ kind: 'aborted', retryable: false });
        expect(textOfEvents(events)).toBe('one ');
      });
    });

    describe('reasoning and finish reasons reach the caller', () => {
      it('reasoning streams as reasoning-start / -delta / -end, apart from the answer, its signature kept', async () => {
        server.script(routes.stream, subject.reasoning.reply);

        const events = await collect(subject.adapter().chatStream(ask()));

        const kinds = events.map((event) => event.type).filter((type) => type.startsWith('reasoning-'));
        expect(kinds[0]).toBe('reasoning-start');
        expect(kinds.at(-1)).toBe('reasoning-end');
        expect(kinds.filter((kind) => kind === 'reasoning-start')).toHaveLength(kinds.filter((kind) => kind === 'reasoning-end').length);
        const reasoning = events.map((event) => (event.type === 'reasoning-delta' ? event.text : '')).join('');
        expect(reasoning).toBe(subject.reasoning.text);
        expect(textOfEvents(events)).toBe(subject.reasoning.answer);
        const end = events.find((event) => event.type === 'reasoning-end');
        expect(end).toMatchObject(subject.reasoning.signature !== undefined ? { signature: subject.reasoning.signature } : {});
        expect(events.findIndex((event) => event.type === 'reasoning-end')).toBeLessThan(events.findIndex((event) => event.type === 'text-delta'));
      });

      it('a reply cut by the output limit finishes as length, with the raw reason beside it, whole or streamed', async () => {
        server.script(routes.stream, { text: 'cut sh', finishReason: subject.lengthFinishRaw });
        server.script(routes.whole, { text: 'cut sh', finishReason: subject.lengthFinishRaw });

        const events = await collect(subject.adapter().chatStream(ask()));
        const response = await subject.adapter().chat(ask());

        expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'length', rawFinishReason: subject.lengthFinishRaw });
        expect(response).toMatchObject({ finishReason: 'length', rawFinishReason: subject.lengthFinishRaw });
      });
    });

    describe('a whole reply is held to the same deadline and signal', () => {
      it('a whole reply that never comes times out on the idle deadline', async () => {
        server.script(routes.whole, { text: 'late', delayMs: 5_000 });

        const error = await failureOf(subject.adapter().chat(ask(), { idleTimeoutMs: 200 }));

        expect(error).toMatchObject({ kind: 'timeout', retryable: true });
      });

      it('the caller aborting a whole reply ends it as aborted', async () => {
        server.script(routes.whole, { text: 'late', delayMs: 5_000 });
        const controller = new AbortController();

        const pending = failureOf(subject.adapter().chat(ask(), { signal: controller.signal }));
        setTimeout(() => controller.abort(), 50);

        expect(await pending).toMatchObject({ kind: 'aborted', retryable: false });
      });
    });

    describe("the SDK never retries behind routing's back", () => {
      it.each(subject.retriedStatuses)('a %i reaches the server exactly once, whole or streamed', async (status) => {
        // retry-after 0 would let a retrying SDK go again at once: the count below would catch it.
        const fault = { ...subject.httpFault(status), headers: { 'retry-after': '0' } };
        server.script(routes.whole, { fault });
        server.script(routes.stream, { fault });
        const provider = subject.adapter();

        await failureOf(provider.chat(ask()));
        expect(server.requestsTo(routes.whole)).toHaveLength(1);

        await failureOf(collect(provider.chatStream(ask())));
        expect(server.requestsTo(routes.stream)).toHaveLength(routes.stream === routes.whole ? 2 : 1);
        expect(server.requests).toHaveLength(2);
      });
    });

    describe(`usage is normalised: ${subject.usage.detail}`, () => {
      it('a stream reports it exactly once', async () => {
        server.script(routes.stream, { text: 'cached', usage: subject.usage.scripted });

        const events = await collect(subject.adapter().chatStream(subject.request('again')));

        expect(events.filter((event) => event.type === 'usage')).toEqual([{ type: 'usage', usage: subject.usage.expected }]);
      });

      it('a whole reply reports the same counts', async () => {
        server.script(routes.whole, { text: 'cached', usage: subject.usage.scripted });

        const response = await subject.adapter().chat(subject.request('again'));

        expect(response.usage).toEqual(subject.usage.expected);
      });
    });

    const credentials = subject.credentials;
    if (credentials) {
      describe('credentials stay secret and their absence is explained', () => {
        it('never puts a credential in an error message, even when the vendor echoes it', async () => {
          server.script(routes.whole, { fault: credentials.echoed.fault });

          const error = await failureOf(subject.adapter().chat(ask()));

          expect(error).toMatchObject(credentials.echoed.expected);
          if (credentials.echoed.messageContains !== undefined) expect(error.message).toContain(credentials.echoed.messageContains);
          for (const secret of credentials.echoed.secrets) expect(error.message).not.toContain(secret);
        });

        it('without credentials a call fails as auth, naming what to set, and nothing is sent, whole or streamed', async () => {
          credentials.missing.arrange?.();
          const provider = credentials.missing.adapter();

          const whole = await failureOf(provider.chat(ask()));
          const streamed = (await collectUntilFailure(provider.chatStream(ask()))).error;

          for (const error of [whole, streamed]) {
            expect(error).toMatchObject({ kind: 'auth', retryable: false });
            for (const name of credentials.missing.names) expect(error.message).toContain(name);
          }
          expect(server.requests).toHaveLength(0);
        });
      });
    }
  });
}
