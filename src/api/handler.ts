/**
 * The Kubernetes REST API over the shim: the one door through which the
 * terminal, the editor, the lab runner and the HTTP server change the cluster.
 * It turns a request (method, path, query, content type, body) into registry
 * calls and answers with what kube-apiserver 1.32 answers: objects, lists,
 * Tables for `kubectl get`, Status errors, watch events.
 * Upstream: K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/*.go.
 */
import {
  badRequest, fieldError, fromLabelSelector, invalid, parseFieldSelector, parseLabelSelector, checkFieldSelector,
  deepClone, evictPod, requestToken, serverVersion, type TokenRequestSpec, StatusError, type Cluster, type KObject, type ResourceType, type FieldSelector, type LabelSelector,
} from '../shim/index.ts';
import { aggregatedDiscovery, coreVersions, group, groupList, resourceList, wantsAggregatedDiscovery } from './discovery.ts';
import { attachStream, execStream, isScheduled, pickContainer, type AttachHook, type ExecHook } from './exec.ts';
import { bodyFormat, bodyJson, bodyText, checkAccept, decodeProtobufBody } from './negotiation.ts';
import { parsePath, type ResourcePath } from './paths.ts';
import { OPENAPI_V2_PROTOBUF, openApiV2Protobuf } from './openapi.ts';
import { applyPatch } from './patch/index.ts';
import { toTable } from './printers/index.ts';
import { errorResponse, failure, JSON_HEADERS, notFoundPath } from './status.ts';
import type { ApiRequest, ApiResponse, ApiStream, StreamSession, WatchEvent, WatchHandle } from './types.ts';

/** kube-apiserver refuses bodies over 3 MiB (--max-request-bytes for JSON/YAML). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface ApiServerHooks {
  /** `GET pods/{name}/log`: the container's output, or a StatusError. */
  podLogs?(namespace: string, pod: KObject, query: Record<string, string>): string;
  /**
   * `GET pods/{name}/log?follow=true`: the logs so far, then each new line
   * until the container stops; returns the function that stops following.
   */
  followPodLogs?(namespace: string, pod: KObject, query: Record<string, string>, out: { write(text: string): void; end(): void }): () => void;
  /** `pods/{name}/exec`: a command in a running container (the kubelet's part). */
  exec?: ExecHook;
  /** `pods/{name}/attach`: the output (and stdin) of a running container's main process. */
  attach?: AttachHook;
  /** `GET /openapi/v3[/{gv}]` documents. */
  openapi?(groupVersion?: string): unknown;
  /**
   * Decoding with field validation (`fieldValidation=Strict|Warn|Ignore`): the
   * raw body text (or a patched object), checked against the kind's schema.
   */
  decode?(rt: ResourceType, body: string | KObject, mode: 'Strict' | 'Warn' | 'Ignore'): { object: KObject; warnings: string[] };
  /**
   * `POST /statecraft/v1/nodes/{name}/stop|start`: what `docker stop|start` does to a
   * kind node (outside the Kubernetes API; the CLI and the browser's docker use it).
   */
  nodePower?(name: string, action: 'stop' | 'start'): void;
}

/** Statecraft's own admin paths, beside the Kubernetes API. */
const NODE_POWER_PATH = /^\/statecraft\/v1\/nodes\/([^/]+)\/(stop|start)$/;

interface Ctx {
  req: ApiRequest;
  query: Record<string, string>;
  path: ResourcePath;
  rt: ResourceType;
  namespace: string;
  dryRun: boolean;
  warnings: string[];
}

export class ApiServer {
  constructor(readonly cluster: Cluster, private readonly hooks: ApiServerHooks = {}) {}

  handle(req: ApiRequest): ApiResponse {
    try {
      return this.route(req);
    } catch (error) {
      return errorResponse(error);
    }
  }

