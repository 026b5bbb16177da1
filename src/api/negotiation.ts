/**
 * Content negotiation as kube-apiserver does it for resources: which request body
 * media types it reads (else 415) and which response types it can give (else 406).
 * K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/{negotiate,errors}.go
 * Responses are always JSON: client-go lists JSON after protobuf in its Accept
 * header and decodes whatever content type the answer declares.
 */
import { badRequest, StatusError } from '../shim/index.ts';
import { decodeProtobuf, hasProtobuf, ProtobufError, PROTOBUF_MEDIA_TYPE, type GroupVersionKind } from './protobuf/index.ts';
import { statusBody } from './status.ts';
import type { ApiRequest } from './types.ts';

export { PROTOBUF_MEDIA_TYPE };

const JSON_YAML = ['application/json', 'application/yaml'];

const mediaType = (value: string): string => value.split(';')[0]!.trim().toLowerCase();

/** The media types a kind is served in: custom resources have no protobuf form. */
function supported(into: GroupVersionKind): string[] {
  return hasProtobuf(into) ? [...JSON_YAML, PROTOBUF_MEDIA_TYPE] : JSON_YAML;
}

/**
 * How to read a create/update body for an endpoint expecting `into`: `protobuf`,
 * or `text` (JSON or YAML). Any other content type is a 415.
 */
export function bodyFormat(req: ApiRequest, into: GroupVersionKind): 'text' | 'protobuf' {
  const type = mediaType(req.headers?.['content-type'] ?? 'application/json');
  const accepted = supported(into);
  if (type === PROTOBUF_MEDIA_TYPE && accepted.includes(type)) return 'protobuf';
  if (type === 'application/json' || type === 'application/yaml' || type === '*/*') return 'text';
  throw new StatusError({
    ...statusBody(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  });
}

/** A protobuf body as the object JSON would carry; a malformed one is the API server's 400. */
export function decodeProtobufBody(req: ApiRequest, into: GroupVersionKind): Record<string, unknown> {
  const body = req.body ?? new Uint8Array(0);
  try {
    return decodeProtobuf(typeof body === 'string' ? new TextEncoder().encode(body) : body, into);
  } catch (error) {
    if (error instanceof ProtobufError) throw badRequest(error.message);
    throw error;
  }
}

/** The body as text (JSON, YAML, patches). */
export function bodyText(req: ApiRequest): string {
  const body = req.body ?? '';
  return typeof body === 'string' ? body : new TextDecoder().decode(body);
}

/**
 * A 406 when none of the Accept header's media ranges is one the server writes
 * (`Accept: application/xml`). Protobuf is accepted and answered with JSON.
 */
export function checkAccept(req: ApiRequest): void {
  const accept = req.headers?.accept?.trim();
  if (!accept) return;
  const writable = [...JSON_YAML, PROTOBUF_MEDIA_TYPE];
  const ok = accept.split(',').some((range) => {
    const type = mediaType(range);
    return type === '' || type === '*/*' || type === 'application/*' || writable.includes(type);
  });
  if (!ok) {
    throw new StatusError({ ...statusBody(406, 'NotAcceptable', `only the following media types are accepted: ${writable.join(', ')}`) });
  }
}
