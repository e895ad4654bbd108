import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * A real TokenCredential (not an SDK stub) that hands out one fixed token, for tests against
 * local doubles that check `Authorization: Bearer <token>`. Records the scopes asked for, so a
 * test can assert the audience the SDK requested (e.g. https://monitor.azure.com/.default).
 */
export class StaticTokenCredential implements TokenCredential {
  readonly requestedScopes: string[] = [];

  constructor(
    private readonly token: string,
    private readonly lifetimeMs = 60 * 60 * 1000,
  ) {}

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.requestedScopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: this.token, expiresOnTimestamp: Date.now() + this.lifetimeMs, tokenType: 'Bearer' };
  }
}
