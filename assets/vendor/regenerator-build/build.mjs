// Bundles entry.js into one minified script that sets window.regeneratorRuntime (esbuild, an
// IIFE, the licence comment kept). The app compresses it as it does every static file
// (extensions.CompressedCopies). Run by ../build-regenerator.sh.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const version = JSON.parse(readFileSync('node_modules/regenerator-runtime/package.json', 'utf8')).version;
const out = process.argv[2];
await build({
  entryPoints: ['entry.js'], outfile: out, bundle: true, minify: true, format: 'iife', target: 'es2016',
  legalComments: 'eof', logLevel: 'warning',
  banner: { js: `/* regenerator-runtime ${version} (MIT, Copyright (c) 2014-present, Facebook, Inc.; licence in regenerator-runtime-LICENSE.txt) */` },
});
console.log(`${out}: ${readFileSync(out).length} bytes`);
