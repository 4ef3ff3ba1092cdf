-- Neovim 0.11+: `vim.lsp.enable('magento_integration_ls')` picks this file up from the
-- runtimepath. Override fields with vim.lsp.config('magento_integration_ls', { cmd = {...} }).
-- Only Magento files inside a Magento tree (app/etc/di.xml) or module (etc/module.xml) start it.
return require('magento_integration_ls').lsp_config()
