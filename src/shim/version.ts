/**
 * What the cluster's `/version` endpoint reports: the Kubernetes of kind's
 * v1.32 node image (kindest/node:v1.32.2). The real kubectl dispatcher on our
 * machines picks the kubectl whose minor version matches this.
 */
export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.2',
  gitCommit: '67a30c0adcf52bd3f56ff0893ce19966be12991f',
  gitTreeState: 'clean',
  buildDate: '2025-02-12T21:19:47Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;
