/**
 * `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`:
 * a Service selecting `app=NAME`, one TCP port per `--tcp=port[:targetPort]`.
 * K:staging/src/k8s.io/kubectl/pkg/cmd/create/create_service.go
 */
import type { KObject, ResourceRef } from '../client.ts';
import { list, str, type Command, type Invocation } from '../command.ts';
import { ExitError } from '../errors.ts';
import type { FlagSpec } from '../flags.ts';
import { commandGroup, GENERATOR_FLAGS, objectMeta, runGenerator } from './create-object.ts';

const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true };

/** utilsnet.ParsePort(s, true): strconv.ParseUint(s, 10, 16). */
function parsePort(s: string): number {
  if (!/^[0-9]+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** validation.IsValidPortName. */
function portNameErrors(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** parsePorts: `port[:targetPort]`, the target a number or a port name. */
function parsePorts(spec: string): [number, number | string] {
  const parts = spec.split(':');
  const port = parsePort(parts[0]!);
  if (parts.length === 1) return [port, port];
  const target = parts[1]!;
  // strconv.Atoi: an optional sign, then decimal digits.
  if (!/^[+-]?[0-9]+$/.test(target)) {
    const errs = portNameErrors(target);
    if (errs.length > 0) throw new Error(errs.join(','));
    return [port, target];
  }
  const n = Number(target);
  if (n < 1 || n > 65535) throw new Error('must be between 1 and 65535, inclusive');
  return [port, n];
}

/** validation.IsDNS1123Subdomain. */
const isDns1123Subdomain = (s: string) => s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);

function serviceCommand(name: string, type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName', extra: FlagSpec[]): Command {
  return {
    name,
    flags: [...GENERATOR_FLAGS, { name: 'tcp', type: 'stringSlice' }, ...extra],
    run(inv: Invocation) {
      const tcp = list(inv.flags, 'tcp');
      const clusterIP = str(inv.flags, 'clusterip');
      const externalName = str(inv.flags, 'external-name');
      // cobra's MarkFlagRequired fails before the command runs, through klog (no "error: " prefix).
      if (type === 'ExternalName' && !inv.changed.has('external-name')) throw new ExitError('error: required flag(s) "external-name" not set');
      return runGenerator(inv, () => {
        if (clusterIP === 'None' && type !== 'ClusterIP') throw new Error('ClusterIP=None can only be used with ClusterIP service type');
        if (clusterIP !== 'None' && tcp.length === 0 && type !== 'ExternalName') throw new Error('at least one tcp port specifier must be provided');
        if (type === 'ExternalName' && !isDns1123Subdomain(externalName)) throw new Error(`invalid service external name ${externalName}`);
      }, {
        ref: SERVICES,
        failure: `failed to create ${type} service: `,
        build(svcName) {
          const nodePort = typeof inv.flags['node-port'] === 'number' ? inv.flags['node-port'] : 0;
          const ports = tcp.map((spec) => {
            const [port, targetPort] = parsePorts(spec);
            return { name: spec.replace(/:/g, '-'), protocol: 'TCP', port, targetPort, ...(nodePort !== 0 ? { nodePort } : {}) };
          });
          return {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: objectMeta(inv, svcName, { labels: { app: svcName } }),
            spec: {
              ...(ports.length > 0 ? { ports } : {}),
              selector: { app: svcName },
              ...(clusterIP !== '' ? { clusterIP } : {}),
              type,
              ...(externalName !== '' ? { externalName } : {}),
            },
          } as KObject;
        },
      });
    },
  };
}

const SERVICE_HELP = `Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use "kubectl create service <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const createServiceCommand = commandGroup('service', ['svc'], [
  serviceCommand('clusterip', 'ClusterIP', [{ name: 'clusterip', type: 'string' }]),
  serviceCommand('externalname', 'ExternalName', [{ name: 'external-name', type: 'string' }]),
  serviceCommand('loadbalancer', 'LoadBalancer', []),
  serviceCommand('nodeport', 'NodePort', [{ name: 'node-port', type: 'int' }]),
], SERVICE_HELP);
