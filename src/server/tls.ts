/**
 * A fresh self-signed certificate for the API server. client-go sends bearer
 * tokens only over TLS, so a token-protected server must speak HTTPS; the
 * kubeconfig carries the certificate as its CA, as kind's does.
 */
import { generate } from 'selfsigned';

export interface ServingCert {
  cert: string;
  key: string;
}

export async function selfSignedCert(host: string): Promise<ServingCert> {
  const isIp = /^[\d.]+$|:/.test(host);
  const pems = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    days: 365,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: 'kubernetes' },
          { type: 2, value: 'kubernetes.default' },
          { type: 7, ip: '127.0.0.1' },
          ...(isIp && host !== '127.0.0.1' && host !== '0.0.0.0' && host !== '::' ? [{ type: 7 as const, ip: host }] : []),
          ...(!isIp && host !== 'localhost' ? [{ type: 2 as const, value: host }] : []),
        ],
      },
    ],
  } as Parameters<typeof generate>[1]);
  return { cert: pems.cert, key: pems.private };
}
