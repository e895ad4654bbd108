/**
 * The Azure identity the scanner acts as. In Azure: the Function App's user-assigned managed
 * identity, named by its client id, so the scanner never picks up another identity by accident.
 * Locally (CLI, `func start`): DefaultAzureCredential, i.e. the developer's own `az login`.
 */
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { AppSettings } from '../config/app-settings.js';

export function createAzureCredential(settings: Pick<AppSettings, 'runningInAzure' | 'managedIdentityClientId'>): TokenCredential {
  if (settings.runningInAzure) {
    // readAppSettings guarantees the client id in Azure.
    return new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId! });
  }
  return new DefaultAzureCredential(settings.managedIdentityClientId ? { managedIdentityClientId: settings.managedIdentityClientId } : {});
}
