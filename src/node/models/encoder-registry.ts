/**
 * Encoders by registered name: what turns a recorded {@link EncoderSpec} (in a dataset's manifest,
 * or `tessera app --encoder NAME`) back into an encoder. Only names registered in this process are
 * built, from plain options: a dataset names an encoder, it never carries one. The built-in
 * MobileNetV2 is registered as `mobilenet-v2`.
 */
import { EncoderNotKnownError, InvalidArgumentError } from '../../core/errors.js';
import type { Encoder, EncoderSpec } from '../../core/models/encoder.js';
import { MOBILENET_V2_NAME, type MobileNetV2Options, mobileNetV2Encoder } from './mobilenet.js';

/** Builds an encoder from a spec's options (checking them: they come from a file). */
export type EncoderFactory = (options: Readonly<Record<string, unknown>>) => Encoder;

const factories = new Map<string, EncoderFactory>([
  [
    MOBILENET_V2_NAME,
    (options) => {
      const known = ['layer', 'normalize'];
      const extra = Object.keys(options).filter((k) => !known.includes(k));
      if (extra.length > 0)
        throw new InvalidArgumentError(
          `encoder ${MOBILENET_V2_NAME} takes the options ${known.join(', ')}, not ${extra.join(', ')}`,
        );
      if (options.normalize !== undefined && typeof options.normalize !== 'boolean')
        throw new InvalidArgumentError(`encoder ${MOBILENET_V2_NAME}: normalize must be true or false`);
      return mobileNetV2Encoder(options as MobileNetV2Options);
    },
  ],
]);

/**
 * Register `factory` under `name`, so that columns an encoder with `spec.name === name` made can be
 * searched by new inputs (the app's image search). Replaces an earlier registration of the name.
 */
export function registerEncoder(name: string, factory: EncoderFactory): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError('registerEncoder: the name must be a non-empty string');
  if (typeof factory !== 'function')
    throw new InvalidArgumentError(`registerEncoder("${name}", factory): factory must be a function`);
  factories.set(name, factory);
}

/** The names of the registered encoders. */
export function registeredEncoders(): string[] {
  return [...factories.keys()];
}

/** A new encoder built from `spec`. @throws EncoderNotKnownError if its name is not registered. */
export function encoderFromSpec(spec: EncoderSpec): Encoder {
  const factory = factories.get(spec.name);
  if (factory === undefined)
    throw new EncoderNotKnownError(
      `no encoder is registered as "${spec.name}" in this process (registered: ${registeredEncoders().join(', ')}); ` +
        'register it with registerEncoder(name, factory) before serving the dataset',
    );
  return factory(spec.options);
}
