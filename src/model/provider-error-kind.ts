/** Why a model call failed, the same words for every vendor (DESIGN.md, The provider interface). */
export type ProviderErrorKind =
  | 'rate-limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'permission'
  | 'invalid-request'
  | 'not-found'
  | 'context-length'
  | 'content-filter'
  | 'aborted';
