// Answers the Python interop tests with what the real npm packages do.
// Reads one JSON request from stdin, writes one JSON reply to stdout:
//   {"parse": [header, ...]}                  -> cookie@0.2.4 parse results
//   {"decode": [value, ...]}                  -> tryDecode(value) as cookie@0.2.4 does it
//   {"sliceDecode": [value, ...]}             -> tryDecode(value.slice(1, -1)): 0.2.4's unquoting
//   {"serialize": [[name, value, options]]}   -> cookie@0.2.4 serialize, or {"error": msg}
//   {"serialize11": [[name, value, options]]} -> cookie@1.1.1 serialize, or {"error": msg}
//   {"tokens": n}                             -> n cryptiles.randomString(256) tokens
//   {"checkTokens": [token, ...]}             -> whether each is a valid cryptiles token shape
//   {"protoNames": true}                      -> the names a plain object inherits
// options.expires is milliseconds since the epoch.
'use strict';

const answer = require('./answer');
const cookie024 = require('cookie-0.2.4');
const cookie111 = require('cookie-1.1.1');
const cryptiles = require('cryptiles');

function attempt(fn) {
  try {
    return { ok: fn() };
  } catch (error) {
    return { error: String(error && error.message) };
  }
}

function withDate(options) {
  const copy = Object.assign({}, options);
  if ('expires' in copy) copy.expires = new Date(copy.expires);
  return copy;
}

function tryDecode(value) {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    return value;
  }
}

function isToken(token) {
  if (!/^[A-Za-z0-9_-]{256}$/.test(token)) return false;
  // 256 base64url characters are exactly 192 bytes and survive a round trip.
  const bytes = Buffer.from(token, 'base64');
  return bytes.length === 192 && bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_') === token;
}

answer((request) => {
  const reply = {};
  if (request.parse) {
    // Entries, not the object itself, so that prototype names are visible as absent.
    reply.parse = request.parse.map((header) => Object.entries(cookie024.parse(header)));
  }
  if (request.decode) reply.decode = request.decode.map(tryDecode);
  if (request.sliceDecode) reply.sliceDecode = request.sliceDecode.map((v) => tryDecode(v.slice(1, -1)));
  if (request.serialize) {
    reply.serialize = request.serialize.map(([n, v, o]) => attempt(() => cookie024.serialize(n, v, withDate(o))));
  }
  if (request.serialize11) {
    reply.serialize11 = request.serialize11.map(([n, v, o]) => attempt(() => cookie111.serialize(n, v, withDate(o))));
  }
  if (request.tokens) {
    reply.tokens = Array.from({ length: request.tokens }, () => cryptiles.randomString(256));
  }
  if (request.checkTokens) reply.checkTokens = request.checkTokens.map(isToken);
  if (request.protoNames) reply.protoNames = Object.getOwnPropertyNames(Object.prototype);
  return reply;
});
