/**
 * One grading thread of `statecraft grade --jobs N`: loads the lab once, then
 * grades each submission folder it is sent on a fresh shim and posts the result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadLabBundle } from '../runner-node/files.ts';
import { gradeFolderOnShim } from '../runner-node/grade-folder.ts';

interface Data { labFolder: string; seed?: string }

const { labFolder, seed } = workerData as Data;
const bundle = loadLabBundle(labFolder);

parentPort!.on('message', (job: { id: number; dir: string }) => {
  void gradeFolderOnShim(bundle, job.dir, seed).then(
    (result) => parentPort!.postMessage({ id: job.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: job.id, error: (error as Error).stack ?? String(error) }),
  );
});
parentPort!.postMessage({ ready: true });
