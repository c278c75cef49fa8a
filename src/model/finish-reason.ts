/** Why a model stopped, unified across vendors. The raw vendor value travels beside it. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';