  private nodePower(req: ApiRequest, name: string, action: 'stop' | 'start'): ApiResponse {
    if (req.method !== 'POST') return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    this.hooks.nodePower!(name, action);
    return { status: 200, headers: { ...JSON_HEADERS }, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, details: { name, kind: 'nodes' } } };
  }

  /** Whether a request is a watch (the transport streams those instead of calling `handle`). */
  static isWatch(req: ApiRequest): boolean {
    const w = req.query?.watch;
    return req.method === 'GET' && (w === 'true' || w === '1');
  }

  private route(req: ApiRequest): ApiResponse {
    if ((req.body?.length ?? 0) > MAX_BODY_BYTES) {
      return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
    }
    const power = NODE_POWER_PATH.exec(req.path);
    if (power !== null && this.hooks.nodePower !== undefined) return this.nodePower(req, decodeURIComponent(power[1]!), power[2] as 'stop' | 'start');
    const p = parsePath(req.path);
    const catalog = this.cluster.resources;
    const ok = (body: unknown): ApiResponse => ({ status: 200, headers: { ...JSON_HEADERS }, body });
    if (p.type !== 'resource' && req.method !== 'GET') return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    switch (p.type) {
      case 'version': return ok(serverVersion);
      case 'health': return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      case 'core-versions': case 'groups': {
        const aggregated = wantsAggregatedDiscovery(req.headers?.accept);
        if (aggregated) return { status: 200, headers: { 'content-type': aggregated.contentType }, body: aggregatedDiscovery(catalog, p.type === 'core-versions' ? 'api' : 'apis', aggregated.version) };
        return ok(p.type === 'core-versions' ? coreVersions() : groupList(catalog));
      }
      case 'group': { const g = group(catalog, p.group); return g ? ok(g) : notFoundPath(); }
      case 'resources': { const l = resourceList(catalog, p.group, p.version); return l ? ok(l) : notFoundPath(); }
      case 'openapi-v3-root': case 'openapi-v3': {
        const doc = this.hooks.openapi?.(p.type === 'openapi-v3' ? p.groupVersion : undefined);
        return doc ? ok(doc) : notFoundPath();
      }
      case 'openapi-v2': return { status: 200, headers: { 'content-type': OPENAPI_V2_PROTOBUF }, body: openApiV2Protobuf() };
      case 'unknown': return notFoundPath();
      case 'resource': return this.resource(req, p);
    }
  }

  private context(req: ApiRequest, path: ResourcePath): Ctx {
    const rt = this.cluster.resources.get({ group: path.group, resource: path.resource });
    if (!rt || rt.version !== path.version) throw new StatusError(notFoundStatus());
    const query = req.query ?? {};
    return { req, query, path, rt, namespace: rt.namespaced ? (path.namespace ?? '') : '', dryRun: query.dryRun === 'All', warnings: [] };
  }

  private resource(req: ApiRequest, path: ResourcePath): ApiResponse {
    // A namespaced type under /namespaces/{ns}/… only; a cluster-scoped one never.
    const ctx = this.context(req, path);
    if (!ctx.rt.namespaced && path.namespace !== undefined) return notFoundPath();
    const sub = path.subresource;
    if (sub !== undefined && !this.hasSubresource(ctx.rt, sub)) return notFoundPath();
    // Streams (logs, exec, attach…) answer text or upgrade: no JSON negotiation there.
    if (sub === undefined || !STREAMING_SUBRESOURCES.has(sub)) checkAccept(req);
    const response = this.dispatch(ctx);
    if (ctx.warnings.length > 0) response.headers.warning = ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    return response;
  }

  private hasSubresource(rt: ResourceType, sub: string): boolean {
    if (sub === 'status') return rt.subresources.status === true;
    if (sub === 'scale') return rt.subresources.scale !== undefined;
    return (rt.subresources.extra ?? []).some((e) => e.name === sub);
  }

  private dispatch(ctx: Ctx): ApiResponse {
    const { req, path, rt } = ctx;
    const name = path.name;
    const sub = path.subresource;
    const verbAllowed = (verb: string) => (rt.verbs as readonly string[]).includes(verb);
    if (name === undefined) {
      if (req.method === 'GET') return this.list(ctx);
      if (req.method === 'POST' && verbAllowed('create')) return this.create(ctx);
      if (req.method === 'DELETE' && verbAllowed('deletecollection')) return this.deleteCollection(ctx);
      return methodNotAllowed();
    }
    if (sub === 'scale') return this.scale(ctx, name);
    if (sub === 'log' && req.method === 'GET') return this.log(ctx, name);
    if ((sub === 'exec' || sub === 'attach') && (req.method === 'GET' || req.method === 'POST')) return this.remoteCommandWithoutStream(ctx);
    if (sub === 'binding' && req.method === 'POST') return this.binding(ctx, name);
    if (sub === 'eviction' && req.method === 'POST') return this.eviction(ctx, name);
    if (sub === 'token' && ctx.rt.resource === 'serviceaccounts' && req.method === 'POST') return this.token(ctx, name);
    switch (req.method) {
      case 'GET': return this.get(ctx, name);
      case 'PUT': return this.update(ctx, name, sub);
      case 'PATCH': return this.patch(ctx, name, sub);
      case 'DELETE': if (sub === undefined) return this.delete(ctx, name); break;
      default: break;
    }
    return methodNotAllowed();
  }

  // ---- reads -------------------------------------------------------------

  private get(ctx: Ctx, name: string): ApiResponse {
    const obj = this.cluster.registry.get(ctx.rt, ctx.namespace, name);
    return this.respond(ctx, obj, wantsTable(ctx.req) ? this.table(ctx, [obj]) : obj);
  }

  private list(ctx: Ctx): ApiResponse {
    const { labelSelector, fieldSelector } = this.selectors(ctx);
    const { items, resourceVersion } = this.cluster.registry.list(ctx.rt, {
      ...(ctx.rt.namespaced && ctx.path.namespace !== undefined ? { namespace: ctx.namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    });
    if (wantsTable(ctx.req)) return this.respond(ctx, undefined, this.table(ctx, items, resourceVersion));
    return this.respond(ctx, undefined, {
      kind: ctx.rt.listKind, apiVersion: apiVersion(ctx.rt), metadata: { resourceVersion }, items,
    });
  }

  private selectors(ctx: Ctx): { labelSelector?: LabelSelector; fieldSelector?: FieldSelector } {
    const out: { labelSelector?: LabelSelector; fieldSelector?: FieldSelector } = {};
    const ls = ctx.query.labelSelector;
    const fs = ctx.query.fieldSelector;
    if (ls) out.labelSelector = parseLabelSelector(ls);
    if (fs) {
      out.fieldSelector = parseFieldSelector(fs);
      checkFieldSelector(ctx.rt, out.fieldSelector);
    }
    return out;
  }

  private table(ctx: Ctx, items: readonly KObject[], resourceVersion?: string) {
    const include = ctx.query.includeObject as 'Object' | 'Metadata' | 'None' | undefined;
    return toTable(ctx.rt.kind, items, this.cluster.clock.now(), {
      ...(ctx.rt.customResource ? { printerColumns: ctx.rt.customResource.printerColumns } : {}),
      ...(include ? { includeObject: include } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    });
  }

  private respond(ctx: Ctx, _obj: KObject | undefined, body: unknown, status = 200): ApiResponse {
    void ctx;
    return { status, headers: { ...JSON_HEADERS }, body };
  }

  /**
   * Starts a watch; events arrive synchronously as the store changes. With the
   * Table Accept header each event carries a one-row Table, and only the first
   * one has column definitions (what `kubectl get -w` expects).
   */
  watch(req: ApiRequest, onEvent: (e: WatchEvent) => void): WatchHandle {
    const p = parsePath(req.path);
    if (p.type !== 'resource' || p.subresource !== undefined) throw new StatusError(notFoundStatus());
    const ctx = this.context(req, p);
    const sel = this.selectors(ctx);
    let fieldSelector = sel.fieldSelector;
    if (p.name !== undefined) fieldSelector = parseFieldSelector(`metadata.name=${p.name}${ctx.query.fieldSelector ? `,${ctx.query.fieldSelector}` : ''}`);
    const table = wantsTable(req);
    let first = true;
    const handle = this.cluster.registry.watch(ctx.rt, {
      ...(ctx.rt.namespaced && p.namespace !== undefined ? { namespace: ctx.namespace } : {}),
      ...(sel.labelSelector ? { labelSelector: sel.labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
      ...(ctx.query.resourceVersion !== undefined ? { resourceVersion: ctx.query.resourceVersion } : {}),
    }, (event) => {
      let object: unknown = event.object;
      if (table) {
        const t = this.table(ctx, [event.object], event.object.metadata?.resourceVersion) as { columnDefinitions?: unknown };
        if (!first) t.columnDefinitions = [];
        first = false;
        object = t;
      }
      onEvent({ type: event.type, object });
    });
    return handle;
  }

  // ---- writes ------------------------------------------------------------

  private decodeBody(ctx: Ctx, expectKind = true): KObject {
    // Subresource bodies (Scale, Binding, Eviction) are not of the resource's kind.
    const into = expectKind ? { group: ctx.rt.group, version: ctx.rt.version, kind: ctx.rt.kind } : subresourceKind(ctx);
    if (bodyFormat(ctx.req, into) === 'protobuf') {
      // kubectl's typed commands: decoded to the object JSON would carry, then checked the same way.
      const obj = decodeProtobufBody(ctx.req, into) as KObject;
      if (!expectKind) return obj;
      checkKind(ctx.rt, obj);
      return this.decode(ctx, obj);
    }
    const text = bodyJson(ctx.req, into);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      if (!this.hooks.decode) throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
      // The decoder words JSON syntax errors as the API server does.
      return this.decode(ctx, text);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw badRequest(`Object 'Kind' is missing in '${text.slice(0, 200)}'`);
    }
    if (expectKind) checkKind(ctx.rt, parsed as KObject);
    return expectKind ? this.decode(ctx, text) : (parsed as KObject);
  }

  /** Field validation against the kind's schema; unknown fields are errors, warnings or dropped. */
  private decode(ctx: Ctx, body: string | KObject): KObject {
    if (!this.hooks.decode) return typeof body === 'string' ? (JSON.parse(body) as KObject) : body;
    const { object, warnings } = this.hooks.decode(ctx.rt, body, fieldValidation(ctx.query));
    ctx.warnings.push(...warnings);
    return object;
  }

  private create(ctx: Ctx): ApiResponse {
    const obj = this.decodeBody(ctx);
    const created = this.cluster.registry.create(ctx.rt, obj, { ...(ctx.rt.namespaced ? { namespace: ctx.namespace } : {}), dryRun: ctx.dryRun });
    return this.respond(ctx, created, created, 201);
  }

  private update(ctx: Ctx, name: string, sub: string | undefined): ApiResponse {
    const obj = this.decodeBody(ctx);
    const bodyName = obj.metadata?.name;
    if (bodyName !== undefined && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    const input = { ...obj, metadata: { ...obj.metadata, name } };
    const updated = this.cluster.registry.update(ctx.rt, input, {
      ...(ctx.rt.namespaced ? { namespace: ctx.namespace } : {}),
      ...(sub === 'status' || sub === 'finalize' ? { subresource: sub } : {}),
      dryRun: ctx.dryRun,
    });
    return this.respond(ctx, updated, updated);
  }

  private patch(ctx: Ctx, name: string, sub: string | undefined): ApiResponse {
    const registry = this.cluster.registry;
    const contentType = ctx.req.headers?.['content-type'] ?? '';
    let current: KObject | undefined;
    try {
      current = registry.get(ctx.rt, ctx.namespace, name);
    } catch (error) {
      if (!(error instanceof StatusError) || error.status.code !== 404 || !contentType.startsWith('application/apply-patch')) throw error;
    }
    const gvk = { group: ctx.rt.group, version: ctx.rt.version, kind: ctx.rt.kind };
    const patched = applyPatch(contentType, current, bodyText(ctx.req), gvk, {
      resource: qualified(ctx.rt), name, now: new Date(this.cluster.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(ctx.query.fieldManager !== undefined ? { fieldManager: ctx.query.fieldManager } : {}),
      ...(ctx.query.force !== undefined ? { force: ctx.query.force === 'true' } : {}),
    }) as KObject;
    // A patch may add fields the kind does not have: the same field validation as a create.
    if (sub === undefined) Object.assign(patched, this.decode(ctx, patched));
    if (patched.metadata?.name !== undefined && patched.metadata.name !== name) {
      throw badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`);
    }
    const opts = { ...(ctx.rt.namespaced ? { namespace: ctx.namespace } : {}), dryRun: ctx.dryRun };
    if (current === undefined) {
      const created = registry.create(ctx.rt, patched, opts);
      return this.respond(ctx, created, created, 201);
    }
    // A patch never conflicts unless it carries a resourceVersion itself: patch
    // the current object, so write with the current resourceVersion.
    const patchedRv = patched.metadata?.resourceVersion;
    const input = { ...patched, metadata: { ...patched.metadata, name, resourceVersion: patchedRv ?? current.metadata?.resourceVersion } };
    const updated = registry.update(ctx.rt, input, { ...opts, ...(sub === 'status' ? { subresource: 'status' as const } : {}) });
    return this.respond(ctx, updated, updated);
  }

  private delete(ctx: Ctx, name: string): ApiResponse {
    const options = this.deleteOptions(ctx);
    const result = this.cluster.registry.delete(ctx.rt, ctx.namespace, name, options);
    const obj = result.object;
    // Pods and namespaces answer with the object; other kinds answer a Success
    // Status once the object is gone (store.ReturnDeletedObject upstream).
    if (result.deleted && !returnsDeletedObject(ctx.rt)) {
      return this.respond(ctx, obj, {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
        details: { name, ...(ctx.rt.group ? { group: ctx.rt.group } : {}), kind: ctx.rt.resource, uid: obj.metadata?.uid },
      });
    }
    return this.respond(ctx, obj, obj);
  }

  private deleteOptions(ctx: Ctx) {
    let body: { gracePeriodSeconds?: number; propagationPolicy?: string; orphanDependents?: boolean; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] } = {};
    const options = { group: ctx.rt.group, version: ctx.rt.version, kind: 'DeleteOptions' };
    // Typed clients (`kubectl drain --disable-eviction`) send DeleteOptions as protobuf.
    if (ctx.req.body?.length && bodyFormat(ctx.req, options) === 'protobuf') body = decodeProtobufBody(ctx.req, options) as typeof body;
    else if (ctx.req.body) {
      try {
        body = JSON.parse(bodyJson(ctx.req, options)) as typeof body;
      } catch {
        throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
      }
    }
    const q = ctx.query;
    const grace = q.gracePeriodSeconds !== undefined ? Number(q.gracePeriodSeconds) : body.gracePeriodSeconds;
    let policy = (q.propagationPolicy ?? body.propagationPolicy) as 'Background' | 'Foreground' | 'Orphan' | undefined;
    const orphan = q.orphanDependents !== undefined ? q.orphanDependents === 'true' : body.orphanDependents;
    if (policy === undefined && orphan !== undefined) policy = orphan ? 'Orphan' : 'Background';
    if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
      throw invalid('', 'DeleteOptions', '', [fieldError.notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan'])]);
    }
    return {
      ...(grace !== undefined && !Number.isNaN(grace) ? { gracePeriodSeconds: grace } : {}),
      ...(policy ? { propagationPolicy: policy } : {}),
      ...(body.preconditions ? { preconditions: body.preconditions } : {}),
      dryRun: ctx.dryRun || (body.dryRun ?? []).includes('All'),
    };
  }

  private deleteCollection(ctx: Ctx): ApiResponse {
    const { labelSelector, fieldSelector } = this.selectors(ctx);
    const { items } = this.cluster.registry.list(ctx.rt, {
      ...(ctx.rt.namespaced ? { namespace: ctx.namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    });
    const options = this.deleteOptions(ctx);
    const deleted: KObject[] = [];
    for (const item of items) {
      deleted.push(this.cluster.registry.delete(ctx.rt, item.metadata?.namespace ?? '', item.metadata?.name ?? '', options).object);
    }
    return this.respond(ctx, undefined, { kind: ctx.rt.listKind, apiVersion: apiVersion(ctx.rt), metadata: { resourceVersion: this.cluster.store.resourceVersion }, items: deleted });
  }

  // ---- subresources --------------------------------------------------------

  /** `/scale` as autoscaling/v1 Scale, read from and written to the object's replicas. */
  private scale(ctx: Ctx, name: string): ApiResponse {
    const registry = this.cluster.registry;
    const obj = registry.get(ctx.rt, ctx.namespace, name);
    const custom = ctx.rt.customResource ? ctx.rt.subresources.scale : undefined;
    if (custom) return this.customScale(ctx, name, obj, custom);
    const toScale = (o: KObject) => {
      const spec = (o.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof fromLabelSelector>[0] };
      const status = (o.status ?? {}) as { replicas?: number };
      const m = o.metadata ?? {};
      return {
        kind: 'Scale', apiVersion: 'autoscaling/v1',
        metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
        spec: { replicas: spec.replicas ?? 0 },
        status: { replicas: status.replicas ?? 0, selector: spec.selector ? fromLabelSelector(spec.selector).toString() : '' },
      };
    };
    if (ctx.req.method === 'GET') return this.respond(ctx, obj, toScale(obj));
    let scale: { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } };
    if (ctx.req.method === 'PUT') scale = this.decodeBody(ctx, false) as typeof scale;
    else if (ctx.req.method === 'PATCH') {
      scale = applyPatch(ctx.req.headers?.['content-type'] ?? '', toScale(obj), bodyText(ctx.req), { group: 'autoscaling', version: 'v1', kind: 'Scale' }, { resource: qualified(ctx.rt), name }) as typeof scale;
    } else return methodNotAllowed();
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('autoscaling', 'Scale', name, [fieldError.invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')]);
    }
    const updated = registry.update(ctx.rt, {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: scale.metadata?.resourceVersion || obj.metadata?.resourceVersion },
      spec: { ...(obj.spec as object), replicas },
    }, { ...(ctx.rt.namespaced ? { namespace: ctx.namespace } : {}), dryRun: ctx.dryRun });
    return this.respond(ctx, updated, toScale(updated));
  }

  /** A custom resource's `/scale`, through the CRD's replica and selector paths. */
  private customScale(ctx: Ctx, name: string, obj: KObject, paths: NonNullable<ResourceType['subresources']['scale']>): ApiResponse {
    const toScale = (o: KObject) => scaleOf(o, paths);
    if (ctx.req.method === 'GET') return this.respond(ctx, obj, toScale(obj));
    let scale: { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } };
    if (ctx.req.method === 'PUT') scale = this.decodeBody(ctx, false) as typeof scale;
    else if (ctx.req.method === 'PATCH') {
      scale = applyPatch(ctx.req.headers?.['content-type'] ?? '', toScale(obj), bodyText(ctx.req), { group: 'autoscaling', version: 'v1', kind: 'Scale' }, { resource: qualified(ctx.rt), name }) as typeof scale;
    } else return methodNotAllowed();
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('autoscaling', 'Scale', name, [fieldError.invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')]);
    }
    const next = deepClone(obj);
    setPath(next, paths.specReplicasPath, replicas);
    next.metadata = { ...next.metadata, resourceVersion: scale.metadata?.resourceVersion || obj.metadata?.resourceVersion };
    const updated = this.cluster.registry.update(ctx.rt, next, { ...(ctx.rt.namespaced ? { namespace: ctx.namespace } : {}), dryRun: ctx.dryRun });
    return this.respond(ctx, updated, toScale(updated));
  }

  // ---- pods/log, pods/exec, pods/attach: the kubelet's streams --------------------

  /** A request answered by a stream rather than one body: exec, attach, and logs with `follow=true`. */
  static streamKind(req: ApiRequest): ApiStream['kind'] | undefined {
    const p = parsePath(req.path);
    if (p.type !== 'resource' || p.group !== '' || p.resource !== 'pods' || p.name === undefined) return undefined;
    if ((p.subresource === 'exec' || p.subresource === 'attach') && (req.method === 'GET' || req.method === 'POST')) return p.subresource;
    const follow = req.query?.follow;
    if (p.subresource === 'log' && req.method === 'GET' && (follow === 'true' || follow === '1')) return 'log';
    return undefined;
  }

  /**
   * Validates a streaming request as the API server does before it upgrades
   * the connection (errors are thrown as StatusErrors, answered as `handle`
   * would), and returns the stream for the transport to start.
   */
  stream(req: ApiRequest): ApiStream {
    const kind = ApiServer.streamKind(req);
    const p = parsePath(req.path);
    if (kind === undefined || p.type !== 'resource') throw new StatusError(notFoundStatus());
    const ctx = this.context(req, p);
    const pod = this.cluster.registry.get(ctx.rt, ctx.namespace, p.name!);
    if (kind === 'exec') {
      const command = req.queryValues?.command ?? (ctx.query.command !== undefined ? [ctx.query.command] : []);
      return execStream({ namespace: ctx.namespace, pod, query: ctx.query, command }, this.hooks.exec);
    }
    if (kind === 'attach') return attachStream({ namespace: ctx.namespace, pod, query: ctx.query, command: [] }, this.hooks.attach);
    return this.followLog(ctx, pod);
  }

  private followLog(ctx: Ctx, pod: KObject): ApiStream {
    const container = pickContainer(pod, ctx.query.container);
    const query = { ...ctx.query, container };
    const follow = this.hooks.followPodLogs;
    const unscheduled = !isScheduled(pod);
    // Checked now, so that a container that is not running is a 400, not an empty stream.
    if (!unscheduled) this.podLogs(ctx, pod, query);
    const idle: StreamSession = { stdin: () => undefined, resize: () => undefined, close: () => undefined };
    return {
      kind: 'log',
      headers: { 'content-type': 'text/plain' },
      channels: { stdin: false, stdout: true, stderr: false, tty: false },
      start: (sink) => {
        if (unscheduled || !follow) {
          if (!unscheduled) sink.write('stdout', this.podLogs(ctx, pod, query));
          sink.end();
          return idle;
        }
        const stop = follow(ctx.namespace, pod, query, { write: (text) => sink.write('stdout', text), end: () => sink.end() });
        return { ...idle, close: stop };
      },
    };
  }

  private podLogs(ctx: Ctx, pod: KObject, query: Record<string, string>): string {
    if (!this.hooks.podLogs) throw badRequest('container logs are not available in this cluster');
    return this.hooks.podLogs(ctx.namespace, pod, query);
  }

  private log(ctx: Ctx, name: string): ApiResponse {
    const pod = this.cluster.registry.get(ctx.rt, ctx.namespace, name);
    const container = pickContainer(pod, ctx.query.container);
    // A pod no node has taken has no logs yet: the API server answers an empty stream.
    const unscheduled = !isScheduled(pod);
    const text = unscheduled ? '' : this.podLogs(ctx, pod, { ...ctx.query, container });
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: text };
  }

  /**
   * exec or attach over plain HTTP: the same checks as the upgraded request,
   * then the API server's answer to a client that did not ask to upgrade.
   */
  private remoteCommandWithoutStream(ctx: Ctx): ApiResponse {
    this.stream(ctx.req);
    return failure(400, 'BadRequest', 'Upgrade request required');
  }

  /** `pods/{name}/binding`: what a scheduler posts to place a pod on a node. */
  private binding(ctx: Ctx, name: string): ApiResponse {
    const binding = this.decodeBody(ctx, false) as { target?: { name?: string } };
    const node = binding.target?.name;
    if (!node) throw invalid('', 'Binding', name, [fieldError.required('target.name')]);
    this.cluster.registry.update(ctx.rt, { metadata: { name }, spec: { nodeName: node } }, { namespace: ctx.namespace, subresource: 'binding', dryRun: ctx.dryRun });
    return this.respond(ctx, undefined, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, 201);
  }

  /** `serviceaccounts/{name}/token`: a TokenRequest in, the same with status.token out. */
  private token(ctx: Ctx, name: string): ApiResponse {
    const body = this.decodeBody(ctx, false) as { spec?: TokenRequestSpec };
    return this.respond(ctx, undefined, requestToken(this.cluster.context, ctx.namespace, name, body.spec ?? {}), 201);
  }

  /** `pods/{name}/eviction` (policy/v1 Eviction): a graceful delete that disruption budgets may refuse. */
  private eviction(ctx: Ctx, name: string): ApiResponse {
    const eviction = this.decodeBody(ctx, false) as {
      metadata?: { name?: string; namespace?: string };
      deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[]; propagationPolicy?: string };
    };
    const d = eviction.deleteOptions ?? {};
    const bodyDryRun = (d.dryRun ?? []).includes('All');
    // propagateDryRun: the request's dryRun and the body's must agree when both are given.
    if (ctx.dryRun && (d.dryRun ?? []).length > 0 && !bodyDryRun) {
      // A plain Go error there: the API server answers 500 with no reason.
      const message = `Non-matching dry-run options in request and content: [All] and [${(d.dryRun ?? []).join(' ')}]`;
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
    }
    const status = evictPod(this.cluster.context, ctx.namespace, name, {
      ...(eviction.metadata ? { metadata: eviction.metadata } : {}),
      deleteOptions: {
        ...(d.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: d.gracePeriodSeconds } : {}),
        ...(d.preconditions ? { preconditions: d.preconditions } : {}),
        ...(d.propagationPolicy ? { propagationPolicy: d.propagationPolicy as 'Background' | 'Foreground' | 'Orphan' } : {}),
        dryRun: ctx.dryRun || bodyDryRun,
      },
    });
    return this.respond(ctx, undefined, status, status.code ?? 201);
  }
}

const STREAMING_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const k of path.split('.').filter((p) => p !== '')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.').filter((p) => p !== '');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** AX:pkg/registry/customresource/etcd.go scaleFromCustomResource: missing paths read as 0 and "". */
function scaleOf(o: KObject, paths: NonNullable<ResourceType['subresources']['scale']>) {
  const m = o.metadata ?? {};
  const spec = getPath(o, paths.specReplicasPath);
  const status = getPath(o, paths.statusReplicasPath);
  const selector = paths.labelSelectorPath ? getPath(o, paths.labelSelectorPath) : undefined;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof spec === 'number' ? spec : 0 },
    status: { replicas: typeof status === 'number' ? status : 0, ...(typeof selector === 'string' && selector !== '' ? { selector } : {}) },
  };
}

function methodNotAllowed(): ApiResponse {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function notFoundStatus() {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };
}

function wantsTable(req: ApiRequest): boolean {
  return /as=Table/.test(req.headers?.accept ?? '');
}

function apiVersion(rt: ResourceType): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}

function qualified(rt: ResourceType): string {
  return rt.group === '' ? rt.resource : `${rt.resource}.${rt.group}`;
}

function returnsDeletedObject(rt: ResourceType): boolean {
  return rt.group === '' && (rt.resource === 'pods' || rt.resource === 'namespaces');
}

function fieldValidation(query: Record<string, string>): 'Strict' | 'Warn' | 'Ignore' {
  const v = query.fieldValidation;
  // The API server's default is Warn when the client does not say.
  return v === 'Strict' || v === 'Ignore' ? v : 'Warn';
}

/** The kind a subresource's body has (autoscaling/v1 Scale, v1 Binding, policy/v1 Eviction). */
function subresourceKind(ctx: Ctx): { group: string; version: string; kind: string } {
  const sub = ctx.path.subresource;
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  const extra = ctx.rt.subresources.extra?.find((e) => e.name === sub);
  return { group: extra?.group ?? ctx.rt.group, version: extra?.version ?? ctx.rt.version, kind: extra?.kind ?? ctx.rt.kind };
}

/** The body's apiVersion/kind must be those of the endpoint (a missing one is filled in). */
function checkKind(rt: ResourceType, obj: KObject): void {
  const expected = apiVersion(rt);
  if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== rt.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${rt.kind})`);
  }
}
