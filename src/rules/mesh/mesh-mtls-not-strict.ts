import { isRecord, matchLabelsSelectorOf, oldest, refOf } from '../../mesh/accessors.js';
import type { Rule } from '../types.js';
import { ISTIO_DOCS } from '../exposure/common.js';

/**
 * mesh-mtls-not-strict: no selector-less PeerAuthentication in the root namespace with mode
 * STRICT. With several mesh-wide policies Istio uses the oldest, which is the one judged.
 */
export const meshMtlsNotStrictRule: Rule = {
  meta: {
    id: 'mesh-mtls-not-strict',
    title: 'Mesh-wide mTLS is not STRICT',
    category: 'mesh',
    defaultSeverity: 'medium',
    rationale:
      'Without a STRICT mesh-wide PeerAuthentication, workloads accept plaintext traffic (PERMISSIVE is the default), so identities and AuthorizationPolicies based on them can be bypassed from outside the mesh.',
    remediation: 'Create a PeerAuthentication named default without selector in the root namespace with spec.mtls.mode: STRICT.',
    references: [ISTIO_DOCS.peerAuthentication, ISTIO_DOCS.securityBestPractices],
    requires: ['PeerAuthentication', 'ConfigMap'],
  },
  evaluate({ snapshot }) {
    const root = snapshot.meshConfig.rootNamespace;
    const meshWide = snapshot.objects.PeerAuthentication.filter((pa) => pa.metadata.namespace === root && matchLabelsSelectorOf(pa) === undefined);
    const used = oldest(meshWide);
    const mtls = used?.spec.mtls;
    const mode = isRecord(mtls) && typeof mtls.mode === 'string' ? mtls.mode : undefined;
    if (mode === 'STRICT') return [];
    const fix = {
      type: 'manifest' as const,
      manifest: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: root }, spec: { mtls: { mode: 'STRICT' } } },
    };
    return [
      {
        message: used
          ? `Mesh-wide PeerAuthentication ${root}/${used.metadata.name} sets mTLS mode ${mode ?? 'unset (PERMISSIVE)'}, not STRICT.`
          : `There is no mesh-wide PeerAuthentication in root namespace ${root}: mTLS defaults to PERMISSIVE.`,
        namespace: root,
        resource: used ? refOf(used) : undefined,
        subjectKey: 'mesh-mtls',
        evidence: { rootNamespace: root, peerAuthentication: used ? `${root}/${used.metadata.name}` : null, mode: mode ?? null, meshWidePolicies: meshWide.map((pa) => pa.metadata.name).sort() },
        fix: used ? { type: 'merge-patch' as const, target: refOf(used), patch: { spec: { mtls: { mode: 'STRICT' } } } } : fix,
        source: used?.source,
      },
    ];
  },
};
