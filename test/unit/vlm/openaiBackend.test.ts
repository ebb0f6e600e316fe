import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAiBackend, displayEndpoint, normaliseBaseUrl } from '../../../src/classifiers/vlm/openaiBackend';
import { VlmSetupError } from '../../../src/classifiers/vlm/backend';
import { vlmCheckpoint } from '../../../src/classifiers/vlm/vlmClassifier';
import { startServer, type FakeServer, type Reply } from './fakeServer';

const servers: FakeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const REQ = { system: 's', user: 'u', image: { mime: 'image/jpeg', base64: 'AAAA' } };

async function backendFor(replies: Reply[], extra: Record<string, unknown> = {}) {
  const server = await startServer(replies);
  servers.push(server);
  return { server, backend: createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm', clock: { sleep: async () => {} }, ...extra }) };
}

test('base URLs: trailing slashes and a pasted /chat/completions are accepted; bad ones are setup errors', () => {
  assert.equal(displayEndpoint(normaliseBaseUrl('http://localhost:11434/v1/')), 'http://localhost:11434/v1');
  assert.equal(displayEndpoint(normaliseBaseUrl(' https://api.openai.com/v1/chat/completions ')), 'https://api.openai.com/v1');
  assert.equal(displayEndpoint(normaliseBaseUrl('http://127.0.0.1:8080')), 'http://127.0.0.1:8080');
  assert.throws(() => normaliseBaseUrl('localhost:1234'), VlmSetupError);
  assert.throws(() => normaliseBaseUrl('ftp://host/v1'), /http:\/\/ or https:\/\//);
  assert.throws(() => normaliseBaseUrl('not a url'), /not a valid URL/);
  assert.throws(() => normaliseBaseUrl('https://user:pw@host/v1'), (e: Error) => /must not contain a user name or password/.test(e.message) && !e.message.includes('pw'));
  assert.equal(vlmCheckpoint('llava:13b', 'http://localhost:11434/v1'), 'llava:13b @ localhost:11434');
});

test('the request goes to {baseUrl}/chat/completions even when the full path was given', async () => {
  const server = await startServer([{ content: 'x' }]);
  servers.push(server);
  const b = createOpenAiBackend({ baseUrl: `${server.baseUrl}/chat/completions`, model: 'm' });
  assert.equal(((await b.complete(REQ)) as { text: string }).text, 'x');
  assert.equal(server.requests[0].url, '/v1/chat/completions');
  assert.ok(!('response_format' in server.requests[0].body), 'no schema asked, none sent');
});

test('content given as an array of parts is joined; usage is read', async () => {
  const body = { choices: [{ message: { role: 'assistant', content: [{ type: 'text', text: '{"a":' }, { type: 'text', text: '1}' }] } }], usage: { prompt_tokens: 3, completion_tokens: 2 } };
  const { backend } = await backendFor([{ body }]);
  assert.deepEqual(await backend.complete(REQ), { text: '{"a":1}', usage: { promptTokens: 3, completionTokens: 2, totalTokens: undefined } });
});

test('an answer with null content is empty text (the classifier then repairs or fails)', async () => {
  const { backend } = await backendFor([{ body: { choices: [{ message: { role: 'assistant', content: null } }] } }]);
  assert.equal(((await backend.complete(REQ)) as { text: string }).text, '');
});

test('a refusal, a body that is not JSON, and a body without choices are clear errors', async () => {
  const { backend } = await backendFor([
    { body: { choices: [{ message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }] } },
    { body: '<html>It works!</html>' },
    { body: { object: 'list', data: [] } },
  ]);
  await assert.rejects(backend.complete(REQ), /the model refused to answer: "I cannot help with that."/);
  await assert.rejects(backend.complete(REQ), /not JSON; is the base URL an OpenAI-compatible API/);
  await assert.rejects(backend.complete(REQ), /without choices\[0\]\.message/);
});

test('responseFormat false never sends the schema; the support state is reported', async () => {
  const { server, backend } = await backendFor([{ content: '{}' }], { responseFormat: false });
  await backend.complete({ ...REQ, jsonSchema: { type: 'object' } });
  assert.ok(!('response_format' in server.requests[0].body));
  assert.equal(backend.responseFormatSupported, false);
  const ok = await backendFor([{ content: '{}' }]);
  assert.equal(ok.backend.responseFormatSupported, undefined);
  await ok.backend.complete({ ...REQ, jsonSchema: { type: 'object' } });
  assert.equal(ok.backend.responseFormatSupported, true);
  assert.deepEqual(ok.server.requests[0].body.response_format, { type: 'json_schema', json_schema: { name: 'routing_card', schema: { type: 'object' }, strict: true } });
});

test('max_tokens is sent only when set', async () => {
  const { server, backend } = await backendFor([{ content: '{}' }], { maxTokens: 700 });
  await backend.complete(REQ);
  assert.equal(server.requests[0].body.max_tokens, 700);
});
