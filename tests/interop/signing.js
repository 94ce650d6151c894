// Answers the Python signing tests with what the real npm packages do.
// Reads one JSON request from stdin, writes one JSON reply to stdout:
//   {"sign": [[value, secret], ...]}             -> cookie-signature sign
//   {"unsign": [[input, secret], ...]}           -> cookie-signature unsign (string or false)
//   {"keygrip": [{keys, algorithm, sign: [data], index: [[data, digest]]}]}
//                                                 -> Keygrip sign and index
//   {"koaSet": [{keys, name, value}]}            -> the cookies package's Set-Cookie headers
//                                                   for set(name, value, {signed: true})
//   {"koaGet": [{keys, header, name}]}           -> cookies' get(name, {signed: true}) and the
//                                                   Set-Cookie headers it writes meanwhile
//   {"cookieParser": [{secrets, header}]}        -> cookie-parser's req.signedCookies
//   {"expressCookie": [{secret, name, value, options}]}
//                                                 -> Express res.cookie(..., {signed: true})
'use strict';

const answer = require('./answer');
const signature = require('cookie-signature');
const Keygrip = require('keygrip');
const Cookies = require('cookies');
const cookieParser = require('cookie-parser');
const express = require('express');

function fakeExchange(header) {
  const headers = {};
  const req = { headers: header ? { cookie: header } : {}, connection: { encrypted: false } };
  const res = {
    getHeader: (name) => headers[name.toLowerCase()],
    setHeader: (name, value) => { headers[name.toLowerCase()] = value; },
  };
  return { req, res, headers };
}

function expressCookie({ secret, name, value, options }) {
  // The real res.cookie, on a response object with Express's prototype.
  const app = express();
  const res = Object.create(app.response);
  const headers = {};
  res.req = { secret };
  res.getHeader = (n) => headers[n.toLowerCase()];
  res.setHeader = (n, v) => { headers[n.toLowerCase()] = v; };
  res.append = function (field, val) {
    const prev = this.getHeader(field);
    const list = prev === undefined ? [] : [].concat(prev);
    this.setHeader(field, list.concat(val));
    return this;
  };
  res.cookie(name, value, Object.assign({ signed: true }, options || {}));
  return [].concat(headers['set-cookie'] || []);
}

answer((request) => {
  const reply = {};
  if (request.sign) reply.sign = request.sign.map(([v, s]) => signature.sign(v, s));
  if (request.unsign) reply.unsign = request.unsign.map(([v, s]) => signature.unsign(v, s));
  if (request.keygrip) {
    reply.keygrip = request.keygrip.map(({ keys, algorithm, sign, index }) => {
      const grip = Keygrip(keys, algorithm);
      return { sign: (sign || []).map((d) => grip.sign(d)),
               index: (index || []).map(([d, g]) => grip.index(d, g)) };
    });
  }
  if (request.koaSet) {
    reply.koaSet = request.koaSet.map(({ keys, name, value }) => {
      const { req, res, headers } = fakeExchange('');
      new Cookies(req, res, { keys }).set(name, value, { signed: true });
      return [].concat(headers['set-cookie'] || []);
    });
  }
  if (request.koaGet) {
    reply.koaGet = request.koaGet.map(({ keys, header, name }) => {
      const { req, res, headers } = fakeExchange(header);
      const value = new Cookies(req, res, { keys }).get(name, { signed: true });
      return { value: value === undefined ? null : value,
               setCookie: [].concat(headers['set-cookie'] || []) };
    });
  }
  if (request.cookieParser) {
    reply.cookieParser = request.cookieParser.map(({ secrets, header }) => {
      const req = { headers: { cookie: header } };
      let out = null;
      cookieParser(secrets)(req, {}, () => { out = Object.assign({}, req.signedCookies); });
      return out;
    });
  }
  if (request.expressCookie) reply.expressCookie = request.expressCookie.map(expressCookie);
  return reply;
});
