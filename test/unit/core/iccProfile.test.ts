// Telling sRGB profiles from others, on profiles embedded in real photos, and never throwing on junk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { iccDescription, iccIsSrgb } from '../../../src/core/iccProfile';
import { HYMENOPTERA } from '../../support/fixtures';

const profileOf = async (rel: string) => (await sharp(await fs.readFile(path.join(HYMENOPTERA, rel))).metadata()).icc!;

test('real embedded profiles are read by their description', async () => {
  const cases: [string, string, boolean][] = [
    ['train/ants/1030023514_aad5c608f9.jpg', 'sRGB IEC61966-2.1', true],
    ['train/bees/2330918208_8074770c20.jpg', 'sRGB v1.31 (Canon)', true],
    ['train/ants/1225872729_6f0856588f.jpg', 'Adobe RGB (1998)', false],
    ['train/bees/2728759455_ce9bb8cd7a.jpg', 'ProPhoto RGB', false],
  ];
  for (const [file, desc, srgb] of cases) {
    const icc = await profileOf(file);
    assert.equal(iccDescription(icc), desc, file);
    assert.equal(iccIsSrgb(icc), srgb, file);
  }
});

test('truncated or garbage profiles give no description and do not throw', async () => {
  const icc = await profileOf('train/ants/1030023514_aad5c608f9.jpg');
  for (const bad of [icc.subarray(0, 100), icc.subarray(0, 140), Buffer.alloc(200, 0xff), Buffer.alloc(0)]) {
    assert.equal(iccDescription(bad), undefined);
    assert.equal(iccIsSrgb(bad), false);
  }
});
