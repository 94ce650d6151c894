// Generates cookie-0.2.4.json: what npm cookie@0.2.4 returns for a seeded set of
// inputs, so the Python tests can compare against the real thing without node.
//
//   npm install --prefix "$TMP" cookie@0.2.4
//   NODE_PATH="$TMP/node_modules" node tests/vectors/make_cookie_vectors.js > tests/vectors/cookie-0.2.4.json
//
// Inputs that hit a documented deviation of the port (a name JavaScript drops,
// a value opening a double quote it never closes) are left out here and tested
// on their own in tests/test_codec.py.
'use strict';

const cookie = require('cookie');
if (require('cookie/package.json').version !== '0.2.4') {
  throw new Error('expected cookie@0.2.4, got ' + require('cookie/package.json').version);
}

// mulberry32: a small seeded PRNG, so the fixture is reproducible.
let seed = 0x2f6b1c3d;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (n) => Math.floor(random() * n);

const PARSE_ATOMS = [
  'a', 'b', 'c', 'foo', 'bar', 'sid', '_ga', 'x', '1', '', ' ', '  ', '\t', '=', '==',
  ';', '; ', ';;', '"', '""', '%', '%2', '%20', '%3B', '%3D', '%E2%82%AC', '%e2%82%ac',
  '%E2%82', '%C3%A9', '%C3', '%FF', '%C0%AF', '%ED%A0%80', '%F0%9F%98%80', '%zz', '%%',
  '+', '\\', '\\"', ',', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u0085', '\u001c',
  '\u001f', '\v', '\f', '\r', '\n', '\u00e9', '\u20ac', '\ud83d\ude00', '{"k":1}', '[1,2]',
  'a b', '%7B%22k%22%3A1%7D', 'déjà', '%25', '%2525', '\u2028', '\u205f', '\u180e',
];

const PROTO = Object.getOwnPropertyNames(Object.prototype);

function trim(s) { return s.trim(); }

function deviates(str) {
  for (const pair of str.split(/; */)) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = trim(pair.substr(0, eq));
    const val = trim(pair.substr(eq + 1));
    if (PROTO.includes(key)) return true;
    if (val[0] === '"' && (val.length < 2 || val[val.length - 1] !== '"')) return true;
  }
  return false;
}

const HAND_PARSE = [
  '', ' ', ';', '=', 'a', 'a=', '=b', 'a=b', 'a = b ', ' a=b;c=d', 'a=b;;c=d', 'a=b; a=c',
  'a="b"', 'a=" b "', 'a=""', 'a=b=c', 'a=%20', 'a=%', 'a=%2', 'a=%zz1', 'a=%E2%82%AC',
  'a=%E2%82', 'a=%C0%AF', 'a=%ED%A0%80', 'a=%F4%90%80%80', 'a=1+2', 'a=\u00a0b\u00a0',
  'a=\u0085b\u0085', 'a=\u001cb\u001f', '\ufeffa=b', 'a=\tb\t', 'a=b\u3000', 'foo=bar; equation=E%3Dmc%5E2',
  'a=%22x%22', 'a=\\"x\\"', 'a=x%20;b=y%3B', 'x=1; X=2', 'a=b ;c=d', 'a=b ; c=d',
];

const parseCases = [];
for (const input of HAND_PARSE) {
  if (!deviates(input)) parseCases.push(input);
}
while (parseCases.length < 3000) {
  let s = '';
  const parts = 1 + int(6);
  for (let i = 0; i < parts; i++) {
    if (i) s += pick([';', '; ', ';  ', ' ;', ';\t']);
    const n = 1 + int(3);
    for (let j = 0; j < n; j++) s += pick(PARSE_ATOMS);
    if (random() < 0.8) s += '=';
    const m = int(4);
    for (let j = 0; j < m; j++) s += pick(PARSE_ATOMS);
  }
  if (!deviates(s)) parseCases.push(s);
}

const parse = parseCases.map((input) => ({ input, output: cookie.parse(input) }));

const TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const VALUE_ATOMS = [
  'a', 'Z', '0', ' ', '!', '"', '#', '$', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.',
  '/', ':', ';', '<', '=', '>', '?', '@', '[', '\\', ']', '^', '_', '`', '{', '|', '}', '~',
  '\t', '\n', '\r', '\u0000', '\u007f', '\u0080', '\u00a0', '\u00e9', '\u00ff', '\u0100',
  '\u20ac', '\u2028', '\ufeff', '\uffff', '\ud83d\ude00', 'abc', '%20', '{"k":[1,2]}',
];
const DOMAINS = ['example.com', '.example.com', 'a.b-c.d', 'localhost', '127.0.0.1', 'EXAMPLE.org'];
const PATHS = ['/', '/a', '/a/b c', '/x?y=z', "/~!$&'()*+,:=@", '/%20'];

const serialize = [];
while (serialize.length < 1500) {
  let name = '';
  const nameLength = 1 + int(8);
  for (let i = 0; i < nameLength; i++) name += pick(TCHAR.split(''));
  if (/^__(secure|host)-/i.test(name)) continue;
  let value = '';
  const valueLength = int(8);
  for (let i = 0; i < valueLength; i++) value += pick(VALUE_ATOMS);
  const options = {};
  if (random() < 0.3) options.maxAge = pick([0, 1, -1, 60, 3600.9, -0.5, 1e9, 2147483648.5, 123.456]);
  if (random() < 0.3) options.domain = pick(DOMAINS);
  if (random() < 0.3) options.path = pick(PATHS);
  if (random() < 0.3) options.expires = pick([0, -1500, 1, 999, 1e12, 1700000000999, 253402300799000, -62135596800000]);
  if (random() < 0.3) options.httpOnly = random() < 0.5;
  if (random() < 0.3) options.secure = random() < 0.5;
  const jsOptions = Object.assign({}, options);
  if ('expires' in jsOptions) jsOptions.expires = new Date(jsOptions.expires);
  serialize.push({ name, value, options, output: cookie.serialize(name, value, jsOptions) });
}

process.stdout.write(JSON.stringify({
  generator: 'tests/vectors/make_cookie_vectors.js',
  package: 'cookie@0.2.4',
  node: process.version,
  note: 'options.expires is milliseconds since the epoch, as for new Date(ms)',
  parse,
  serialize,
}, null, 1) + '\n');
