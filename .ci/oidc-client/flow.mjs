// Drives Sigil's OpenID Connect provider with openid-client, the relying-party library certified
// by the OpenID Foundation (API.md part three §1). Run by .ci/oidc-client.sh against a running
// server; the "browser" is plain fetch with a small cookie jar, redirects followed by hand.
//
// For each client (a confidential one with client_secret_basic, a public one with `none`, the
// confidential one again with client_secret_post and its consent remembered):
// discovery; an authorization URL with PKCE S256, state, nonce and
// `openid profile email offline_access`, sent to a loopback redirect URI on a random port
// (RFC 8252 §7.3, registered without a port); sign-in through /login and consent through the
// consent page; the code grant (id_token, nonce and RFC 9207 `iss` checked by the library);
// userinfo; a refresh; the claims; and a second use of the code, which must be `invalid_grant`
// and revoke what the code gave (RFC 6749 §4.1.2).
//
// Environment: SIGIL_ISSUER, SIGIL_USERNAME, SIGIL_PASSWORD, SIGIL_EMAIL,
// SIGIL_CONFIDENTIAL_ID, SIGIL_CONFIDENTIAL_SECRET, SIGIL_PUBLIC_ID.
// Exit 0 with one summary line, else 1 with what failed.

import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as client from 'openid-client';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Failure(`${name} is not set`);
  return value;
};

class Failure extends Error {}

const check = (condition, message) => {
  if (!condition) throw new Failure(message);
};

// ---- the browser: fetch, a cookie jar, manual redirects --------------------------------------

class Browser {
  constructor(origin) {
    this.origin = origin;
    this.cookies = new Map();
    this.seen = []; // what each step was, for the failure message
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const gone = attributes.some((a) => /^\s*max-age\s*=\s*(0|-)/i.test(a)) ||
        attributes.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now());
      if (gone || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url, { method = 'GET', form } = {}) {
    const target = new URL(url, this.origin);
    check(target.origin === this.origin, `the browser was sent off the provider to ${target}`);
    const headers = { cookie: this.cookieHeader(), accept: 'text/html' };
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = this.origin;
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(target, { method, headers, body, redirect: 'manual' });
    this.remember(response);
    this.seen.push(`${method} ${target.pathname} -> ${response.status}`);
    return response;
  }
}

const decode = (s) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, e) => {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()];
    if (named) return named;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

const attribute = (tag, name) => {
  const m = tag.match(new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i'));
  return m ? decode(m[1]) : undefined;
};

// The <form> whose action matches, with its hidden inputs.
const findForm = (html, actionTest) => {
  for (const m of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)) {
    const open = m[0].slice(0, m[0].indexOf('>') + 1);
    const action = attribute(open, 'action');
    if (action === undefined || !actionTest(action)) continue;
    const fields = {};
    for (const input of m[1].matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name && attribute(input[0], 'type') === 'hidden') fields[name] = attribute(input[0], 'value') ?? '';
    }
    return { action, fields, inner: m[1] };
  }
  return undefined;
};

// Plays the user from the authorization URL to the redirect to the client; returns that URL.
// Pages met: the continue page (meta refresh), /login, the consent page.
async function authorize(browser, authorizationUrl, callbackPrefix, user) {
  let response = await browser.request(authorizationUrl.href);
  const pages = [];
  for (let step = 0; step < 12; step++) {
    if ([301, 302, 303, 307, 308].includes(response.status)) {
      const location = response.headers.get('location');
      check(location, `a ${response.status} without Location`);
      if (location.startsWith(callbackPrefix)) {
        check(response.status === 303, `the redirect to the client is ${response.status}, not 303 (RFC 9700 §4.12)`);
        return { location, pages };
      }
      response = await browser.request(location);
      continue;
    }
    const html = await response.text();
    check(response.status === 200, `${response.status} from ${browser.seen.at(-1)}: ${html.slice(0, 400)}`);
    const refresh = html.match(/<meta\s+http-equiv="refresh"\s+content="([^"]*)"/i);
    if (refresh) {
      const url = decode(refresh[1]).match(/url=(.*)$/i);
      check(url, `a meta refresh without url: ${refresh[1]}`);
      pages.push('continue');
      response = await browser.request(url[1].trim());
      continue;
    }
    const login = findForm(html, (a) => a === '/login');
    if (login && /name="password"/.test(login.inner)) {
      check(login.fields.csrf_token, 'the sign-in form has no csrf_token');
      check(login.fields.next?.startsWith('/oauth/authorize/'), `the sign-in form's next is ${login.fields.next}`);
      pages.push('login');
      response = await browser.request('/login', {
        method: 'POST',
        form: { ...login.fields, username: user.username, password: user.password },
      });
      continue;
    }
    const consent = findForm(html, (a) => a.startsWith('/oauth/authorize/'));
    if (consent && /name="decision"/.test(consent.inner)) {
      check(consent.fields.csrf_token, 'the consent form has no csrf_token');
      pages.push('consent');
      response = await browser.request(consent.action, {
        method: 'POST',
        form: { csrf_token: consent.fields.csrf_token, decision: 'allow' },
      });
      continue;
    }
    throw new Failure(`an unexpected page after ${browser.seen.at(-1)}: ${html.replace(/\s+/g, ' ').slice(0, 600)}`);
  }
  throw new Failure(`no redirect to the client after ${browser.seen.join(', ')}`);
}

