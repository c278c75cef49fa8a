/** The wire protocol a provider speaks; one adapter per wire API. */
export type WireApi = 'openai-chat' | 'anthropic-messages' | 'ollama' | 'google-generative' | 'bedrock-converse' | 'openai-codex-responses';

export interface ProviderEntry {
  id: string;
  name: string;
  api: WireApi;
  /** Environment variables holding the key, first found wins. */
  keyVariables: string[];
  /** Base URL for OpenAI-compatible vendors; undefined lets the SDK decide (and honour its own env var). */
  baseURL?: string;
  /** Environment variable that overrides the base URL. */
  baseURLVariable?: string;
  defaultModel?: string;
  aliases?: string[];
  /**
   * A custom OpenAI-compatible endpoint configured without `api_key_env` (vLLM, llama.cpp, LM
   * Studio): it is called without a key rather than refused.
   */
  keyless?: boolean;
}

/** Built-in providers (see shared/PROVIDERS.md). Custom ones come from `[providers.<id>]`. */
export const BUILTIN_PROVIDERS: readonly ProviderEntry[] = [
  {
    id: 'anthropic',
    name: 'Anthropic',
    api: 'anthropic-messages',
    keyVariables: ['ANTHROPIC_API_KEY'],
    baseURLVariable: 'ANTHROPIC_BASE_URL',
    defaultModel: 'claude-sonnet-4-6',
  },
  {
    id: 'openai',
    name: 'OpenAI',
    api: 'openai-chat',
    keyVariables: ['OPENAI_API_KEY'],
    baseURLVariable: 'OPENAI_BASE_URL',
    defaultModel: 'gpt-5.2',
  },
  {
    // The Gemini API with an AI Studio key; the SDK reads GOOGLE_GEMINI_BASE_URL itself too.
    id: 'google',
    name: 'Google',
    api: 'google-generative',
    keyVariables: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
    baseURLVariable: 'GOOGLE_GEMINI_BASE_URL',
    defaultModel: 'gemini-2.5-pro',
  },
  {
    // Local and keyless. OLLAMA_HOST (default http://127.0.0.1:11434) is where it listens; the
    // default model is the best one installed, found by the probe (probe-ollama.ts).
    id: 'ollama',
    name: 'Ollama',
    api: 'ollama',
    keyVariables: [],
    baseURLVariable: 'OLLAMA_HOST',
  },
  {
    // AWS credentials, not an API key: the SDK's credential chain signs each request (SigV4).
    // keyVariables only tell whether some AWS credential is configured (an access key, a named
    // profile for the shared config/SSO, or a Bedrock API key); the adapter never reads them
    // itself. Region: AWS_REGION, else us-east-1. No default model: Bedrock serves many families.
    id: 'bedrock',
    name: 'Amazon Bedrock',
    api: 'bedrock-converse',
    keyVariables: ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_BEARER_TOKEN_BEDROCK'],
    baseURLVariable: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
  },
  {
    // GitHub Models: GitHub's public inference API (OpenAI-compatible), with the user's own GitHub
    // token (env, `openkoi connect copilot`, the GitHub CLI's login). Never Copilot's editor API.
    id: 'github-models',
    name: 'GitHub Models',
    api: 'openai-chat',
    keyVariables: ['GITHUB_TOKEN', 'GH_TOKEN'],
    baseURL: 'https://models.github.ai/inference',
    baseURLVariable: 'OPENKOI_GITHUB_MODELS_URL',
    defaultModel: 'openai/gpt-4.1',
    aliases: ['copilot'],
  },
  {
    // ChatGPT sign-in (`openkoi connect chatgpt`): the Responses API on the ChatGPT Codex backend.
    // No key variable: only the OAuth store holds its credential. The base is chatgpt.com's.
    id: 'openai-codex',
    name: 'ChatGPT (Codex)',
    api: 'openai-codex-responses',
    keyVariables: [],
    baseURL: 'https://chatgpt.com',
    baseURLVariable: 'OPENKOI_CHATGPT_URL',
    defaultModel: 'gpt-5-codex',
    aliases: ['chatgpt'],
  },
  // OpenAI-compatible vendors: the same Chat Completions adapter with their own base URL, key
  // variable and default model (shared/PROVIDERS.md).
  ...openaiCompatible('groq', 'Groq', 'GROQ_API_KEY', 'llama-3.3-70b-versatile', 'https://api.groq.com/openai/v1'),
  ...openaiCompatible('openrouter', 'OpenRouter', 'OPENROUTER_API_KEY', 'auto', 'https://openrouter.ai/api/v1'),
  ...openaiCompatible('together', 'Together AI', 'TOGETHER_API_KEY', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'https://api.together.xyz/v1'),
  ...openaiCompatible('deepseek', 'DeepSeek', 'DEEPSEEK_API_KEY', 'deepseek-chat', 'https://api.deepseek.com/v1'),
  ...openaiCompatible('minimax', 'MiniMax', 'MINIMAX_API_KEY', 'MiniMax-M2.5', 'https://api.minimax.io/v1'),
  ...openaiCompatible('moonshot', 'Moonshot AI', 'MOONSHOT_API_KEY', 'kimi-k2.5', 'https://api.moonshot.cn/v1', ['kimi']),
  ...openaiCompatible('xai', 'xAI', 'XAI_API_KEY', 'grok-4-0709', 'https://api.x.ai/v1'),
];

/** One OpenAI-compatible vendor's table row (spread, so the array above stays one list). */
function openaiCompatible(id: string, name: string, keyVariable: string, defaultModel: string, baseURL: string, aliases?: string[]): ProviderEntry[] {
  return [{ id, name, api: 'openai-chat', keyVariables: [keyVariable], baseURL, defaultModel, ...(aliases ? { aliases } : {}) }];
}

export function findProviderEntry(id: string, entries: readonly ProviderEntry[] = BUILTIN_PROVIDERS): ProviderEntry | undefined {
  return entries.find((entry) => entry.id === id || entry.aliases?.includes(id));
}

export function providerIds(entries: readonly ProviderEntry[] = BUILTIN_PROVIDERS): string[] {
  return entries.flatMap((entry) => [entry.id, ...(entry.aliases ?? [])]);
}
