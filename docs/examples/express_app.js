// The Express half of a route-by-route move: express-session on connect-redis.
// Its Python twin is express_shared_redis.py; both read and write one Redis and
// one signed connect.sid cookie, so a login on either side holds on both, and
// what one side puts in the session the other reads.
//
//   npm install express@4 express-session@1.19 connect-redis@9 redis@6
//   REDIS_URL=redis://127.0.0.1:6379/0 SESSION_SECRETS=new,old PORT=3000 node express_app.js
'use strict';

const express = require('express');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');

async function main() {
  const client = createClient({ url: process.env.REDIS_URL });
  await client.connect();

  const app = express();
  app.use(session({
    name: 'connect.sid',
    store: new RedisStore({ client, prefix: 'sess:' }),
    // The first signs, all verify; an empty entry (a trailing comma) would sign with no key.
    secret: process.env.SESSION_SECRETS.split(',').filter(Boolean),
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 14 * 24 * 3600 * 1000, sameSite: 'lax' }, // milliseconds, in Express
  }));

  app.get('/whoami', (req, res) => {
    res.json({ side: 'express', user: req.session.user || null, cart: req.session.cart || [] });
  });

  app.post('/cart', express.urlencoded({ extended: false }), (req, res) => {
    req.session.cart = [...(req.session.cart || []), String(req.body.item || '')];
    res.redirect(303, '/whoami');
  });

  app.post('/login', express.urlencoded({ extended: false }), (req, res, next) => {
    // A new session id before the session gains privileges, as in Python.
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = String(req.body.user || '');
      req.session.save((error) => (error ? next(error) : res.redirect(303, '/whoami')));
    });
  });

  app.post('/logout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie('connect.sid', { path: '/' });
      res.redirect(303, '/whoami');
    });
  });

  const server = app.listen(Number(process.env.PORT || 3000), '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
  });
  process.on('SIGTERM', () => server.close(() => client.quit().then(() => process.exit(0))));
}

main().catch((error) => { console.error(error); process.exit(1); });
