import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { z } from 'zod';
import { topologySchema } from './schemas/lab.ts';

// Lessons live at the top of the repository (content/lessons/NN-topic/index.mdx),
// not under src/, so authors find them beside labs/; Starlight's `docs`
// collection is pointed there. Files starting with `_` are drafts/partials.
export const collections = {
  docs: defineCollection({
    loader: glob({ base: './content', pattern: '**/[^_]*.{md,mdx}' }),
    schema: docsSchema({
      extend: z.object({
        // The page's cluster, in a lab's topology terms (e.g. `operators: [keyvalue]`); default: plain kind.
        cluster: topologySchema.optional(),
      }),
    }),
  }),
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
};
