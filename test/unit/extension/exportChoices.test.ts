// The Export Dataset picks → export options: every format offered, copy on Windows, metadata only
// wins over copy, the split preset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPORT_FORMATS } from '../../../src/core/export';
import { EXPORT_FORMAT_ITEMS, exportChoices } from '../../../src/extension/exportChoices';

test('every export format is offered in the QuickPick', () => {
  assert.deepEqual(EXPORT_FORMAT_ITEMS.map((i) => i.format).sort(), [...EXPORT_FORMATS].sort());
});

test('picks become options: link by default, copy on Windows or when asked, none for metadata only', () => {
  assert.deepEqual(exportChoices('hf', 'human+auto', [], 'linux'), { format: 'hf', labels: 'human+auto', files: 'link', includeNone: false });
  assert.equal(exportChoices('hf', 'human', [], 'win32').files, 'copy');
  assert.equal(exportChoices('csv', 'human', ['copy', 'metadataOnly'], 'linux').files, 'none');
  const c = exportChoices('imagefolder', 'predicted', ['split', 'includeNone'], 'darwin');
  assert.deepEqual([c.split, c.includeNone, c.labels], ['train=0.8,val=0.1,test=0.1', true, 'predicted']);
});
