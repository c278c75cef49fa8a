import { expect } from 'vitest';
import type { StreamEvent } from '../../src/model/stream-event.js';
import { ProviderError } from '../../src/providers/provider-error.js';

export async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Runs a stream to its failure; returns the events seen before it and the error, which must be a ProviderError. */
export async function collectUntilFailure(stream: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error: ProviderError }> {
  const events: StreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return { events, error: error as ProviderError };
  }
  throw new Error(`the stream ended without an error after ${events.length} events`);
}

/** The ProviderError a call failed with (the test fails if it succeeded). */
export async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('the call succeeded but was expected to fail');
}

export function textOfEvents(events: StreamEvent[]): string {
  return events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
}
