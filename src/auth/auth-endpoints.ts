/**
 * The hosts openkoi signs in and talks to, each overridable for tests and enterprise hosts
 * (a GitHub Enterprise server, a proxy). A trailing slash is dropped so paths join cleanly.
 */
export interface AuthEndpoints {
  /** Base of auth.openai.com (device authorization, token exchange and refresh). */
  openaiAuth: string;
  /** Base of chatgpt.com (the Codex backend's Responses API). */
  chatgpt: string;
  /** Base of github.com (the device flow). */
  github: string;
  /** Base of GitHub Models' inference API (`{base}/chat/completions`). */
  githubModels: string;
}

export const ENDPOINT_VARIABLES = {
  openaiAuth: 'OPENKOI_OPENAI_AUTH_URL',
  chatgpt: 'OPENKOI_CHATGPT_URL',
  github: 'OPENKOI_GITHUB_URL',
  githubModels: 'OPENKOI_GITHUB_MODELS_URL',
} as const satisfies Record<keyof AuthEndpoints, string>;

const DEFAULTS: AuthEndpoints = {
  openaiAuth: 'https://auth.openai.com',
  chatgpt: 'https://chatgpt.com',
  github: 'https://github.com',
  githubModels: 'https://models.github.ai/inference',
};

export function authEndpoints(environment: NodeJS.ProcessEnv): AuthEndpoints {
  const pick = (key: keyof AuthEndpoints): string => {
    const variable = ENDPOINT_VARIABLES[key];
    const value = environment[variable]?.trim();
    if (!value) return DEFAULTS[key];
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`${variable}="${value}" is not a URL (expected e.g. ${DEFAULTS[key]}).`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${variable} must be an http(s) URL.`);
    return value.replace(/\/+$/, '');
  };
  return { openaiAuth: pick('openaiAuth'), chatgpt: pick('chatgpt'), github: pick('github'), githubModels: pick('githubModels') };
}

export { IDENTITY_ORIGINATOR, openkoiUserAgent } from '../providers/openkoi-identity.js';
