// The applets by name, and which of them an image's root filesystem links where:
// busybox images have every applet in /bin (hard links to /bin/busybox); Debian
// images have coreutils, grep, sed and findutils in /bin and /usr/bin.
import type { RuntimeProgram } from '../../process.ts';
import { df, du, mount } from './disk.ts';
import { basenameApplet, cat, chmod, chown, cp, dirnameApplet, find, mkdir, mv, realpath, rm, rmdir, touch } from './files.ts';
import { ls } from './ls.ts';
import { curl, nc, nslookup, wget } from './net.ts';
import { clear, date, env, falseApplet, hostname, id, kill, nohup, pkill, printenv, ps, pwd, sleep, sync, trueApplet, uname, which, whoami } from './system.ts';
import { expr } from './expr.ts';
import { grep } from './grep.ts';
import { sed } from './sed.ts';
import { base64, cut, echo, head, printfApplet, seq, sort, tail, tee, test, tr, uniq, wc, yes } from './text.ts';

export const APPLETS: ReadonlyMap<string, RuntimeProgram> = new Map<string, RuntimeProgram>([
  ['[', test],
  ['base64', base64],
  ['basename', basenameApplet],
  ['cat', cat],
  ['chgrp', chown],
  ['chmod', chmod],
  ['chown', chown],
  ['clear', clear],
  ['cp', cp],
  ['curl', curl],
  ['cut', cut],
  ['date', date],
  ['df', df],
  ['dirname', dirnameApplet],
  ['du', du],
  ['echo', echo],
  ['egrep', function* (ctx) {
    return yield* grep({ ...ctx, argv: ['grep', '-E', ...ctx.argv.slice(1)] });
  }],
  ['env', env],
  ['expr', expr],
  ['false', falseApplet],
  ['fgrep', function* (ctx) {
    return yield* grep({ ...ctx, argv: ['grep', '-F', ...ctx.argv.slice(1)] });
  }],
  ['find', find],
  ['grep', grep],
  ['head', head],
  ['hostname', hostname],
  ['id', id],
  ['kill', kill],
  ['ls', ls],
  ['mkdir', mkdir],
  ['mount', mount],
  ['mv', mv],
  ['nc', nc],
  ['nohup', nohup],
  ['nslookup', nslookup],
  ['pkill', pkill],
  ['printenv', printenv],
  ['printf', printfApplet],
  ['ps', ps],
  ['pwd', pwd],
  ['readlink', realpath],
  ['realpath', realpath],
  ['rm', rm],
  ['rmdir', rmdir],
  ['sed', sed],
  ['seq', seq],
  ['sleep', sleep],
  ['sort', sort],
  ['sync', sync],
  ['tail', tail],
  ['tee', tee],
  ['test', test],
  ['touch', touch],
  ['tr', tr],
  ['true', trueApplet],
  ['uname', uname],
  ['uniq', uniq],
  ['wc', wc],
  ['wget', wget],
  ['which', which],
  ['whoami', whoami],
  ['yes', yes],
]);

/** busybox's own applets (curl is not one; the busybox image has none). */
export const BUSYBOX_LINKS: readonly string[] = [...APPLETS.keys(), 'sh', 'ash'].filter((n) => n !== 'curl').sort();

/** Where Debian puts the same tools (coreutils, grep, sed, findutils, procps-less). */
export const DEBIAN_LINKS: Readonly<Record<string, string>> = {
  '/usr/bin/[': '[', '/usr/bin/base64': 'base64', '/usr/bin/basename': 'basename', '/bin/cat': 'cat', '/bin/chgrp': 'chgrp', '/bin/chmod': 'chmod',
  '/bin/chown': 'chown', '/usr/bin/clear': 'clear', '/bin/cp': 'cp', '/usr/bin/cut': 'cut', '/bin/date': 'date', '/bin/df': 'df',
  '/usr/bin/dirname': 'dirname', '/usr/bin/du': 'du', '/bin/echo': 'echo', '/bin/egrep': 'egrep', '/usr/bin/env': 'env', '/usr/bin/expr': 'expr',
  '/bin/false': 'false', '/bin/fgrep': 'fgrep', '/usr/bin/find': 'find', '/bin/grep': 'grep', '/usr/bin/head': 'head', '/bin/hostname': 'hostname',
  '/usr/bin/id': 'id', '/bin/kill': 'kill', '/bin/ls': 'ls', '/bin/mkdir': 'mkdir', '/bin/mount': 'mount', '/bin/mv': 'mv', '/usr/bin/nohup': 'nohup', '/usr/bin/pkill': 'pkill',
  '/usr/bin/printenv': 'printenv', '/usr/bin/printf': 'printf', '/bin/pwd': 'pwd', '/bin/readlink': 'readlink', '/usr/bin/realpath': 'realpath',
  '/bin/rm': 'rm', '/bin/rmdir': 'rmdir', '/bin/sed': 'sed', '/usr/bin/seq': 'seq', '/bin/sleep': 'sleep', '/usr/bin/sort': 'sort', '/bin/sync': 'sync',
  '/usr/bin/tail': 'tail', '/usr/bin/tee': 'tee', '/usr/bin/test': 'test', '/bin/touch': 'touch', '/usr/bin/tr': 'tr', '/bin/true': 'true',
  '/bin/uname': 'uname', '/usr/bin/uniq': 'uniq', '/usr/bin/wc': 'wc', '/usr/bin/which': 'which', '/usr/bin/whoami': 'whoami', '/usr/bin/yes': 'yes',
  '/bin/dash': 'dash',
};
