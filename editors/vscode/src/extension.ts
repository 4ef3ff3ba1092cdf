// VS Code entry point: starts magento-integration-ls over stdio for Magento files only.
// Decisions live in serverPath.ts, settings.ts and fileKinds.ts; this file only wires them up.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { documentSelector, WATCHED_GLOBS } from './fileKinds';
import { buildArguments, checkModule, SERVER_COMMAND } from './newIntegration';
import { routePicks, routesTitle, SHOW_ROUTES_COMMAND } from './routes';
import { describeSource, DOWNLOAD_PAGE, resolveForThisMachine } from './serverPath';
import { configurationFor, initializationOptions, readSettings, SECTION, ServerSettings } from './settings';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

function currentSettings(): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION);
    // Only what the user set (see SettingGetter): not the contributed defaults.
    const { settings, ignored } = readSettings((key) => {
        const set = config.inspect(key);
        return set?.workspaceFolderValue ?? set?.workspaceValue ?? set?.globalValue;
    });
    for (const note of ignored) {
        output?.warn(`settings ignored: ${note}`);
    }
    return settings;
}

function workspacePaths(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
    const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path');
    const resolved = resolveForThisMachine(configured, context.extensionPath, workspacePaths());
    if (!resolved.ok) {
        output?.error(resolved.message);
        const choice = await vscode.window.showErrorMessage(
            `Magento Integration: ${resolved.message}`,
            'Open Settings',
            'Download',
        );
        if (choice === 'Open Settings') {
            await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
        } else if (choice === 'Download') {
            await vscode.env.openExternal(vscode.Uri.parse(DOWNLOAD_PAGE));
        }
        return;
    }
    output?.info(`starting ${resolved.path} (${describeSource(resolved.source, `${process.platform}-${process.arch}`)})`);

    // No `transport` on purpose: with TransportKind.stdio the client would append `--stdio`,
    // while the server speaks stdio by default and takes no such flag.
    const serverOptions: ServerOptions = { command: resolved.path, args: [] };
    const clientOptions: LanguageClientOptions = {
        documentSelector: documentSelector(),
        outputChannel: output,
        initializationOptions: initializationOptions(currentSettings()),
        synchronize: {
            fileEvents: WATCHED_GLOBS.map((glob) => vscode.workspace.createFileSystemWatcher(glob)),
        },
        middleware: {
            // The routes code lens runs the server's command (the client registered it); its
            // answer, the routes with their webapi.xml locations, becomes a quick pick.
            executeCommand: async (command, args, next) => {
                const result = await next(command, args);
                if (command === SHOW_ROUTES_COMMAND) {
                    await showRoutes(args, result);
                }
                return result;
            },
            workspace: {
                configuration: (params, token, next) => {
                    const settings = currentSettings();
                    const ours = params.items.map((item) => configurationFor(item.section, settings));
                    if (ours.every((answer) => answer !== undefined)) {
                        return ours;
                    }
                    return Promise.resolve(next(params, token)).then((defaults) => {
                        if (!Array.isArray(defaults)) {
                            return defaults;
                        }
                        return ours.map((answer, i) => (answer !== undefined ? answer : defaults[i]));
                    });
                },
            },
        },
    };
    // The id "magentoIntegration" makes the client read `magentoIntegration.trace.server`.
    client = new LanguageClient(SECTION, 'Magento Integration', serverOptions, clientOptions);
    await client.start();
}

// A quick pick of the routes an integration can call; the chosen one opens at its url in
// webapi.xml (a route of the bundled catalogue has no file to open).
async function showRoutes(args: unknown[], result: unknown): Promise<void> {
    const picks = routePicks(result);
    const chosen = await vscode.window.showQuickPick(picks, {
        title: routesTitle(args, picks.length),
        matchOnDescription: true,
        matchOnDetail: true,
    });
    if (!chosen?.target) {
        return;
    }
    const { start, end } = chosen.target.range;
    await vscode.window.showTextDocument(vscode.Uri.parse(chosen.target.uri), {
        selection: new vscode.Range(start.line, start.character, end.line, end.character),
    });
}

// Asks for the module, name, email and resources, then lets the server send the files back
// as a workspace edit (it creates them through VS Code; nothing is written behind its back).
async function newIntegration(): Promise<void> {
    if (!client) {
        void vscode.window.showErrorMessage('Magento Integration: the language server is not running');
        return;
    }
    const module = await vscode.window.showInputBox({
        title: 'New integration (1/4)',
        prompt: 'Module that declares it',
        placeHolder: 'Vendor_Module',
        validateInput: (v) => checkModule(v),
    });
    if (module === undefined) {
        return;
    }
    const name = await vscode.window.showInputBox({ title: 'New integration (2/4)', prompt: "Integration's name" });
    if (name === undefined) {
        return;
    }
    const email = await vscode.window.showInputBox({ title: 'New integration (3/4)', prompt: 'Contact email' });
    if (email === undefined) {
        return;
    }
    const resources = await vscode.window.showInputBox({
        title: 'New integration (4/4)',
        prompt: 'ACL resources to grant (parents are added)',
        placeHolder: 'Magento_Sales::sales_order, Magento_Customer::manage',
    });
    if (resources === undefined) {
        return;
    }
    const built = buildArguments({ module, name, email, resources });
    if (!built.ok) {
        void vscode.window.showErrorMessage(`Magento Integration: ${built.message}`);
        return;
    }
    try {
        await client.sendRequest('workspace/executeCommand', { command: SERVER_COMMAND, arguments: [built.args] });
    } catch (e) {
        void vscode.window.showErrorMessage(`Magento Integration: ${e instanceof Error ? e.message : String(e)}`);
    }
}

async function stop(): Promise<void> {
    const c = client;
    client = undefined;
    if (c) {
        await c.stop();
    }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    output = vscode.window.createOutputChannel('Magento Integration', { log: true });
    context.subscriptions.push(output);
    context.subscriptions.push(
        vscode.commands.registerCommand(`${SECTION}.restartServer`, async () => {
            await stop();
            await start(context);
        }),
        vscode.commands.registerCommand(`${SECTION}.showOutput`, () => output?.show(true)),
        vscode.commands.registerCommand(`${SECTION}.newIntegration`, newIntegration),
        vscode.workspace.onDidChangeConfiguration(async (event) => {
            if (!event.affectsConfiguration(SECTION)) {
                return;
            }
            if (event.affectsConfiguration(`${SECTION}.server.path`)) {
                await stop();
                await start(context);
                return;
            }
            // Tell a running server; it answers by pulling workspace/configuration or reading these.
            await client?.sendNotification('workspace/didChangeConfiguration', {
                settings: { [SECTION]: currentSettings() },
            });
        }),
    );
    await start(context);
}

export function deactivate(): Thenable<void> | undefined {
    return stop();
}