// A loopback "app": a port of its own, which the browser's last redirect reaches (RFC 8252 §7.3).
async function loopback() {
  let resolveHit;
  const hit = new Promise((r) => (resolveHit = r));
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('You can close this window.');
    resolveHit(req.url);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, hit, close: () => server.close() };
}

// What the server answered, when the library gives up on a response it finds malformed.
const responseOf = async (err) => {
  const r = err?.cause instanceof Response ? err.cause : err?.response instanceof Response ? err.response : undefined;
  if (!r) return '';
  const body = r.bodyUsed ? '(body read)' : (await r.text().catch(() => '')).slice(0, 400);
  return ` [HTTP ${r.status}, Content-Type ${r.headers.get('content-type')}: ${body}]`;
};

const expectError = async (promise, code, what) => {
  try {
    await promise;
  } catch (err) {
    // An OAuth error body (ResponseBodyError), or a WWW-Authenticate challenge (userinfo).
    const challenge = Array.isArray(err?.cause) ? err.cause.find((c) => c?.parameters?.error) : undefined;
    const got = err?.error ?? challenge?.parameters?.error ?? err?.cause?.error;
    check(got === code, `${what}: expected ${code}, got ${got ?? err}${await responseOf(err)}`);
    return;
  }
  throw new Failure(`${what}: expected ${code}, the request succeeded`);
};

// ---- one client's flow -----------------------------------------------------------------------

