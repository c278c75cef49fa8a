import { createCredentialFinder, discoveryContext } from '../auth/discover-credentials.js';
import { createProvider, resolveBaseURL, type ProviderCredential } from '../providers/create-provider.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { BUILTIN_PROVIDERS, findProviderEntry, type ProviderEntry } from '../providers/provider-catalog.js';
import { redactUrlSecrets } from '../providers/redact-secrets.js';
import { ProviderError } from '../providers/provider-error.js';
import type { RequestSettings } from '../model/request-settings.js';
import { withModelSettings } from '../providers/with-model-settings.js';
import { endpointFingerprint } from './endpoint-fingerprint.js';
import { headerUnsafeKeyError } from './header-unsafe-key.js';

/** Adapters created on first use and shared by every role that names the same provider. */
export class ProviderPool {
  private readonly providers = new Map<string, Promise<ModelProvider>>();
  /** endpointOf's answers: a chain asks before every request, and the answer is fixed with the adapter. */
  private readonly endpoints = new Map<string, string>();

  constructor(
    readonly entries: readonly ProviderEntry[],
    private readonly environment: NodeJS.ProcessEnv,
    // Discovery in PROVIDERS.md's order (environment first); a run passes its own finder to see warnings.
    private readonly findCredential: (entry: ProviderEntry) => ProviderCredential | undefined = createCredentialFinder(discoveryContext(environment)),
    /** `[models.options."provider/model"]`, keyed by the full reference. */
    private readonly settingsByModel: Readonly<Record<string, RequestSettings>> = {},
  ) {}

  get(providerId: string): Promise<ModelProvider> {
    let provider = this.providers.get(providerId);
    if (!provider) {
      const entry = findProviderEntry(providerId, this.entries);
      const credential = entry ? this.findCredential(entry) : undefined;
      const unsafeKey = entry ? headerUnsafeKeyError(entry.id, credential) : undefined;
      provider = unsafeKey
        ? Promise.reject(unsafeKey)
        : entry
          ? createProvider(entry, this.environment, credential).then((created) => withModelSettings(created, this.settingsOf(providerId)))
        : Promise.reject(new ProviderError(`Unknown provider "${providerId}".`, { kind: 'invalid-request', provider: providerId }));
      // A failed creation (missing key) is not cached as a success, but is remembered: retrying it cannot help.
      this.providers.set(providerId, provider);
    }
    return provider;
  }

  /** This provider's model settings, keyed by the model id within it. */
  private settingsOf(providerId: string): Record<string, RequestSettings> {
    const prefix = `${providerId}/`;
    return Object.fromEntries(
      Object.entries(this.settingsByModel)
        .filter(([reference]) => reference.startsWith(prefix))
        .map(([reference, settings]) => [reference.slice(prefix.length), settings]),
    );
  }

  /**
   * The endpoint this process sends the provider's requests to (its base URL and key, hashed):
   * cooldowns are kept per endpoint, so a new base_url or key is a fresh candidate.
   *
   * Worked out once per provider, like the adapter itself (`get`): the pool's environment does not
   * change, and the adapter keeps the credential it was made with. Each request of a tool loop
   * used to run credential discovery and a SHA-256 again for the same answer.
   */
  endpointOf(providerId: string): string {
    let endpoint = this.endpoints.get(providerId);
    if (endpoint === undefined) {
      endpoint = this.fingerprintOf(providerId);
      this.endpoints.set(providerId, endpoint);
    }
    return endpoint;
  }

  private fingerprintOf(providerId: string): string {
    const entry = findProviderEntry(providerId, this.entries);
    if (!entry) return '';
    const credential = this.findCredential(entry);
    // A credential without a key of its own (an AWS profile the SDK reads) is told apart by where it is.
    return endpointFingerprint(resolveBaseURL(entry, this.environment), credential ? credential.apiKey || credential.source : undefined);
  }

  /**
   * Where a provider's requests go, when that is not the vendor's own endpoint (--base-url, a
   * config base_url, OPENAI_BASE_URL and the like), with any secret in the URL masked.
   */
  endpointDescription(providerId: string): string | undefined {
    const entry = findProviderEntry(providerId, this.entries);
    if (!entry) return undefined;
    const fromVariable = entry.baseURLVariable ? this.environment[entry.baseURLVariable]?.trim() : undefined;
    const builtin = BUILTIN_PROVIDERS.find((candidate) => candidate.id === entry.id);
    const configured = entry.baseURL !== undefined && entry.baseURL !== builtin?.baseURL ? entry.baseURL : undefined;
    const endpoint = fromVariable || configured;
    return endpoint ? redactUrlSecrets(endpoint) : undefined;
  }

  /** Auth mode and source ("api key, env OPENAI_API_KEY"): the run says how each role is served. */
  credentialDescription(providerId: string): string | undefined {
    const entry = findProviderEntry(providerId, this.entries);
    const credential = entry ? this.findCredential(entry) : undefined;
    if (!credential) return entry?.keyless ? 'no key, custom endpoint' : undefined;
    if (credential.authMode === 'subscription') return `subscription, ${credential.source}`;
    if (credential.authMode === 'local') return credential.source;
    return `api key, ${credential.source}`;
  }
}
