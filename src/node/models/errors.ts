import { TesseraError } from '../../core/errors.js';

/**
 * A model that could not be loaded or run: a missing or damaged file, an output name it does not
 * have, inputs of a shape it does not take. The message names the model file or folder.
 */
export class ModelError extends TesseraError {
  constructor(
    readonly model: string,
    detail: string,
  ) {
    super(`model ${model}: ${detail}`);
  }
}
