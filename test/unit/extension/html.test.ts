import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../../src/extension/panel/html';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

test('the CSP allows only the extension resources and the nonce-d script', () => {
  const csp = contentSecurityPolicy(cspSource, 'abc123');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.match(csp, /style-src \S+ 'nonce-abc123'(;|$)/);
  assert.match(csp, new RegExp(`img-src ${cspSource.replace(/[.+]/g, '\\$&')}(;|$)`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('the HTML has one nonce-d external script, no inline script, style or handler', () => {
  const nonce = makeNonce();
  const html = panelHtml({ cspSource, nonce, scriptUri: `${cspSource}/dist/webview.js`, styleUri: `${cspSource}/media/review.css`, title: 'Review: <x>' });
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0].includes(`nonce="${nonce}"`) && scripts[0].includes('src="'));
  assert.match(html, /<script[^>]*><\/script>/, 'the script tag is empty (no inline code)');
  assert.doesNotMatch(html, /\son[a-z]+=/i);
  assert.doesNotMatch(html, /<style|style="/);
  assert.ok(html.includes('Review: &lt;x&gt;'), 'the title is escaped');
  assert.ok(html.includes(`<meta property="csp-nonce" content="${nonce}">`), 'the toolkit finds the nonce');
});

test('nonces are fresh and long enough', () => {
  const a = makeNonce();
  assert.notEqual(a, makeNonce());
  assert.ok(a.length >= 20 && /^[A-Za-z0-9]+$/.test(a));
});
