// Operators a kind cluster can run (`Topology.operators`, `statecraft serve --operator`):
// each is installed as its manifests would be, then driven by an OperatorHost.
import type { Cluster } from '../cluster.ts';
import type { Service } from '../images.ts';
import { applyInstallManifests, OperatorHost, type OperatorDefinition } from './host.ts';
import { keyValueOperator } from './keyvalue.ts';

export const OPERATORS: Readonly<Record<string, OperatorDefinition>> = { keyvalue: keyValueOperator };
export type OperatorName = keyof typeof OPERATORS;

/** Installs each named operator; `connect` reaches a pod's socket (the kubelet's network). */
export function installOperators(cluster: Cluster, names: readonly string[], connect: (ip: string, port: number) => Service | undefined): OperatorHost[] {
  return names.map((name) => {
    const def = OPERATORS[name];
    if (def === undefined) throw new Error(`unknown operator "${name}" (known: ${Object.keys(OPERATORS).join(', ')})`);
    applyInstallManifests(cluster.context, def);
    return cluster.addController((ctx) => new OperatorHost(ctx, def, connect)) as OperatorHost;
  });
}

export { OperatorHost, operatorManifests, type OperatorApi, type OperatorDefinition, type ReconcileResult } from './host.ts';
export { keyValueOperator, KEYVALUECLUSTERS, keyValueClusterCrd } from './keyvalue.ts';
