/** Why a device sign-in (ChatGPT's or GitHub's) ended without a token; each gets its own message. */
export type DeviceLoginFailure = 'expired' | 'denied' | 'timeout' | 'network' | 'unsupported' | 'server';

export class DeviceLoginError extends Error {
  override name = 'DeviceLoginError';
  constructor(
    message: string,
    readonly failure: DeviceLoginFailure,
  ) {
    super(message);
  }
}

/** What the user must do: open this page and enter this code. Shown on stderr, even without a terminal. */
export interface DeviceCodePrompt {
  verificationUrl: string;
  userCode: string;
  /** When the code stops working (ms since the epoch), if the server said. */
  expiresAt?: number;
}

/** fetch, with a failure to connect turned into a DeviceLoginError that names the host, never a secret. */
export async function fetchOrExplain(fetcher: typeof fetch, url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new DeviceLoginError(`Could not reach ${new URL(url).origin} to ${what} (${cause}). Check the connection and try again.`, 'network');
  }
}

export async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    const value: unknown = await response.json();
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
