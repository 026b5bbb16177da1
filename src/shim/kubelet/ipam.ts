// Pod IPs from the node's podCIDR, as kindnet's host-local IPAM hands them out: .2
// upwards (.0 is the network, .1 the gateway), continuing after the last one given,
// so a re-created pod gets a new address and freed ones come back after wrapping.

export class NodeIPAM {
  private readonly prefix: string;
  private readonly used = new Set<number>();
  private next = 2;

  /** `cidr` like `10.244.1.0/24` (only /24 ranges are modelled). */
  constructor(cidr: string) {
    this.prefix = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
  }

  /** Marks an address already in use (pods that existed before the kubelet). */
  reserve(ip: string): void {
    if (!ip.startsWith(`${this.prefix}.`)) return;
    const host = Number(ip.slice(this.prefix.length + 1));
    if (host >= 2 && host <= 254) {
      this.used.add(host);
      if (host >= this.next) this.next = host === 254 ? 2 : host + 1;
    }
  }

  allocate(): string | undefined {
    for (let i = 0; i < 253; i++) {
      const host = ((this.next - 2 + i) % 253) + 2;
      if (this.used.has(host)) continue;
      this.used.add(host);
      this.next = host === 254 ? 2 : host + 1;
      return `${this.prefix}.${host}`;
    }
    return undefined;
  }

  release(ip: string): void {
    if (ip.startsWith(`${this.prefix}.`)) this.used.delete(Number(ip.slice(this.prefix.length + 1)));
  }
}
