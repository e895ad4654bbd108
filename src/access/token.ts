/**
 * Bearer tokens for the AKS API server. AKS clusters with Entra ID integration accept Entra
 * tokens for the "Azure Kubernetes Service AAD Server" application, whatever the cluster:
 * https://learn.microsoft.com/azure/aks/kubelogin-authentication (server id 6dae42f8-...).
 * The token lives only in memory: it is never logged, never put in a kubeconfig file.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
export const AKS_SERVER_SCOPE = `${AKS_SERVER_APP_ID}/.default`;

/** Refresh this long before expiry, so a token never expires in the middle of a LIST series. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface TokenProvider {
  getToken(): Promise<string>;
}

/**
 * Caches one token and asks the credential again once `now` is within the refresh margin of
 * its expiry (or past the credential's own refreshAfterTimestamp). Concurrent callers share one
 * refresh. The credential (azure-identity) may cache too; this class makes the refresh point
 * explicit and testable.
 */
export class RefreshingTokenProvider implements TokenProvider {
  private current?: AccessToken;
  private pending?: Promise<AccessToken>;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string = AKS_SERVER_SCOPE,
    private readonly options: { refreshMarginMs?: number; now?: () => number } = {},
  ) {}

  async getToken(): Promise<string> {
    if (this.current && !this.needsRefresh(this.current)) return this.current.token;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).token;
  }

  private needsRefresh(token: AccessToken): boolean {
    const now = (this.options.now ?? Date.now)();
    const margin = this.options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    if (token.refreshAfterTimestamp !== undefined && now >= token.refreshAfterTimestamp) return true;
    return now >= token.expiresOnTimestamp - margin;
  }

  private async fetch(): Promise<AccessToken> {
    const token = await this.credential.getToken(this.scope);
    // The error names the audience only: never the token, never the credential's secrets.
    if (!token) throw new Error(`No token was issued for ${this.scope}`);
    this.current = token;
    return token;
  }
}
