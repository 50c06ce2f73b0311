// oidc-provider, the OpenID provider certified by the OpenID Foundation, as the outside provider
// of Sigil's federation tests (API.md part three §2). Started once per test process by
// tests/api/helpers/upstream.rs:
//
// - listens on 127.0.0.1, a free port, and prints one line `{"issuer":"http://127.0.0.1:PORT"}`
//   on stdout when ready; exits when its standard input closes (the test process ended);
// - the code flow only, PKCE S256 required, RFC 9207 `iss` in the authorization response,
//   `email`, `email_verified`, `preferred_username` and `auth_time` in the id_token;
// - no forms: the interaction signs in the account registered for the client and grants consent
//   at once, so a plain HTTP client following redirects completes the flow (a new sign-in each
//   time the provider asks for one, e.g. prompt=login, so auth_time is fresh);
// - control endpoints, loopback only:
//     POST /__test/clients  {client_id, client_secret, redirect_uris, token_endpoint_auth_method?,
//                            account: {sub, email?, email_verified?, preferred_username?}}
//     POST /__test/cancel   {client_id, cancel: true|false}: the client's next sign-ins end with
//                            error=access_denied (the user pressed "Cancel").

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

// client_id -> { metadata, account, cancel }
const clients = new Map();
// sub -> claims
const accounts = new Map();

// An in-memory adapter whose `Client` model reads the clients registered above, so clients
// come and go without restarting the provider.
const stores = new Map();
class Adapter {
  constructor(name) {
    this.name = name;
    if (!stores.has(name)) stores.set(name, new Map());
    this.store = stores.get(name);
  }

  async upsert(id, payload, expiresIn) {
    const expires = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    this.store.set(id, { payload: { ...payload }, expires });
  }

  async find(id) {
    if (this.name === 'Client') return clients.get(id)?.metadata;
    const entry = this.store.get(id);
    if (!entry) return undefined;
    if (entry.expires < Date.now()) {
      this.store.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  async findByUserCode(userCode) {
    return this.findBy((payload) => payload.userCode === userCode);
  }

  async findByUid(uid) {
    return this.findBy((payload) => payload.uid === uid);
  }

  async findBy(test) {
    for (const [id, entry] of this.store) {
      if (test(entry.payload)) return this.find(id);
    }
    return undefined;
  }

  async consume(id) {
    const entry = this.store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    this.store.delete(id);
  }

  async revokeByGrantId(grantId) {
    for (const [id, entry] of this.store) {
      if (entry.payload.grantId === grantId) this.store.delete(id);
    }
  }
}

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'upstream-rs256', use: 'sig', alg: 'RS256' };

const configuration = {
  adapter: Adapter,
  clients: [],
  jwks: { keys: [signingKey] },
  cookies: {
    keys: [crypto.randomBytes(32).toString('hex')],
    // Sigil's test app is on 127.0.0.1 too, and cookies do not tell ports apart.
    names: {
      session: 'upstream_session',
      interaction: 'upstream_interaction',
      resume: 'upstream_interaction_resume',
    },
  },
  responseTypes: ['code'],
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
  },
  // The scopes' claims in the id_token as well as at userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    revocation: { enabled: true },
  },
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  async findAccount(ctx, sub) {
    const claims = accounts.get(sub);
    if (!claims) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { ...claims, sub };
      },
    };
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
};

const readJson = async (req) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
};

const loopback = (ctx) => ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(ctx.req.socket.remoteAddress);

const register = (body) => {
  const { client_id, client_secret, redirect_uris, token_endpoint_auth_method, account } = body;
  if (!client_id || !client_secret || !Array.isArray(redirect_uris) || !account?.sub) {
    return [400, { error: 'client_id, client_secret, redirect_uris and account.sub are required' }];
  }
  const { sub, ...claims } = account;
  accounts.set(sub, claims);
  clients.set(client_id, {
    account: sub,
    cancel: false,
    metadata: {
      client_id,
      client_secret,
      redirect_uris,
      token_endpoint_auth_method: token_endpoint_auth_method ?? 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      require_auth_time: true,
    },
  });
  return [201, { client_id }];
};

// The forms a person would fill in, filled in at once.
async function interaction(provider, ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params } = details;
  const client = clients.get(params.client_id);
  let result;
  if (!client) {
    result = { error: 'unauthorized_client', error_description: 'unknown client' };
  } else if (client.cancel) {
    result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
  } else if (prompt.name === 'login') {
    result = { login: { accountId: client.account } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (details.prompt.details.missingOIDCScope) {
      grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
    }
    if (details.prompt.details.missingOIDCClaims) {
      grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    }
    result = { consent: { grantId: await grant.save() } };
  }
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
  ctx.status = 303;
  ctx.redirect(to);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (ctx, error) => console.error('oidc-provider server_error', error));
  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/__test/')) {
      if (!loopback(ctx)) {
        ctx.status = 403;
        return;
      }
      const body = ctx.method === 'POST' ? await readJson(ctx.req) : {};
      if (ctx.method === 'POST' && ctx.path === '/__test/clients') {
        const [status, answer] = register(body);
        ctx.status = status;
        ctx.body = answer;
      } else if (ctx.method === 'POST' && ctx.path === '/__test/cancel') {
        const client = clients.get(body.client_id);
        if (!client) {
          ctx.status = 404;
          ctx.body = { error: 'unknown client' };
          return;
        }
        client.cancel = body.cancel !== false;
        ctx.status = 204;
      } else {
        ctx.status = 404;
      }
      return;
    }
    if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
      await interaction(provider, ctx);
      return;
    }
    await next();
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

// Never outlive the test process: it holds our standard input open until it ends.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
