// What both harnesses do around their work: read one JSON request from stdin,
// write the one JSON reply that handle(request) returns to stdout.
'use strict';

module.exports = function answer(handle) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { input += chunk; });
  process.stdin.on('end', () => {
    process.stdout.write(JSON.stringify(handle(JSON.parse(input))));
  });
};
