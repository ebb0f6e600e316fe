// The one label-source rule: human decisions (stale ones too) stay human, "auto-accepted" is auto,
// pending takes the effective prediction only when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSidecar } from '../../../src/core/sidecar';
import { labelsFor } from '../../../src/core/export/labelSource';
import type { Review, Sidecar } from '../../../src/core/types';
import { pred, review } from '../audit/fixtures';

function sc(r: Review): Sidecar {
  return { ...newSidecar({ name: 'a.png', sha256: 'abc', size: 1 }), predictions: { 'zero-shot': pred({ classifier: 'zero-shot', top: 'cat' }) }, review: r };
}

test('stale reviews keep the human labels and say stale; a machine never replaces them', () => {
  const o = labelsFor(sc(review('stale', ['dog'])), 'human');
  assert.ok('ok' in o);
  assert.deepEqual([o.ok.labels, o.ok.source, o.ok.status, o.ok.stale], [['dog'], 'human', 'stale', true]);
});

test('"auto-accepted" counts as auto: left out of --labels human, included by default', () => {
  const auto = sc({ ...review('accepted', ['cat']), status: 'auto-accepted' });
  assert.ok('skip' in labelsFor(auto, 'human'));
  const o = labelsFor(auto, 'human+auto');
  assert.ok('ok' in o && o.ok.source === 'auto' && o.ok.labels[0] === 'cat');
});

test('pending images take the prediction only with --labels predicted, marked predicted', () => {
  const p = sc(review('pending', []));
  const dflt = labelsFor(p, 'human+auto');
  assert.ok('skip' in dflt && /not reviewed/.test(dflt.skip));
  const o = labelsFor(p, 'predicted');
  assert.ok('ok' in o && o.ok.source === 'predicted' && o.ok.labels[0] === 'cat');
});

test('a stale auto-accept (certificate void) is not exported as a label; --labels predicted takes the new prediction', () => {
  const voided = sc({ ...review('stale', ['dog']), auto: { run_id: 'r1' } as unknown as Review['auto'] });
  const d = labelsFor(voided, 'human+auto');
  assert.ok('skip' in d && /auto-accept voided/.test(d.skip));
  const o = labelsFor(voided, 'predicted');
  assert.ok('ok' in o && o.ok.source === 'predicted' && o.ok.labels[0] === 'cat' && o.ok.stale);
});
