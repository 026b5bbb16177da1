import { describe, expect, it } from 'vitest';
import { ResourceCatalog } from './resources.ts';

describe('ResourceCatalog', () => {
  const cat = new ResourceCatalog();

  it('resolves plural, singular, short names, kinds and group-qualified names', () => {
    expect(cat.lookup('sts')?.resource).toBe('statefulsets');
    expect(cat.lookup('StatefulSet')?.group).toBe('apps');
    expect(cat.lookup('po')?.kind).toBe('Pod');
    expect(cat.lookup('pvc')?.kind).toBe('PersistentVolumeClaim');
    expect(cat.lookup('crds')?.group).toBe('apiextensions.k8s.io');
    expect(cat.lookup('events')?.group).toBe('');
    expect(cat.lookup('events.events.k8s.io')?.group).toBe('events.k8s.io');
    expect(cat.lookup('deployments.v1.apps')?.kind).toBe('Deployment');
    expect(cat.lookup('nope')).toBeUndefined();
  });

  it('puts the workload kinds in category all, as kubectl get all expects', () => {
    expect(cat.inCategory('all').map((r) => r.resource).sort()).toEqual([
      'cronjobs', 'daemonsets', 'deployments', 'jobs', 'pods', 'replicasets', 'services', 'statefulsets',
    ]);
  });

  it('describes scale and status subresources and allows new types at run time', () => {
    expect(cat.lookup('sts')?.subresources.scale).toEqual({ specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' });
    expect(cat.lookup('namespaces')?.verbs).not.toContain('deletecollection');
    const local = new ResourceCatalog();
    local.add({ ...local.lookup('configmaps')!, group: 'example.com', version: 'v1', resource: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] });
    expect(local.lookup('wd')?.kind).toBe('Widget');
  });
});
