// Bundles src/extension.ts and its dependencies into dist/extension.js (esbuild), and copies
// the settings file's JSON Schema (data/schema/settings.schema.json, kept once in the
// repository) to schemas/, where package.json's jsonValidation points.
// Usage: node scripts/build.mjs [--production]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SETTINGS_SCHEMA = path.join(root, '..', '..', 'data', 'schema', 'settings.schema.json');

export function copySchema() {
    fs.mkdirSync(path.join(root, 'schemas'), { recursive: true });
    fs.copyFileSync(SETTINGS_SCHEMA, path.join(root, 'schemas', 'settings.schema.json'));
}

export async function build({ production = false } = {}) {
    copySchema();
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
