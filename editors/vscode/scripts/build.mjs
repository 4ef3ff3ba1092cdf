// Bundles src/extension.ts and its dependencies into dist/extension.js (esbuild).
// Usage: node scripts/build.mjs [--production]
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export async function build({ production = false } = {}) {
    await esbuild.build({
        absWorkingDir: root,
        entryPoints: ['src/extension.ts'],
        outfile: 'dist/extension.js',
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode'],
        sourcemap: !production,
        minify: production,
        logLevel: 'warning',
    });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    await build({ production: process.argv.includes('--production') });
}
