/**
 * transformers.js, set up to read only local folders. Tessera never downloads a model: every model
 * or tokenizer comes from a path the user gives, and a missing file is an error, not a fetch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';

type TransformersModule = typeof import('@huggingface/transformers');

let loaded: Promise<TransformersModule> | undefined;

/**
 * The transformers.js module with remote models switched off. It is imported on first use, so
 * users who never touch it do not pay for loading it.
 */
export function offlineTransformers(): Promise<TransformersModule> {
  loaded ??= import('@huggingface/transformers').then((t) => {
    t.env.allowRemoteModels = false;
    t.env.allowLocalModels = true;
    return t;
  });
  return loaded;
}

/**
 * An absolute path for a local model folder, checked to exist. transformers.js resolves a string
 * that looks like a Hub model id ("org/name") under `env.localModelPath`; an absolute path is used
 * as it is, so passing one means a folder is read from exactly where the user said.
 */
export function localModelFolder(folder: string, needs: readonly string[]): string {
  const abs = path.resolve(folder);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory())
    throw new InvalidArgumentError(
      `model folder ${abs} does not exist; Tessera loads models only from local folders (no downloads): ` +
        'download the model once (e.g. `huggingface-cli download ORG/NAME --local-dir DIR`) and pass DIR',
    );
  for (const file of needs)
    if (!fs.existsSync(path.join(abs, file)))
      throw new InvalidArgumentError(`model folder ${abs} has no ${file}; it needs ${needs.join(', ')}`);
  return abs;
}

/** A tokenizer from a local folder holding tokenizer.json (and tokenizer_config.json). */
export async function loadLocalTokenizer(folder: string) {
  const t = await offlineTransformers();
  const abs = localModelFolder(folder, ['tokenizer.json']);
  return await t.AutoTokenizer.from_pretrained(abs, { local_files_only: true });
}
