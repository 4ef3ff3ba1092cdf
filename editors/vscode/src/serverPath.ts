// Decides which magento-integration-ls executable the extension starts.
// Pure apart from the injected file probe, so it can be unit tested without VS Code.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SERVER_BINARY = 'magento-integration-ls';

/** Where releases (archives, .deb, .vsix per platform) are published. */
export const DOWNLOAD_PAGE = 'https://github.com/magento-integration-ls/magento-integration-ls/releases';

/** Targets for which scripts/dist.sh builds a .vsix with the server inside. */
export const BUNDLED_TARGETS: readonly string[] = ['linux-x64', 'win32-x64'];

export type FileState = 'ok' | 'missing' | 'not-a-file' | 'not-executable';

export interface FileProbe {
    (file: string): FileState;
}

export interface ResolveInput {
    /** Value of `magentoIntegration.server.path`; empty or blank means "bundled, else PATH". */
    configured: string | undefined | null;
    /** Root folder of the installed extension. */
    extensionPath: string;
    platform: string;
    arch: string;
    /** File-system paths of the open workspace folders, first one first. */
    workspaceFolders: readonly string[];
    homeDir: string;
    /** The PATH environment variable (`;`-separated on win32, `:` elsewhere). */
    pathEnv?: string;
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export type Resolution =
    | { ok: true; path: string; source: ServerSource }
    | { ok: false; path?: string; source: ServerSource; message: string };

/** Says where a resolved server comes from, for the output channel. */
export function describeSource(source: ServerSource, target: string): string {
    switch (source) {
        case 'setting':
            return 'from the setting magentoIntegration.server.path';
        case 'bundled':
            return `bundled with the extension for ${target}`;
        default:
            return 'found on PATH';
    }
}

/** The first `magento-integration-ls[.exe]` on PATH that the probe accepts, if any. */
export function findOnPath(pathEnv: string | undefined, platform: string, probe: FileProbe): string | undefined {
    const win = platform === 'win32';
    const p = win ? path.win32 : path.posix;
    const exe = win ? `${SERVER_BINARY}.exe` : SERVER_BINARY;
    for (let dir of (pathEnv ?? '').split(win ? ';' : ':')) {
        dir = dir.trim();
        if (win && dir.length >= 2 && dir.startsWith('"') && dir.endsWith('"')) {
            dir = dir.slice(1, -1);
        }
        // An empty entry or a relative one would depend on VS Code's working folder: skipped.
        if (dir === '' || !p.isAbsolute(dir)) {
            continue;
        }
        const candidate = p.join(dir, exe);
        if (probe(candidate) === 'ok') {
            return candidate;
        }
    }
    return undefined;
}

/** `<extension>/server/<platform>-<arch>/magento-integration-ls[.exe]` */
export function bundledServerPath(extensionPath: string, platform: string, arch: string): string {
    const win = platform === 'win32';
    const exe = win ? `${SERVER_BINARY}.exe` : SERVER_BINARY;
    return (win ? path.win32 : path.posix).join(extensionPath, 'server', `${platform}-${arch}`, exe);
}

/**
 * Expands `~`, `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in a configured path,
 * and makes a relative path absolute against the first workspace folder.
 * Returns undefined when the value needs a workspace folder and none is open.
 */
export function expandConfiguredPath(
    value: string,
    ctx: { workspaceFolders: readonly string[]; homeDir: string; env?: Record<string, string | undefined> },
): string | undefined {
    let v = value.trim();
    const folder = ctx.workspaceFolders[0];
    if (v === '~' || v.startsWith('~/')) {
        v = ctx.homeDir + v.slice(1);
    }
    let needsFolder = false;
    v = v.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (_m, name: string, envName?: string) => {
        if (name === 'workspaceFolder') {
            if (folder === undefined) {
                needsFolder = true;
                return '';
            }
            return folder;
        }
        if (name === 'userHome') {
            return ctx.homeDir;
        }
        return (ctx.env ?? {})[envName as string] ?? '';
    });
    if (needsFolder) {
        return undefined;
    }
    if (!path.isAbsolute(v)) {
        if (folder === undefined) {
            return undefined;
        }
        v = path.join(folder, v);
    }
    return path.normalize(v);
}

export const probeFile: FileProbe = (file: string): FileState => {
    let st: fs.Stats;
    try {
        st = fs.statSync(file);
    } catch {
        return 'missing';
    }
    if (!st.isFile()) {
        return 'not-a-file';
    }
    if (process.platform !== 'win32') {
        try {
            fs.accessSync(file, fs.constants.X_OK);
        } catch {
            return 'not-executable';
        }
    }
    return 'ok';
};

function describe(state: FileState): string {
    switch (state) {
        case 'missing':
            return 'does not exist';
        case 'not-a-file':
            return 'is not a file';
        case 'not-executable':
            return 'is not executable (chmod +x it)';
        default:
            return 'is usable';
    }
}

export function resolveServerPath(input: ResolveInput, probe: FileProbe = probeFile): Resolution {
    const configured = (input.configured ?? '').trim();
    if (configured !== '') {
        const expanded = expandConfiguredPath(configured, {
            workspaceFolders: input.workspaceFolders,
            homeDir: input.homeDir,
            env: process.env,
        });
        if (expanded === undefined) {
            return {
                ok: false,
                source: 'setting',
                message: `magentoIntegration.server.path "${configured}" is relative or uses \${workspaceFolder}, but no workspace folder is open.`,
            };
        }
        const state = probe(expanded);
        if (state !== 'ok') {
            return {
                ok: false,
                source: 'setting',
                path: expanded,
                message: `magentoIntegration.server.path points to ${expanded}, which ${describe(state)}.`,
            };
        }
        return { ok: true, source: 'setting', path: expanded };
    }

    const target = `${input.platform}-${input.arch}`;
    const bundled = bundledServerPath(input.extensionPath, input.platform, input.arch);
    const state = probe(bundled);
    if (state === 'ok') {
        return { ok: true, source: 'bundled', path: bundled };
    }
    const onPath = findOnPath(input.pathEnv, input.platform, probe);
    if (onPath !== undefined) {
        return { ok: true, source: 'path', path: onPath };
    }
    const todo =
        `Set magentoIntegration.server.path to a magento-integration-ls you downloaded (${DOWNLOAD_PAGE}) ` +
        'or built from source, or put it on PATH.';
    if (!BUNDLED_TARGETS.includes(target)) {
        return {
            ok: false,
            source: 'bundled',
            path: bundled,
            message: `No language server for ${target}: the extension bundles one for ${BUNDLED_TARGETS.join(' and ')} only, and magento-integration-ls is not on PATH. ${todo}`,
        };
    }
    return {
        ok: false,
        source: 'bundled',
        path: bundled,
        message: `The bundled language server ${bundled} ${describe(state)} (is this the ${target} package of the extension?), and magento-integration-ls is not on PATH. Reinstall the extension for ${target}, or: ${todo}`,
    };
}

/** Convenience for the extension: resolves with the running process's platform. */
export function resolveForThisMachine(
    configured: string | undefined,
    extensionPath: string,
    workspaceFolders: readonly string[],
): Resolution {
    return resolveServerPath({
        configured,
        extensionPath,
        platform: process.platform,
        arch: process.arch,
        workspaceFolders,
        homeDir: os.homedir(),
        pathEnv: process.env.PATH ?? process.env.Path,
    });
}
