import type { ModelProvider } from '../providers/model-provider.js';
import { OFFLINE_PROVIDER_ID } from '../providers/offline/offline-embedder.js';
import { ProviderPool } from './provider-pool.js';

/**
 * The provider pool plus the offline embedder, which is no catalog entry (it needs no credential
 * and serves no chat). Its module (and the model's weights) load only when it is asked for.
 */
export class PoolWithOfflineEmbedder extends ProviderPool {
  private offline: Promise<ModelProvider> | undefined;

  override get(providerId: string): Promise<ModelProvider> {
    if (providerId !== OFFLINE_PROVIDER_ID) return super.get(providerId);
    this.offline ??= import('../providers/offline/offline-embedder.js').then(({ OfflineEmbedder }) => new OfflineEmbedder());
    return this.offline;
  }

  override credentialDescription(providerId: string): string | undefined {
    return providerId === OFFLINE_PROVIDER_ID ? 'local, no network' : super.credentialDescription(providerId);
  }
}
