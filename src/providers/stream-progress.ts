import type { Usage } from '../model/usage.js';

/**
 * What a stream has learned about itself while it runs. An adapter updates `usage` each time
 * the vendor reports counts (Anthropic's message_start, Gemini's usageMetadata on every chunk,
 * an OpenAI usage chunk); when the stream then fails, streamWithDeadline puts that usage on the
 * ProviderError, so the attempt is still recorded with what the vendor will bill.
 */
export interface StreamProgress {
  usage?: Usage;
}
