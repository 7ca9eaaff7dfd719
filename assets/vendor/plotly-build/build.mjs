// Bundles entry.js as plotly.js's own dist files are (esbuild, an IIFE that sets window.Plotly,
// its banner first so that the version can be read), then writes the brotli (quality 11) and
// gzip (level 9) copies that the app serves as they are. Run by ../build-plotly.sh.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const version = JSON.parse(readFileSync('node_modules/plotly.js/package.json', 'utf8')).version;
const out = process.argv[2];
const banner = `/**
* plotly.js (PIB Dashboard: scatter, bar, heatmap - minified) v${version}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
*/`;

await build({
  entryPoints: ['entry.js'], outfile: out, bundle: true, minify: true, format: 'iife', globalName: 'Plotly',
  target: 'es2016', legalComments: 'eof', banner: { js: banner }, footer: { js: 'window.Plotly = Plotly;' },
  // As plotly.js's esbuild-config.js; the map subplot's stylesheet is not needed without map traces.
  define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
  loader: { '.css': 'empty' }, logLevel: 'warning',
});
const bytes = readFileSync(out);
writeFileSync(`${out}.br`, brotliCompressSync(bytes, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
writeFileSync(`${out}.gz`, gzipSync(bytes, { level: 9 }));
console.log(`${out}: ${bytes.length} bytes, ${readFileSync(`${out}.br`).length} brotli, ` +
            `${readFileSync(`${out}.gz`).length} gzip`);
