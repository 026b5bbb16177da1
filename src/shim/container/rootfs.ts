// A container's root filesystem: the image's files as one shared, read-only layer
// (built once per image) and a copy-on-write clone of it per container, so starting
// thousands of pods of one image copies nothing until a container writes.
import { BUILTIN_PREFIX, builtinNameOf } from '../images.ts';
import { BUSYBOX_LINKS, DEBIAN_LINKS } from './sh/applets/index.ts';
import { dirname, EXEC_MODE, MemoryFileSystem } from './vfs.ts';

/** When the images' files were built, as `ls -l` shows them. */
export const IMAGE_BUILD_MS = Date.UTC(2025, 1, 13, 0, 0, 0);

/** Directories every image root has (the runtime mounts /dev, /proc and /sys over some). */
const STANDARD_DIRS = ['/bin', '/dev', '/etc', '/home', '/proc', '/root', '/run', '/sys', '/tmp', '/usr/bin', '/usr/local/bin', '/usr/sbin', '/var'];

const layers = new WeakMap<object, MemoryFileSystem>();

/** The image's files as a filesystem, with the links to the applets its tools provide. */
export function imageLayer(files: Readonly<Record<string, string>>): MemoryFileSystem {
  let layer = layers.get(files);
  if (layer !== undefined) return layer;
  layer = new MemoryFileSystem({ now: () => IMAGE_BUILD_MS });
  const hasShell = files['/bin/sh'] !== undefined;
  if (hasShell) {
    for (const d of STANDARD_DIRS) layer.mkdir(d, { recursive: true });
    layer.chmod('/tmp', 0o1777);
  }
  const add = (path: string, data: string): void => {
    layer!.mkdir(dirname(path), { recursive: true });
    layer!.writeFile(path, data);
    if (builtinNameOf(data) !== undefined || data.startsWith('#!')) layer!.chmod(path, EXEC_MODE);
  };
  for (const [path, data] of Object.entries(files)) {
    // `dir/.keep` entries only make their directory exist.
    if (path.endsWith('/.keep')) layer.mkdir(dirname(path), { recursive: true });
    else add(path, data);
  }
  if (files['/bin/busybox'] !== undefined) {
    for (const name of BUSYBOX_LINKS) if (!layer.exists(`/bin/${name}`)) add(`/bin/${name}`, `${BUILTIN_PREFIX}${name}\n`);
  } else if (hasShell) {
    for (const [path, name] of Object.entries(DEBIAN_LINKS)) if (!layer.exists(path)) add(path, `${BUILTIN_PREFIX}${name}\n`);
    // The official nginx image installs curl (its Dockerfile's `apt-get install … gettext-base curl`).
    if (files['/usr/sbin/nginx'] !== undefined && !layer.exists('/usr/bin/curl')) add('/usr/bin/curl', `${BUILTIN_PREFIX}curl\n`);
  }
  layers.set(files, layer);
  return layer;
}

/** A fresh writable root for one container instance. */
export function containerRoot(files: Readonly<Record<string, string>>, now?: () => number): MemoryFileSystem {
  return imageLayer(files).clone({ now });
}
