// `serviceaccounts/{name}/token` (authentication.k8s.io/v1 TokenRequest): a bound service
// account token, shaped like the API server's JWT (the signature is random: nothing here
// verifies it). K:pkg/registry/core/serviceaccount/storage/token.go (Create),
// K:pkg/serviceaccount/claims.go (Claims).
import { rfc3339 } from './clock.ts';
import { CORE, type ControllerContext } from './controller.ts';
import { encodeBase64 } from './base64.ts';
import { fieldError, invalid } from './errors.ts';

export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
/** The API server's default when the request names no expirationSeconds. */
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;

export interface TokenRequestSpec {
  audiences?: string[] | null;
  expirationSeconds?: number | null;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
}

const b64url = (data: string | Uint8Array): string => encodeBase64(data, { url: true });

/** Issues a token for an existing service account; throws the API server's errors. */
export function requestToken(ctx: Pick<ControllerContext, 'registry' | 'clock' | 'random'>, namespace: string, name: string, spec: TokenRequestSpec = {}): Record<string, unknown> {
  const sa = ctx.registry.get(CORE('serviceaccounts'), namespace, name);
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    throw invalid('authentication.k8s.io', 'TokenRequest', name, [fieldError.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  }
  const audiences = spec.audiences && spec.audiences.length > 0 ? spec.audiences : [API_AUDIENCE];
  const now = ctx.clock.now();
  const iat = Math.floor(now / 1000);
  const exp = iat + expirationSeconds;
  const header = { alg: 'RS256', kid: ctx.random.hex(43) };
  const claims = {
    aud: audiences,
    exp,
    iat,
    iss: API_AUDIENCE,
    jti: ctx.random.uid(),
    'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.metadata?.uid ?? '' } },
    nbf: iat,
    sub: `system:serviceaccount:${namespace}:${name}`,
  };
  const signature = b64url(Uint8Array.from({ length: 256 }, () => ctx.random.int(256)));
  const token = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${signature}`;
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: rfc3339(exp * 1000) },
  };
}
