import { anthropicRoutes } from './anthropic-routes.js';
import { FakeServer } from './fake-server.js';
import { openaiRoutes } from './openai-routes.js';

/** One fake server speaking every vendor protocol the tests need. */
export async function startFakeVendors(): Promise<FakeServer> {
  return new FakeServer([...openaiRoutes, ...anthropicRoutes]).start();
}

/** Environment pointing the official SDKs (and so openkoi) at the fake. */
export function fakeVendorEnvironment(fake: FakeServer): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_BASE_URL: fake.url,
  };
}
