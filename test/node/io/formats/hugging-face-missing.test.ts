import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, readHuggingFace } from '../../../../src/index.js';

describe('readHuggingFace on a path that is not a local dataset folder', () => {
  it('a Hub name is a typed error saying it reads local folders and downloads nothing', async () => {
    const read = readHuggingFace(`imdb-not-here-${process.pid}`);
    await expect(read).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(readHuggingFace(`imdb-not-here-${process.pid}`)).rejects.toThrow(
      /no folder at .*save_to_disk.*Parquet.*downloads nothing/,
    );
  });

  it('a file is a typed error too', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hf-')), 'x.parquet');
    fs.writeFileSync(file, 'PAR1');
    try {
      await expect(readHuggingFace(file)).rejects.toThrow(/not a folder: .*downloads nothing/);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
