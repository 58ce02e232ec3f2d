// The class-per-folder rule against lists written out by hand (torchvision's ImageFolder: classes
// sorted, then files within each class; top-level and hidden files skipped).
import { describe, expect, it } from 'vitest';
import { extensionOf, imageFolderEntries } from '../../../src/core/io/image-folder-layout.js';

describe('imageFolderEntries', () => {
  it('keeps images inside class folders, sorted by class then path', () => {
    const paths = [
      'dog/b.png',
      'loose.png',
      'cat/nested/c.jpg',
      'dog/a.PNG',
      'cat/notes.txt',
      'cat/.hidden.png',
      '.git/x.png',
      'cat/.thumbs/y.png',
      'a-b/z.gif',
      'a/y.webp',
      'a/x/y.tiff',
    ];
    expect(imageFolderEntries(paths)).toEqual([
      { path: 'a/x/y.tiff', label: 'a' },
      { path: 'a/y.webp', label: 'a' },
      // "a" sorts before "a-b" as a class, although "a-b/" < "a/" as whole paths.
      { path: 'a-b/z.gif', label: 'a-b' },
      { path: 'cat/nested/c.jpg', label: 'cat' },
      { path: 'dog/a.PNG', label: 'dog' },
      { path: 'dog/b.png', label: 'dog' },
    ]);
  });

  it('takes other extensions when asked', () => {
    expect(imageFolderEntries(['c/a.bmp', 'c/b.png'], ['.BMP'])).toEqual([{ path: 'c/a.bmp', label: 'c' }]);
  });

  it('reads extensions as path.extname does', () => {
    expect(['a/b.PNG', 'a/.png', 'a.b/c', 'x.', 'x.tar.gz'].map(extensionOf)).toEqual([
      '.PNG',
      '',
      '',
      '.',
      '.gz',
    ]);
  });
});
