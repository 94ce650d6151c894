// Answers the Python record tests with what Node, express-session 1.19 and
// connect-redis 9 do with a session record. Reads one JSON request from stdin,
// writes one JSON reply to stdout:
//   {"json": [text, ...]}  -> JSON.stringify(JSON.parse(text)), or {"error": message}
//   {"save": [text, ...]}  -> what saving the session that record loads into does:
//                             express-session's createSession and touch, then
//                             connect-redis's getTTL; {"record", "ttl"}, {"destroyed"},
//                             or {"error"} where one of them throws
//   {"dates": [value, ...]} -> Number(new Date(value)), null for NaN
//   {"iso": [ms, ...]}      -> new Date(ms).toISOString(), null for an Invalid Date
'use strict';

const answer = require('./answer');
const { RedisStore } = require('connect-redis');

const store = new RedisStore({ client: {}, prefix: 'sess:' }); // getTTL needs no server

function json(text) {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (e) {
    return { error: e.message };
  }
}

function save(text) {
  try {
    const sess = store.createSession({ sessionID: 'sid', sessionStore: store }, JSON.parse(text));
    sess.touch();
    const ttl = store.getTTL(sess);
    if (!(ttl > 0)) return { destroyed: true };
    return { record: JSON.stringify(sess), ttl };
  } catch (e) {
    return { error: `${e.constructor.name}: ${e.message}` };
  }
}

function date(value) {
  const ms = Number(new Date(value));
  return Number.isNaN(ms) ? null : ms;
}

function iso(ms) {
  const moment = new Date(ms);
  return Number.isNaN(moment.valueOf()) ? null : moment.toISOString();
}

answer((request) => ({
  json: (request.json || []).map(json),
  save: (request.save || []).map(save),
  dates: (request.dates || []).map(date),
  iso: (request.iso || []).map(iso),
}));
