-- magento-integration-ls for Neovim 0.7.2 and later.
--
--   require('magento_integration_ls').setup({
--     cmd = { '/path/to/magento-integration-ls' },   -- default: on $PATH
--     settings = { severity = { ['insecure-url'] = 'off' }, completion = { insertParents = true } },
--     on_attach = function(client, bufnr) ... end,
--   })
--
-- One client per Magento root: the nearest folder with app/etc/di.xml, else the module root
-- (the nearest folder with etc/module.xml). Files outside both are left alone.

local M = {}

M.name = 'magento_integration_ls'

--- The files the server serves, as autocmd file patterns (`*` also matches `/`).
M.file_patterns = {
  '*/etc/integration.xml',
  '*/etc/integration/config.xml',
  '*/etc/integration/api.xml',
  '*/etc/acl.xml',
  '*/etc/module.xml',
  '*/etc/webapi.xml',
  '*/etc/adminhtml/menu.xml',
  '*/etc/adminhtml/system.xml',
  '*/registration.php',
  '*/Setup/*.php',
  '*/composer.json',
}

local SEVERITIES = { error = true, warning = true, info = true, hint = true, off = true }

local defaults = {
  cmd = { 'magento-integration-ls' },
  settings = { severity = {}, completion = { insertParents = true } },
  flags = { debounce_text_changes = 150 },
  autostart = true,
}

local options = vim.deepcopy(defaults)
local clients = {} -- root folder -> client id
local patterns_regex -- compiled lazily
local warned = {}

local function notify_once(key, msg, level)
  if warned[key] then
    return
  end
  warned[key] = true
  vim.schedule(function()
    vim.notify('magento-integration-ls: ' .. msg, level or vim.log.levels.WARN)
  end)
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

local function normalize(fname)
  local p = vim.fn.fnamemodify(fname, ':p')
  p = p:gsub('\\', '/')
  return p
end

--- True when `fname` is one of the Magento files the server serves.
function M.is_magento_file(fname)
  if not fname or fname == '' then
    return false
  end
  if not patterns_regex then
    patterns_regex = {}
    for _, pat in ipairs(M.file_patterns) do
      table.insert(patterns_regex, vim.regex(vim.fn.glob2regpat(pat)))
    end
  end
  local path = normalize(fname)
  for _, re in ipairs(patterns_regex) do
    if re:match_str(path) then
      return true
    end
  end
  return false
end

--- The folder one server works on for `fname`, and its kind ('magento' or 'module'), or nil.
function M.find_root(fname)
  local dir = vim.fn.fnamemodify(normalize(fname), ':h')
  local module_root
  while true do
    if exists(dir .. '/app/etc/di.xml') then
      return dir, 'magento'
    end
    if not module_root and exists(dir .. '/etc/module.xml') then
      module_root = dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  if module_root then
    return module_root, 'module'
  end
  return nil
end

--- What the server is sent: initializationOptions, and the `magentoIntegration` section of
--- workspace/configuration. An empty severity map must stay a JSON object, not `[]`.
function M.server_settings()
  local s = options.settings or {}
  local severity = vim.empty_dict()
  for code, level in pairs(s.severity or {}) do
    if SEVERITIES[level] then
      severity[code] = level
    else
      notify_once('severity:' .. tostring(code), string.format('ignoring severity %q for %s', tostring(level), tostring(code)))
    end
  end
  local insert = true
  if s.completion and type(s.completion.insertParents) == 'boolean' then
    insert = s.completion.insertParents
  end
  return { severity = severity, completion = { insertParents = insert } }
end

local function language_id(bufnr, filetype)
  local ext = vim.api.nvim_buf_get_name(bufnr):match('%.(%w+)$')
  if ext == 'xml' or ext == 'php' or ext == 'json' then
    return ext
  end
  return filetype
end

local function client_config(root)
  local settings = M.server_settings()
  local user = options
  return {
    name = M.name,
    cmd = user.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = settings,
    settings = { magentoIntegration = settings },
    capabilities = user.capabilities or vim.lsp.protocol.make_client_capabilities(),
    flags = user.flags,
    handlers = user.handlers,
    get_language_id = language_id,
    on_attach = user.on_attach,
    on_init = function(client, result)
      -- Neovim 0.7 does not send the settings by itself.
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      if user.on_init then
        return user.on_init(client, result)
      end
    end,
    on_exit = function(code, signal, client_id)
      vim.schedule(function()
        if clients[root] == client_id then
          clients[root] = nil
        end
      end)
      if user.on_exit then
        user.on_exit(code, signal, client_id)
      end
    end,
  }
end

--- Attaches the buffer to the client of its Magento root, starting one if needed.
--- Returns the client id, or nil when the buffer is not a Magento file in a Magento tree.
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if vim.bo[bufnr].buftype ~= '' or not M.is_magento_file(fname) then
    return nil
  end
  local root = M.find_root(fname)
  if not root then
    return nil
  end
  local id = clients[root]
  -- Not vim.lsp.client_is_stopped(): on 0.7 it says "stopped" while a client is initializing.
  if not (id and vim.lsp.get_client_by_id(id)) then
    local ok, started = pcall(vim.lsp.start_client, client_config(root))
    if not ok or not started then
      notify_once('start', 'could not start ' .. table.concat(options.cmd or {}, ' ') .. ': ' .. tostring(started), vim.log.levels.ERROR)
      return nil
    end
    id = started
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Map of root folder -> client id of the running clients.
function M.clients()
  local out = {}
  for root, id in pairs(clients) do
    if vim.lsp.get_client_by_id(id) then
      out[root] = id
    end
  end
  return out
end

--- A configuration for Neovim 0.11's vim.lsp.config (used by lsp/magento_integration_ls.lua).
function M.lsp_config()
  local settings = M.server_settings()
  return {
    cmd = options.cmd,
    filetypes = { 'xml', 'php', 'json' },
    root_dir = function(bufnr, on_dir)
      local fname = vim.api.nvim_buf_get_name(bufnr)
      if not M.is_magento_file(fname) then
        return
      end
      local root = M.find_root(fname)
      if root then
        on_dir(root)
      end
    end,
    init_options = settings,
    settings = { magentoIntegration = settings },
    get_language_id = language_id,
    workspace_required = true,
  }
end

function M.setup(opts)
  opts = opts or {}
  options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  if opts.settings and opts.settings.severity then
    options.settings.severity = opts.settings.severity
  end
  if type(options.cmd) == 'string' then
    options.cmd = { options.cmd }
  end
  local group = vim.api.nvim_create_augroup('magento_integration_ls', { clear = true })
  if options.autostart then
    vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
      group = group,
      pattern = M.file_patterns,
      callback = function(args)
        M.attach(args.buf)
      end,
      desc = 'Start or reuse magento-integration-ls for Magento files',
    })
    -- Buffers opened before setup() ran.
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        M.attach(bufnr)
      end
    end
  end
  return M
end

return M
