import { anthropicRoutes } from './anthropic-routes.js';
import { bedrockRoutes } from './bedrock-routes.js';
import { codexResponsesRoutes } from './codex-responses-routes.js';
import { FakeServer } from './fake-server.js';
import { geminiRoutes } from './gemini-routes.js';
import { ollamaRoutes } from './ollama-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { openaiRoutes } from './openai-routes.js';

/** One fake server speaking every vendor protocol the tests need. */
export async function startFakeVendors(): Promise<FakeServer> {
  // Gemini's routes come first: its GET /v1beta/models would otherwise match OpenAI's model list,
  // which answers `.../models` under any prefix. Its own paths are anchored, so it takes nothing else.
  // The OAuth and Codex backend routes are anchored paths, listed before OpenAI's prefix-free ones.
  return new FakeServer([...geminiRoutes, ...oauthRoutes, ...codexResponsesRoutes, ...openaiRoutes, ...anthropicRoutes, ...ollamaRoutes, ...bedrockRoutes]).start();
}

/** Environment pointing the official SDKs (and so openkoi) at the fake. */
export function fakeVendorEnvironment(fake: FakeServer): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_BASE_URL: fake.url,
    OLLAMA_HOST: fake.url,
    GOOGLE_GEMINI_BASE_URL: fake.url,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    AWS_REGION: 'us-east-1',
    OPENKOI_OPENAI_AUTH_URL: fake.url,
    OPENKOI_CHATGPT_URL: fake.url,
    OPENKOI_GITHUB_URL: fake.url,
    OPENKOI_GITHUB_MODELS_URL: `${fake.url}/inference`,
  };
}
