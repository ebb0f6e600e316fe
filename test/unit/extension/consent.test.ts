// The consent decision before images go to a VLM: loopback needs none; a remote endpoint is asked
// about once per origin when the user says "Always"; declining remembers nothing. (That declining
// sends nothing through the real command is checked end to end in test/e2e/vlm.e2e.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bothDestinations,
  CONSENT_KEY,
  decideConsent,
  endpointDestination,
  isLoopbackUrl,
  lmDestination,
  type AskConsent,
  type ConsentQuestion,
  type ConsentStore,
} from '../../../src/extension/consent';

/** A Memento: what `update` stored is what `get` returns. */
function memento(initial: Record<string, unknown> = {}): ConsentStore & { data: Record<string, unknown>; updates: number } {
  const data = { ...initial };
  return {
    data,
    updates: 0,
    get<T>(key: string, dflt: T): T {
      return (key in data ? data[key] : dflt) as T;
    },
    async update(key: string, value: unknown) {
      this.updates++;
      data[key] = value;
    },
  };
}

/** Answers with `choose(question)` and records every question. */
function asker(choose: (q: ConsentQuestion) => string | undefined): AskConsent & { asked: ConsentQuestion[] } {
  const asked: ConsentQuestion[] = [];
  const fn = async (q: ConsentQuestion) => (asked.push(q), choose(q));
  return Object.assign(fn, { asked });
}

const dest = (url: string) => {
  const d = endpointDestination(url);
  assert.ok(d, url);
  return d;
};

test('loopback endpoints need no consent; look-alike host names do', () => {
  for (const u of ['http://localhost:11434/v1', 'http://127.0.0.1:8080/v1', 'http://127.1.2.3/v1', 'http://[::1]:1234/v1', 'https://LOCALHOST/v1']) {
    assert.equal(isLoopbackUrl(u), true, u);
    assert.equal(dest(u).local, true, u);
  }
  for (const u of ['https://api.openai.com/v1', 'http://192.0.2.2:8000/v1', 'http://127.0.0.1.example.com/v1', 'http://localhost.example.com/v1', 'http://0.0.0.0:8000/v1', 'not a url']) {
    assert.equal(isLoopbackUrl(u), false, u);
  }
  assert.equal(endpointDestination('not a url'), undefined);
  assert.equal(endpointDestination('file:///etc/passwd'), undefined);
});

test('loopback: decided without asking and without storing', async () => {
  const store = memento();
  const ask = asker(() => undefined);
  assert.equal(await decideConsent(store, dest('http://127.0.0.1:9/v1'), 'photos', 3, ask), true);
  assert.equal(ask.asked.length, 0);
  assert.equal(store.updates, 0);
});

test('remote: the question names the endpoint, the folder and the count; declining is false and remembers nothing', async () => {
  const store = memento();
  const ask = asker(() => undefined); // dismissed (Escape / Cancel)
  const d = dest('https://vlm.example.com:8443/v1/');
  assert.equal(await decideConsent(store, d, 'photos', 12, ask), false);
  assert.equal(ask.asked.length, 1);
  const q = ask.asked[0];
  assert.match(q.message, /Send 12 images from "photos" to https:\/\/vlm\.example\.com:8443\?/);
  assert.match(q.detail, /uploads every image to https:\/\/vlm\.example\.com:8443\/v1/);
  assert.equal(q.always, 'Always send to vlm.example.com:8443');
  assert.equal(store.updates, 0);
  // Asked again next time.
  assert.equal(await decideConsent(store, d, 'photos', 1, ask), false);
  assert.equal(ask.asked.length, 2);
  assert.match(ask.asked[1].message, /Send 1 image from/);
});

test('remote: "Send images" agrees for this run only', async () => {
  const store = memento();
  const ask = asker((q) => q.once);
  const d = dest('https://api.openai.com/v1');
  assert.equal(await decideConsent(store, d, 'a', 2, ask), true);
  assert.equal(await decideConsent(store, d, 'a', 2, ask), true);
  assert.equal(ask.asked.length, 2, 'asked each time');
  assert.equal(store.updates, 0);
});

