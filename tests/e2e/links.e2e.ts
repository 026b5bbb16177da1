// Every link and asset a built page points at within the site exists in dist/: a lesson
// that links a renamed lesson, a lab that names a missing page, or a missing favicon is a
// 404 for the learner.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = new URL('../../dist', import.meta.url).pathname;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlFiles(path);
    return name.endsWith('.html') ? [path] : [];
  });
}

/** Whether a site path (no query or fragment) is served by the static build. */
function served(path: string): boolean {
  const target = join(dist, decodeURIComponent(path));
  if (path.endsWith('/')) return existsSync(join(target, 'index.html'));
  return existsSync(target) || existsSync(`${target}.html`) || existsSync(join(target, 'index.html'));
}

describe('the built site', () => {
  it('has no internal link, script, stylesheet or icon that leads nowhere', () => {
    const pages = htmlFiles(dist);
    expect(pages.length).toBeGreaterThan(10);
    const broken: string[] = [];
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      for (const m of html.matchAll(/\s(?:href|src)="(\/[^"#?]*)[^"]*"/g)) {
        const path = m[1]!;
        if (path.startsWith('//')) continue;
        if (!served(path)) broken.push(`${page.slice(dist.length)} → ${path}`);
      }
    }
    expect([...new Set(broken)]).toEqual([]);
  });
});
