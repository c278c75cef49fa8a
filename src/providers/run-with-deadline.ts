import { CallDeadline, DEFAULT_IDLE_TIMEOUT_MS } from './call-deadline.js';
import type { CallOptions } from './model-provider.js';
import type { ProviderError } from './provider-error.js';
import type { StreamProgress } from './stream-progress.js';

/**
 * What one call needs from its adapter to run under a CallDeadline: the caller's options, how to
 * get the vendor client, and how the vendor's failures are classified. The shared part (the
 * deadline's life, the touch after loading the SDK, classifying every failure, disposing the
 * timer) lives here once, so no adapter can forget a piece of it.
 */
export interface DeadlineCallSetup<Client> {
  options: CallOptions;
  /**
   * Gets the vendor client, importing the SDK on first use. It runs inside the deadline's try,
   * so a missing credential or a failed import leaves as a classified ProviderError too.
   */
  connect(deadline: CallDeadline): Promise<Client>;
  /** Whatever the call threw → the ProviderError that leaves the adapter. */
  classify(error: unknown, deadline: CallDeadline): ProviderError;
}

/**
 * Runs one non-streaming call under a CallDeadline; every failure leaves as a ProviderError.
 * Without streaming no byte arrives before the whole reply, so the idle timeout limits the call.
 */
export async function runWithDeadline<Client, Result>(
  setup: DeadlineCallSetup<Client>,
  call: (client: Client, deadline: CallDeadline) => Promise<Result>,
): Promise<Result> {
  const deadline = startDeadline(setup.options);
  try {
    const client = await setup.connect(deadline);
    // The SDK's import time is ours, not the vendor's silence.
    deadline.touch();
    return await call(client, deadline);
  } catch (error) {
    throw setup.classify(error, deadline);
  } finally {
    deadline.dispose();
  }
}

/**
 * Runs one streaming call under a CallDeadline: the events of `stream` pass through, every
 * failure leaves as a ProviderError, and the deadline is disposed however the stream ends
 * (finished, failed, or left early by the consumer). The vendor's stream touches the deadline on
 * each chunk it reads. Nothing starts before the first event is asked for. The usage the stream
 * reported into `progress` before a failure travels on the error as `partialUsage`.
 */
export async function* streamWithDeadline<Client, Event>(
  setup: DeadlineCallSetup<Client>,
  stream: (client: Client, deadline: CallDeadline, progress: StreamProgress) => AsyncIterable<Event>,
): AsyncGenerator<Event> {
  const deadline = startDeadline(setup.options);
  const progress: StreamProgress = {};
  try {
    const client = await setup.connect(deadline);
    deadline.touch();
    yield* stream(client, deadline, progress);
  } catch (error) {
    const providerError = setup.classify(error, deadline);
    // The vendor bills what it reported before the failure: it leaves with the error, marked partial.
    if (progress.usage && providerError.partialUsage === undefined) providerError.partialUsage = progress.usage;
    throw providerError;
  } finally {
    deadline.dispose();
  }
}

function startDeadline(options: CallOptions): CallDeadline {
  return new CallDeadline(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, options.signal);
}
