// Which files go to the server (documentSelector) and which are watched.

/** Files the server understands. Globs are matched against the whole file path. */
export const MAGENTO_DOCUMENT_GLOBS: readonly string[] = [
    '**/etc/integration.xml',
    '**/etc/integration/{api,config}.xml',
    '**/etc/acl.xml',
    '**/etc/module.xml',
    '**/etc/webapi.xml',
    '**/etc/adminhtml/{menu,system}.xml',
    '**/registration.php',
    '**/Setup/**/*.php',
    '**/composer.json',
];

/** Files whose changes the server must hear about even when they are not open. */
export const WATCHED_GLOBS: readonly string[] = [
    ...MAGENTO_DOCUMENT_GLOBS,
    '**/vendor/composer/installed.json',
    '**/app/etc/config.php', // which modules are enabled
    '**/.magento-integration-ls.json', // the settings file (re-read when saved)
];

export interface DocumentFilterLike {
    scheme: string;
    pattern: string;
}

export function documentSelector(): DocumentFilterLike[] {
    return MAGENTO_DOCUMENT_GLOBS.map((pattern) => ({ scheme: 'file', pattern }));
}
