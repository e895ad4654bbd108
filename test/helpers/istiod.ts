/**
 * An istiod Deployment as a manifest document, for rules that read istiod's feature flags
 * from its container environment (src/mesh/istiod-flags.ts).
 */
export function istiodDeployment(env: Record<string, string>, image = 'docker.io/istio/pilot:1.26.2'): string {
  const variables = Object.entries(env).map(([name, value]) => `{name: ${name}, value: "${value}"}`);
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  template:
    metadata: {labels: {app: istiod}}
    spec:
      containers:
      - name: discovery
        image: ${image}
        env: [${variables.join(', ')}]
`;
}
