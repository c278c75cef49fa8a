import type { ModelProvider } from './model-provider.js';
import type { ProviderEntry } from './provider-catalog.js';
import { openkoiUserAgent } from './openkoi-identity.js';
import { ProviderError } from './provider-error.js';

export interface ProviderCredential {
  apiKey: string;
  /** Where the key came from, for `status` and run identity ("env OPENAI_API_KEY"). */
  source: string;
  /** How the provider is used: a vendor key, a subscription sign-in, or a local server. */
  /**
   * How the provider is used: a vendor key, a subscription sign-in, or a local server.
   * `subscription` credentials (ChatGPT sign-in, a GitHub login) serve their owner's own runs
   * only: the gateway must not hand them to other clients.
   */
  authMode?: 'api-key' | 'subscription' | 'local';
  /** A sign-in whose token is refreshed (ChatGPT): the current access, from the auth layer. */
  chatgptAccess?: () => Promise<{ accessToken: string; accountId: string }>;
  /** Sees each reply's headers (quota telemetry); never fails a call. */
  onResponseHeaders?: (headers: Headers) => void;
}

/** The first of the entry's key variables that is set. */
export function credentialFromEnvironment(entry: ProviderEntry, environment: NodeJS.ProcessEnv): ProviderCredential | undefined {
  for (const variable of entry.keyVariables) {
    const value = environment[variable]?.trim();
    if (value) return { apiKey: value, source: `env ${variable}`, authMode: 'api-key' };
  }
  return undefined;
}

export function missingCredentialError(entry: ProviderEntry): ProviderError {
  if (entry.api === 'openai-codex-responses') {
    return new ProviderError(`${entry.name} (${entry.id}) is not connected: run \`openkoi connect chatgpt\`.`, { kind: 'auth', provider: entry.id });
  }
  const variables = entry.keyVariables.length > 0 ? entry.keyVariables.join(' or ') : `an api_key_env for [providers.${entry.id}]`;
  return new ProviderError(
    `No API key for ${entry.name} (${entry.id}): set ${variables}, or save the key in OPENKOI_HOME/credentials/${entry.id}.key (mode 0600).`,
    { kind: 'auth', provider: entry.id },
  );
}

/** Where the entry's requests go: its base URL variable when set, else its own base URL (undefined: the SDK's default). */
export function resolveBaseURL(entry: ProviderEntry, environment: NodeJS.ProcessEnv): string | undefined {
  return (entry.baseURLVariable && environment[entry.baseURLVariable]?.trim()) || entry.baseURL;
}

/**
 * Builds the adapter for an entry. Adapter modules are imported here, on demand, so a command
 * that never calls a model never loads one.
 */
export async function createProvider(
  entry: ProviderEntry,
  environment: NodeJS.ProcessEnv = process.env,
  credential: ProviderCredential | undefined = credentialFromEnvironment(entry, environment),
): Promise<ModelProvider> {
  // Ollama is local and keyless: it needs no credential, only a server at OLLAMA_HOST.
  if (!credential && entry.api !== 'ollama' && !entry.keyless) throw missingCredentialError(entry);
  const observe = credential?.onResponseHeaders ? { onResponseHeaders: credential.onResponseHeaders } : {};
  const baseURL = resolveBaseURL(entry, environment);
  switch (entry.api) {
    case 'anthropic-messages': {
      const { AnthropicAdapter } = await import('./anthropic/anthropic-adapter.js');
      return new AnthropicAdapter({ apiKey: credential!.apiKey, ...(baseURL ? { baseURL } : {}) });
    }
    case 'openai-chat': {
      const { OpenAIChatAdapter } = await import('./openai/openai-chat-adapter.js');
      return new OpenAIChatAdapter({
        id: entry.id,
        name: entry.name,
        apiKey: credential?.apiKey,
        ...(entry.keyless && !credential ? { keyless: true } : {}),
        apiKeyEnv: entry.keyVariables[0],
        ...(baseURL ? { baseURL } : {}),
        ...observe,
        // GitHub sees openkoi as openkoi (never an editor's identity headers).
        ...(entry.id === 'github-models' ? { defaultHeaders: { 'User-Agent': openkoiUserAgent() } } : {}),
      });
    }
    case 'openai-codex-responses': {
      if (!credential?.chatgptAccess) throw missingCredentialError(entry);
      const { CodexResponsesAdapter } = await import('./openai-codex/codex-responses-adapter.js');
      return new CodexResponsesAdapter({
        id: entry.id,
        name: entry.name,
        baseURL: `${(baseURL ?? 'https://chatgpt.com').replace(/\/+$/, '')}/backend-api/codex`,
        access: credential.chatgptAccess,
        ...observe,
      });
    }
    case 'google-generative': {
      const { GoogleAdapter } = await import('./google/google-adapter.js');
      return new GoogleAdapter({ apiKey: credential!.apiKey, ...(baseURL ? { baseURL } : {}) });
    }
    case 'bedrock-converse': {
      // A credential from the environment or the AWS chain only proves that AWS credentials are
      // configured: the SDK's chain reads them (and AWS_SESSION_TOKEN, AWS_BEARER_TOKEN_BEDROCK)
      // itself. A key given to openkoi (a saved credentials/bedrock.key, an auth.json entry) is
      // a Bedrock API key the SDK cannot see: it is sent as the bearer token.
      const bearerToken = credential?.apiKey && !credential.source.startsWith('env ') ? credential.apiKey : undefined;
      const { BedrockAdapter } = await import('./bedrock/bedrock-adapter.js');
      return new BedrockAdapter({ environment, ...(baseURL ? { endpoint: baseURL } : {}), ...(bearerToken ? { bearerToken } : {}) });
    }
    case 'ollama': {
      const { OllamaAdapter } = await import('./ollama/ollama-adapter.js');
      return new OllamaAdapter({ id: entry.id, name: entry.name, ...(baseURL ? { host: baseURL } : {}) });
    }
  }
}
