/**
 * The kubectl this project simulates. Its version follows the cluster's minor
 * version (v1.32), as the real kubectl dispatcher on our machines picks the
 * binary matching the server; values are those of kubectl v1.32.5.
 */
export const clientVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.5',
  gitCommit: '9894294ef13a5b32803e3ca2c0d620a088cc84d1',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T09:12:10Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

export const kustomizeVersion = 'v5.5.0';
