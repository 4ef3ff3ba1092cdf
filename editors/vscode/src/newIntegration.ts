// The "New Integration" command: what the user typed, turned into the arguments of the
// server's workspace/executeCommand `magento-integration-ls.newIntegration`. No vscode here,
// so that it is unit-tested.

export const SERVER_COMMAND = 'magento-integration-ls.newIntegration';

export interface NewIntegrationInput {
    module: string;
    name: string;
    email: string;
    resources: string;
    folder?: string;
}

export interface NewIntegrationArguments {
    module: string;
    name: string;
    email?: string;
    resources: string[];
    folder?: string;
}

const MODULE = /^[A-Z][A-Za-z0-9]*_[A-Z][A-Za-z0-9]*$/;
const ACL_ID = /^[A-Za-z0-9_]+::[A-Za-z0-9_]+$/;

/** Why `module` is not a module name, or undefined when it is one. */
export function checkModule(module: string): string | undefined {
    return MODULE.test(module.trim()) ? undefined : 'A module name is Vendor_Module, e.g. Acme_Connector';
}

export function buildArguments(
    input: NewIntegrationInput,
): { ok: true; args: NewIntegrationArguments } | { ok: false; message: string } {
    const module = input.module.trim();
    const problem = checkModule(module);
    if (problem) {
        return { ok: false, message: problem };
    }
    const name = input.name.trim();
    if (name.length < 2) {
        return { ok: false, message: "The integration's name needs at least 2 characters" };
    }
    const resources = input.resources
        .split(/[\s,]+/)
        .map((r) => r.trim())
        .filter((r) => r.length > 0);
    const bad = resources.find((r) => !ACL_ID.test(r));
    if (bad !== undefined) {
        return { ok: false, message: `'${bad}' is not an ACL resource id like Magento_Sales::sales_order` };
    }
    const args: NewIntegrationArguments = { module, name, resources };
    const email = input.email.trim();
    if (email.length > 0) {
        args.email = email;
    }
    if (input.folder) {
        args.folder = input.folder;
    }
    return { ok: true, args };
}
