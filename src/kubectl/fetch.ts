/**
 * Getting what a Plan points at from the server, as cli-runtime's visitors do:
 * one list per type for selectors (errors reworded `Unable to find …`), one
 * GET per named object, the latest copy of objects from files.
 */
import { StatusError } from './errors.ts';
import { resourcePath, TABLE_ACCEPT, type KObject, type RestClient } from './client.ts';
import type { Info, Plan } from './builder.ts';
import type { Mapping } from './discovery.ts';

export interface FetchOptions {
  /** Ask the server for a Table (human-readable get). */
  table?: boolean;
  /** `?limit=` for lists (kubectl's --chunk-size, 500). */
  chunkSize?: number;
  /** Continue past errors, returning them (get); otherwise the first one throws. */
  continueOnError?: boolean;
  /** Split lists into their items (everything but Tables). */
  flatten?: boolean;
  /** `?includeObject=Object`: whole objects in Table rows (for --sort-by). */
  includeObject?: boolean;
}

/** `GroupVersionResource.String()`: `/v1, Resource=pods`, `apps/v1, Resource=deployments`. */
export function gvrString(m: Mapping): string {
  return `${m.group}/${m.version}, Resource=${m.resource}`;
}

export function listQuery(labelSelector: string, fieldSelector: string, chunkSize: number, includeObject = false): Record<string, string> {
  const q: Record<string, string> = {};
  if (includeObject) q.includeObject = 'Object';
  if (labelSelector) q.labelSelector = labelSelector;
  if (fieldSelector) q.fieldSelector = fieldSelector;
  if (chunkSize > 0) q.limit = String(chunkSize);
  return q;
}

export async function listFor(client: RestClient, m: Mapping, namespace: string, labelSelector: string, fieldSelector: string, options: FetchOptions): Promise<KObject> {
  try {
    return (await client.call('GET', resourcePath(m, m.namespaced ? namespace : undefined), {
      query: listQuery(labelSelector, fieldSelector, options.chunkSize ?? 500, options.includeObject && options.table),
      ...(options.table ? { accept: TABLE_ACCEPT } : {}),
    })) as KObject;
  } catch (error) {
    if (error instanceof StatusError && (error.reason === 'BadRequest' || error.reason === 'NotFound')) {
      const message = !labelSelector && !fieldSelector
        ? `Unable to list ${JSON.stringify(gvrString(m))}: ${error.message}`
        : `Unable to find ${JSON.stringify(gvrString(m))} that match label selector ${JSON.stringify(labelSelector)}, field selector ${JSON.stringify(fieldSelector)}: ${error.message}`;
      throw new StatusError({ ...error.status, message });
    }
    throw error;
  }
}

/** The items of a list, with the apiVersion/kind a real server leaves out. */
export function itemsOf(list: KObject): KObject[] {
  const kind = (list.kind ?? '').replace(/List$/, '');
  return ((list.items as KObject[] | undefined) ?? []).map((item) => ({ ...item, apiVersion: item.apiVersion ?? list.apiVersion, kind: item.kind ?? kind } as KObject));
}

export async function getOne(client: RestClient, info: Info, table = false, includeObject = false): Promise<KObject> {
  return (await client.call('GET', resourcePath(info.mapping, info.namespace, info.name), table
    ? { accept: TABLE_ACCEPT, ...(includeObject ? { query: { includeObject: 'Object' } } : {}) }
    : {})) as KObject;
}

/** Infos with objects fetched; errors returned (or thrown without continueOnError). */
export async function fetchInfos(client: RestClient, plan: Plan, options: FetchOptions): Promise<{ infos: Info[]; errors: Error[] }> {
  const infos: Info[] = [];
  const errors: Error[] = plan.type === 'items' ? [...plan.errors] : [];
  const fail = (error: unknown) => {
    if (!options.continueOnError) throw error;
    errors.push(error as Error);
  };
  if (plan.type === 'selector') {
    for (const m of plan.mappings) {
      try {
        const list = await listFor(client, m, plan.namespace, plan.labelSelector, plan.fieldSelector, options);
        if (options.flatten && !options.table) {
          for (const item of itemsOf(list)) infos.push({ mapping: m, namespace: item.metadata?.namespace ?? '', name: item.metadata?.name ?? '', object: item });
        } else infos.push({ mapping: m, namespace: plan.namespace, name: '', object: list });
      } catch (error) {
        fail(error);
      }
    }
    return { infos, errors };
  }
  if (!options.continueOnError && errors.length > 0) throw errors[0];
  for (const info of plan.infos) {
    try {
      infos.push({ ...info, object: await getOne(client, info, options.table, options.includeObject) });
    } catch (error) {
      fail(error);
    }
  }
  return { infos, errors };
}