async function flow(issuer, label, clientId, auth, secret, user, expectedPages) {
  const t0 = Date.now();
  const config = await client.discovery(new URL(issuer), clientId, secret, auth, {
    execute: [client.allowInsecureRequests],
  });
  const meta = config.serverMetadata();
  check(meta.issuer === issuer, `discovery: issuer ${meta.issuer}, expected ${issuer}`);
  check(meta.authorization_response_iss_parameter_supported === true,
    'discovery: authorization_response_iss_parameter_supported is not true');
  check(meta.code_challenge_methods_supported?.includes('S256'), 'discovery: S256 is not listed');

  const app = await loopback();
  try {
    const redirectUri = `http://127.0.0.1:${app.port}/callback`;
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    const browser = new Browser(new URL(issuer).origin);
    const { location, pages } = await authorize(browser, authorizationUrl, redirectUri, user);
    check(pages.join('>') === expectedPages, `${label}: the browser met ${pages.join('>')}, expected ${expectedPages}`);
    // The browser lands on the app, which reads the URL it was called with.
    const landed = await fetch(location);
    check(landed.ok, `the loopback app answered ${landed.status}`);
    const callback = new URL(await app.hit, redirectUri);
    check(callback.searchParams.get('iss') === issuer, `the redirect's iss is ${callback.searchParams.get('iss')}`);

    // The library checks state, iss (RFC 9207), the id_token (signature, iss, aud, exp, iat,
    // nonce, at_hash when present) and the PKCE verifier travels with the code.
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    check(tokens.token_type?.toLowerCase() === 'bearer', `token_type ${tokens.token_type}`);
    check(tokens.refresh_token, 'no refresh_token with offline_access');
    const granted = (tokens.scope ?? '').split(' ');
    for (const s of ['openid', 'profile', 'email', 'offline_access']) {
      check(granted.includes(s), `scope ${s} was not granted (scope: ${tokens.scope})`);
    }
    const claims = tokens.claims();
    check(typeof claims.sub === 'string' && /^[0-9]+$/.test(claims.sub), `id_token sub ${claims.sub}`);
    check(claims.aud === clientId || (Array.isArray(claims.aud) && claims.aud.includes(clientId)), `id_token aud ${claims.aud}`);
    check(claims.nonce === nonce, 'id_token nonce');
    check(typeof claims.auth_time === 'number', 'id_token without auth_time');
    check(claims.preferred_username === user.username, `id_token preferred_username ${claims.preferred_username}`);
    check(claims.email === user.email, `id_token email ${claims.email}`);

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    check(info.sub === claims.sub, `userinfo sub ${info.sub}`);
    check(info.preferred_username === user.username, `userinfo preferred_username ${info.preferred_username}`);
    check(info.email === user.email, `userinfo email ${info.email}`);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    check(refreshed.access_token && refreshed.access_token !== tokens.access_token, 'refresh: no new access token');
    check(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, 'refresh: the refresh token did not rotate');
    const again = refreshed.claims();
    check(again, 'refresh: no id_token although the scope has openid');
    check(again.sub === claims.sub, `refresh: id_token sub ${again.sub}`);
    check(again.auth_time === claims.auth_time, 'refresh: auth_time changed');
    check(again.nonce === undefined, 'refresh: the new id_token carries a nonce');
    const info2 = await client.fetchUserInfo(config, refreshed.access_token, claims.sub);
    check(info2.preferred_username === user.username, 'userinfo after refresh');

    // The same code again: invalid_grant, and what it gave is revoked (RFC 6749 §4.1.2).
    await expectError(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }),
      'invalid_grant', `${label}: second use of the code`);
    await expectError(client.refreshTokenGrant(config, refreshed.refresh_token), 'invalid_grant',
      `${label}: refresh after the code was replayed`);
    await expectError(client.fetchUserInfo(config, refreshed.access_token, claims.sub), 'invalid_token',
      `${label}: userinfo after the code was replayed`);

    return `${label} ok (${pages.join('>')}, sub ${claims.sub}, ${Date.now() - t0} ms)`;
  } finally {
    app.close();
  }
}

const causeOf = (err) => {
  const c = err?.cause;
  if (!c || c instanceof Response) return undefined;
  if (c instanceof Error) return [c.code, c.message].filter(Boolean).join(' ');
  return JSON.stringify(c);
};

// ---- main ------------------------------------------------------------------------------------

try {
  const issuer = env('SIGIL_ISSUER');
  const user = { username: env('SIGIL_USERNAME'), password: env('SIGIL_PASSWORD'), email: env('SIGIL_EMAIL') };
  const confidentialSecret = env('SIGIL_CONFIDENTIAL_SECRET');
  const results = [];
  // Each flow starts from a browser without cookies: the continue page, then the sign-in.
  results.push(await flow(issuer, 'confidential (client_secret_basic)', env('SIGIL_CONFIDENTIAL_ID'),
    client.ClientSecretBasic(confidentialSecret), confidentialSecret, user, 'continue>login>consent'));
  results.push(await flow(issuer, 'public (none)', env('SIGIL_PUBLIC_ID'), client.None(), undefined, user,
    'continue>login>consent'));
  // The confidential client again, with the other secret method: the consent is remembered
  // (replaying a code revokes its tokens, not the consent), so no consent page.
  results.push(await flow(issuer, 'confidential again (client_secret_post)', env('SIGIL_CONFIDENTIAL_ID'),
    client.ClientSecretPost(confidentialSecret), confidentialSecret, user, 'continue>login'));
  const { version } = JSON.parse(readFileSync(new URL('./node_modules/openid-client/package.json', import.meta.url)));
  console.log(`openid-client ${version} against ${issuer}: ${results.join('; ')}`);
} catch (err) {
  const response = await responseOf(err);
  const detail = err instanceof Failure ? err.message
    : [err?.name, err?.code, err?.error, err?.error_description, err?.message, causeOf(err)]
      .filter(Boolean).join(' | ') + response;
  console.error(`openid-client flow FAILED: ${detail}`);
  if (!(err instanceof Failure) && err?.stack) console.error(err.stack.split('\n').slice(0, 6).join('\n'));
  process.exit(1);
}
