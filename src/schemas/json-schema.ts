/**
 * JSON Schemas of the lab files, for editors (yaml-language-server, Monaco):
 * completion, hovers and validation while a lab is written. Generated from the
 * zod schemas, so the editor and `statecraft lab check` agree. Refinements
 * (operator syntax, "exactly one of assert/absent/count/command") are checked
 * by Statecraft only; the editor sees every key with its description.
 */
import { z } from 'zod';
import { labSchema, wrongAnswerSchema } from './lab.ts';

export const LAB_SCHEMA_FILE = 'lab.schema.json';
export const WRONG_SCHEMA_FILE = 'lab-wrong.schema.json';

export function labJsonSchemas(): Record<string, unknown> {
  const options = { io: 'input', unrepresentable: 'any', target: 'draft-7' } as const;
  return {
    [LAB_SCHEMA_FILE]: { title: 'Statecraft lab (labs/<id>/lab.yaml)', ...z.toJSONSchema(labSchema, options) },
    [WRONG_SCHEMA_FILE]: { title: 'Statecraft known-wrong answer (labs/<id>/wrong/<name>/wrong.yaml)', ...z.toJSONSchema(wrongAnswerSchema, options) },
  };
}
