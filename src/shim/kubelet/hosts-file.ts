// The /etc/hosts the kubelet gives every container of a pod that is not on the host
// network (K:pkg/kubelet/kubelet_pods.go managedHostsFileContent): localhost, the IPv6
// names, then the pod's own IP with its hostname, fully qualified when the pod has a
// subdomain (a StatefulSet's pods under their headless Service), then hostAliases.
import type { Pod } from 'kubernetes-types/core/v1';

export function managedHostsFile(pod: Pod, ip: string, clusterDomain = 'cluster.local'): string {
  const hostname = pod.spec?.hostname ?? pod.metadata?.name ?? '';
  const subdomain = pod.spec?.subdomain;
  const own = subdomain ? `${ip}\t${hostname}.${subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}\t${hostname}` : `${ip}\t${hostname}`;
  const lines = ['# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters', own];
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length > 0) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}