test('remote: "Always" is remembered per origin (scheme, host and port), not for other endpoints', async () => {
  const store = memento();
  const ask = asker((q) => q.always);
  assert.equal(await decideConsent(store, dest('https://api.openai.com/v1'), 'a', 2, ask), true);
  assert.deepEqual(store.data[CONSENT_KEY], ['https://api.openai.com']);
  const never = asker(() => undefined);
  // Same origin, another path: not asked again.
  assert.equal(await decideConsent(store, dest('https://api.openai.com/other/v1'), 'b', 5, never), true);
  assert.equal(never.asked.length, 0);
  // Another port, scheme or host: asked (and declined here).
  for (const u of ['https://api.openai.com:444/v1', 'http://api.openai.com/v1', 'https://evil.example/v1']) {
    assert.equal(await decideConsent(store, dest(u), 'b', 5, never), false, u);
  }
  assert.equal(never.asked.length, 3);
  assert.deepEqual(store.data[CONSENT_KEY], ['https://api.openai.com']);
});

test('a corrupt stored list is treated as no consent', async () => {
  const store = memento({ [CONSENT_KEY]: 'https://api.openai.com' });
  const ask = asker(() => undefined);
  assert.equal(await decideConsent(store, dest('https://api.openai.com/v1'), 'a', 1, ask), false);
  assert.equal(ask.asked.length, 1);
});

test('a Language Model API model is asked about by name and remembered per model', async () => {
  const store = memento();
  const d = lmDestination({ id: 'gpt-4o', name: 'GPT-4o', vendor: 'copilot' });
  assert.equal(d.local, false);
  const ask = asker((q) => q.always);
  assert.equal(await decideConsent(store, d, 'photos', 4, ask), true);
  assert.match(ask.asked[0].message, /to GPT-4o \(copilot\)\?/);
  assert.match(ask.asked[0].detail, /VS Code Language Model API/);
  assert.deepEqual(store.data[CONSENT_KEY], ['vscode-lm:copilot/gpt-4o']);
  const never = asker(() => undefined);
  assert.equal(await decideConsent(store, d, 'photos', 4, never), true);
  assert.equal(await decideConsent(store, lmDestination({ id: 'claude', name: 'Claude', vendor: 'copilot' }), 'photos', 4, never), false);
});

test('the cascade asks with the number of uncertain images it will send, and says why in the detail', async () => {
  const store = memento();
  const ask = asker((q) => q.once);
  const why = 'Zero-shot was unsure of these 1 of 6 images (rule fits_any=false); only they go to the VLM.';
  assert.equal(await decideConsent(store, dest('https://api.openai.com/v1'), 'photos', 1, ask, why), true);
  assert.equal(ask.asked[0].message, 'Send 1 image from "photos" to https://api.openai.com?');
  assert.ok(ask.asked[0].detail.startsWith(why), ask.asked[0].detail);
  assert.match(ask.asked[0].detail, /uploads every image to https:\/\/api\.openai\.com\/v1/);
});

test('cascade with an encoder server elsewhere: the question names both the VLM endpoint and the encoder server', () => {
  const vlm = endpointDestination('https://vlm.example.com/v1')!;
  const encLocal = { ...endpointDestination('http://127.0.0.1:8000')!, key: 'encoder:local' };
  const encFar = { ...endpointDestination('http://triton.internal:8000')!, key: 'encoder:far', detail: 'Pixels go to the encoder server.' };
  assert.equal(bothDestinations(vlm, undefined), vlm);
  assert.equal(bothDestinations(vlm, encLocal), vlm, 'an encoder on this machine adds nothing to ask');
  const both = bothDestinations(vlm, encFar);
  assert.equal(both.local, false);
  assert.match(both.name, /vlm\.example\.com.* and .*triton\.internal:8000/);
  assert.match(both.detail, /Pixels go to the encoder server\./);
  assert.notEqual(both.key, vlm.key, 'agreeing to the VLM alone does not cover the encoder server');
  assert.equal(bothDestinations(endpointDestination('http://localhost:11434/v1')!, encFar), encFar, 'a local VLM: only the encoder server is asked about');
});
