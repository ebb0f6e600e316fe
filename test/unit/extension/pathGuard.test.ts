import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { imageIdOf, isInside, isPlainRelativeId, resolveImageId } from '../../../src/extension/panel/pathGuard';

const root = path.resolve('/data/photos');

test('ids inside the folder resolve', () => {
  assert.equal(resolveImageId(root, 'a.jpg'), path.join(root, 'a.jpg'));
  assert.equal(resolveImageId(root, 'sub/dir/b.png'), path.join(root, 'sub', 'dir', 'b.png'));
  assert.equal(resolveImageId(root, '..hidden.jpg'), path.join(root, '..hidden.jpg'));
});

test('ids that escape, are absolute or malformed are refused', () => {
  for (const id of ['../x.jpg', 'sub/../../x.jpg', '/etc/passwd', 'a//b.jpg', './a.jpg', 'a/./b.jpg', '', 'a\0.jpg', '..\\x.jpg', 'sub/..', '.']) {
    assert.equal(resolveImageId(root, id), null, id);
  }
});

test('isInside is lexical and rejects sibling prefixes', () => {
  assert.equal(isInside(root, root), true);
  assert.equal(isInside(root, path.join(root, 'x')), true);
  assert.equal(isInside(root, '/data/photos2/x.jpg'), false);
  assert.equal(isInside(root, '/data/x.jpg'), false);
  assert.equal(isInside(root, path.join(root, '..', 'photos', 'y')), true);
});

test('imageIdOf gives a /-separated id, or null outside', () => {
  assert.equal(imageIdOf(root, path.join(root, 'sub', 'b.png')), 'sub/b.png');
  assert.equal(imageIdOf(root, '/elsewhere/b.png'), null);
  assert.equal(imageIdOf(root, root), null);
});

test('the fast id check passes plain relative ids only, and every one it passes resolves inside the folder', () => {
  const root = path.resolve('/tmp/folder');
  for (const id of ['a.png', 'sub/b.jpg', 'deep/er/c d.png', '..hidden-ish/x.png']) {
    assert.ok(isPlainRelativeId(id), id);
    assert.ok(resolveImageId(root, id), `${id} resolves`);
  }
  for (const id of ['', '/abs.png', '../up.png', 'a/../../b.png', 'a//b.png', './a.png', 'a\\b.png', 'c:x.png', 'a\0b.png', 'a/']) {
    assert.equal(isPlainRelativeId(id), false, JSON.stringify(id));
  }
});
