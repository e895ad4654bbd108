import { describe, expect, it } from '@jest/globals';
import { PeerAuthenticationIndex, declaredMode } from '../../../src/mesh/peer-authentication.js';
import { snapshotFromYaml } from '../../helpers/rule-tester.js';

function index(yaml: string): PeerAuthenticationIndex {
  const snapshot = snapshotFromYaml({ manifests: yaml });
  return new PeerAuthenticationIndex(snapshot.objects.PeerAuthentication, 'istio-system');
}

describe('PeerAuthentication inheritance', () => {
  it('reads modes case-insensitively; absent or unknown is UNSET', () => {
    expect(declaredMode({ mode: 'strict' })).toBe('STRICT');
    expect(declaredMode({})).toBe('UNSET');
    expect(declaredMode({ mode: 'BOGUS' })).toBe('UNSET');
    expect(declaredMode(undefined)).toBe('UNSET');
  });

  it('namespace > root > PERMISSIVE, UNSET inheriting', () => {
    const pa = index(`
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: a}
spec: {mtls: {mode: DISABLE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: b}
spec: {}
`);
    expect(pa.namespaceMode('a')).toMatchObject({ mode: 'DISABLE', source: 'namespace' });
    expect(pa.namespaceMode('b')).toMatchObject({ mode: 'STRICT', source: 'root' });
    expect(pa.namespaceMode('b').namespacePolicy?.metadata.name).toBe('default');
    expect(pa.namespaceMode('c')).toMatchObject({ mode: 'STRICT', source: 'root' });
    expect(index('').namespaceMode('c')).toMatchObject({ mode: 'PERMISSIVE', source: 'default' });
  });

  it('ignores policies Istio did not accept', () => {
    const pa = index(`
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: a}
spec: {mtls: {mode: STRICT}}
status: {conditions: [{type: Reconciled, status: "False"}]}
`);
    expect(pa.namespaceMode('a').source).toBe('default');
  });

  it('a workload policy is a downgrade only when weaker than the namespace', () => {
    const pa = index(`
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: a}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: same, namespace: a}
spec: {selector: {matchLabels: {app: x}}, mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: weaker-port, namespace: a}
spec: {selector: {matchLabels: {app: y}}, portLevelMtls: {"80": {mode: DISABLE}, "443": {mode: UNSET}}}
`);
    const downgrades = pa.downgrades('a');
    expect(downgrades.map((d) => d.policy.metadata.name)).toEqual(['weaker-port']);
    expect(downgrades[0]).toMatchObject({ workloadMode: 'PERMISSIVE', weakerPorts: { '80': 'DISABLE' } });
  });
});
