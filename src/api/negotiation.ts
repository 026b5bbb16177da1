/**
 * Content negotiation as kube-apiserver does it for resources: which request body
 * media types it reads (else 415) and which response types it can give (else 406).
 * K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/{negotiate,errors}.go
 * Responses are always JSON: client-go lists JSON after protobuf in its Accept
 * header and decodes whatever content type the answer declares.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
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
 * `yaml`, or `json`. Any other content type is a 415.
 */
export function bodyFormat(req: ApiRequest, into: GroupVersionKind): 'json' | 'yaml' | 'protobuf' {
  const type = mediaType(req.headers?.['content-type'] ?? 'application/json');
  const accepted = supported(into);
  if (type === PROTOBUF_MEDIA_TYPE && accepted.includes(type)) return 'protobuf';
  if (type === 'application/yaml') return 'yaml';
  if (type === 'application/json' || type === '*/*') return 'json';
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

/** Aliases a YAML body may expand, as the YAML decoder's limit against alias bombs. */
const MAX_YAML_ALIASES = 100;

/**
 * A JSON or YAML body as JSON text. The API server turns YAML into JSON before it
 * looks for apiVersion and kind, so a YAML syntax error is "unrecognized".
 * K:staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json/json.go (Decode with
 * Yaml), K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go (transformDecodeError)
 */
export function bodyJson(req: ApiRequest, into: GroupVersionKind): string {
  const text = bodyText(req);
  if (bodyFormat(req, into) !== 'yaml') return text;
  try {
    // An empty document is JSON null, as sigs.k8s.io/yaml converts it.
    return JSON.stringify(parseYaml(text, { maxAliasCount: MAX_YAML_ALIASES, uniqueKeys: false }) ?? null);
  } catch (error) {
    const line = error instanceof YAMLParseError ? error.linePos?.[0].line : undefined;
    const why = (error as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const summary = text.length > 30 ? `${text.slice(0, 30)} ...` : text;
    throw badRequest(`the object provided is unrecognized (must be of type ${into.kind}): error converting YAML to JSON: yaml: ${line !== undefined ? `line ${line}: ` : ''}${why[0]!.toLowerCase()}${why.slice(1)} (${summary})`);
  }
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
