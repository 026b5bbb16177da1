import type { TestProject } from 'vitest/node';
import { serveSite, type Site } from './harness.ts';

let site: Site | undefined;

export async function setup(project: TestProject) {
  site = await serveSite();
  project.provide('siteUrl', site.url);
}

export async function teardown() {
  await site?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
  }
}
