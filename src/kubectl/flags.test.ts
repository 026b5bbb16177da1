import { describe, expect, it } from 'vitest';
import { commandWords, FlagError, FlagSet, parseDuration } from './flags.ts';

const get = new FlagSet([
  { name: 'output', short: 'o', type: 'string' },
  { name: 'watch', short: 'w', type: 'bool' },
  { name: 'all-namespaces', short: 'A', type: 'bool' },
  { name: 'selector', short: 'l', type: 'string' },
  { name: 'filename', short: 'f', type: 'stringSlice' },
  { name: 'chunk-size', type: 'int' },
  { name: 'dry-run', type: 'string', noOptDefault: 'unchanged' },
]);

const error = (args: string[]) => {
  try {
    get.parse(args);
  } catch (e) {
    if (e instanceof FlagError) return e.message;
    throw e;
  }
  return undefined;
};

describe('FlagSet (pflag semantics)', () => {
  it('takes flags anywhere, in both --name=value and --name value forms', () => {
    const p = get.parse(['pods', '-o', 'wide', 'web', '--selector=app=web', '--namespace', 'kube-system']);
    expect(p.args).toEqual(['pods', 'web']);
    expect(p.flags).toMatchObject({ output: 'wide', selector: 'app=web', namespace: 'kube-system' });
    expect([...p.changed].sort()).toEqual(['namespace', 'output', 'selector']);
  });

  it('bundles short flags and reads attached values', () => {
    expect(get.parse(['-Aw']).flags).toMatchObject({ 'all-namespaces': true, watch: true });
    expect(get.parse(['-oname']).flags.output).toBe('name');
    expect(get.parse(['-o=yaml']).flags.output).toBe('yaml');
    expect(get.parse(['-Awoyaml']).flags).toMatchObject({ 'all-namespaces': true, watch: true, output: 'yaml' });
    expect(get.parse(['-nkube-system']).flags.namespace).toBe('kube-system');
  });

  it('gives booleans no argument unless written with =', () => {
    const p = get.parse(['-w', 'pods']);
    expect(p.flags.watch).toBe(true);
    expect(p.args).toEqual(['pods']);
    expect(get.parse(['--watch=false']).flags.watch).toBe(false);
    expect(get.parse(['-w=0']).flags.watch).toBe(false);
  });

  it('uses a flag\'s no-argument default (--dry-run alone)', () => {
    expect(get.parse(['--dry-run']).flags['dry-run']).toBe('unchanged');
    expect(get.parse(['--dry-run=server']).flags['dry-run']).toBe('server');
  });

  it('reads string slices as CSV and accumulates repeats', () => {
    expect(get.parse(['-f', 'a.yaml,b.yaml', '--filename=c.yaml']).flags.filename).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect(get.parse(['-f', '"x,y",z']).flags.filename).toEqual(['x,y', 'z']);
  });

  it('stops at -- and remembers where', () => {
    const p = get.parse(['get', '--', '-l', '--foo']);
    expect(p.args).toEqual(['get', '-l', '--foo']);
    expect(p.dashAt).toBe(1);
  });

  it('treats a lone - as an argument (stdin)', () => {
    expect(get.parse(['-f', '-']).flags.filename).toEqual(['-']);
    expect(get.parse(['-']).args).toEqual(['-']);
  });

  it('reports errors with pflag\'s texts', () => {
    expect(error(['--foo'])).toBe('unknown flag: --foo');
    expect(error(['-z'])).toBe("unknown shorthand flag: 'z' in -z");
    expect(error(['-wz'])).toBe("unknown shorthand flag: 'z' in -wz");
    expect(error(['-n'])).toBe("flag needs an argument: 'n' in -n");
    expect(error(['--namespace'])).toBe('flag needs an argument: --namespace');
    expect(error(['-w=x'])).toBe('invalid argument "x" for "-w, --watch" flag: strconv.ParseBool: parsing "x": invalid syntax');
    expect(error(['--chunk-size=x'])).toBe('invalid argument "x" for "--chunk-size" flag: strconv.ParseInt: parsing "x": invalid syntax');
    expect(error(['--=x'])).toBe('bad flag syntax: --=x');
    expect(error(['---x'])).toBe('bad flag syntax: ---x');
  });

  it('takes the next word as a value even when it looks like a flag', () => {
    expect(get.parse(['-l', '-x']).flags.selector).toBe('-x');
  });
});

describe('commandWords (cobra stripFlags)', () => {
  const root = new FlagSet([]);
  it('skips global flags and their values before the command', () => {
    expect(commandWords(['-n', 'kube-system', 'get', 'pods'], root)).toEqual(['get', 'pods']);
    expect(commandWords(['--namespace=x', 'config', 'view'], root)).toEqual(['config', 'view']);
    expect(commandWords(['--insecure-skip-tls-verify', 'get'], root)).toEqual(['get']);
  });

  it('assumes an unknown --flag takes the next word', () => {
    expect(commandWords(['--foo', 'get', 'pods'], root)).toEqual(['pods']);
  });
});

describe('parseDuration', () => {
  it('reads Go durations in milliseconds', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('x')).toBeUndefined();
    expect(parseDuration('5')).toBeUndefined();
  });
});
