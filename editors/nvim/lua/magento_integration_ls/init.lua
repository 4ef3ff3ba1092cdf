-- magento-integration-ls for Neovim 0.7.2 and later.
--
--   require('magento_integration_ls').setup({
--     cmd = { '/path/to/magento-integration-ls' },   -- default: on $PATH
--     codelens = true,   -- show "can call N REST routes" over each <integration> (:lua vim.lsp.codelens.run())
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
  codelens = true,
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

--- The command of the routes code lens (the server answers it with the routes).
M.SHOW_ROUTES = 'magento-integration-ls.showRoutes'

--- Quickfix items of the routes the server answers `M.SHOW_ROUTES` with: a Location in
--- webapi.xml (UTF-16 columns, turned into bytes here) plus a label; a route of the bundled
--- catalogue has no file and is a text-only item.
function M.route_items(routes)
  local items, lines = {}, {}
  local function line_of(fname, lnum)
    if lines[fname] == nil then
      local buf = vim.fn.bufnr(fname)
      if buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) then
        lines[fname] = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      else
        local ok, read = pcall(vim.fn.readfile, fname)
        lines[fname] = ok and read or false
      end
    end
    return lines[fname] and lines[fname][lnum]
  end
  for _, r in ipairs(type(routes) == 'table' and routes or {}) do
    local why = r.anonymous and 'anyone may call it' or ('needs ' .. table.concat(r.resources or {}, ', '))
    local item = { text = string.format('%s  (%s)', r.label, why) }
    if r.uri and r.range then
      item.filename = vim.uri_to_fname(r.uri)
      item.lnum = r.range.start.line + 1
      local col = r.range.start.character
      local line = line_of(item.filename, item.lnum)
      if line then
        local ok, byte = pcall(vim.str_byteindex, line, col, true)
        if ok then
          col = byte
        end
      end
      item.col = col + 1
    else
      item.text = item.text .. ' [bundled catalogue]'
    end
    table.insert(items, item)
  end
  return items
end

--- Client-side handler of `M.SHOW_ROUTES` (what vim.lsp.codelens.run() calls): asks the
--- server for the routes and opens them in the quickfix list.
function M.show_routes(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  local name = command.arguments and command.arguments[1]
  if type(name) == 'table' then
    name = name.integration
  end
  client.request('workspace/executeCommand', { command = command.command, arguments = command.arguments }, function(err, result)
    if err then
      vim.notify('magento-integration-ls: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      return
    end
    vim.fn.setqflist({}, ' ', {
      title = string.format('REST routes %s can call', tostring(name)),
      items = M.route_items(result),
    })
    vim.cmd('copen')
  end, ctx.bufnr)
end

local function commands()
  return { [M.SHOW_ROUTES] = M.show_routes }
end

--- on_attach: keeps the code lenses of the buffer fresh (Neovim asks for them only when told),
--- then calls the user's on_attach.
local function on_attach(client, bufnr)
  local caps = client.server_capabilities or client.resolved_capabilities or {}
  if options.codelens and caps.codeLensProvider then
    local group = vim.api.nvim_create_augroup('magento_integration_ls_lens_' .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost', 'CursorHold' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        vim.lsp.codelens.refresh()
      end,
      desc = 'magento-integration-ls: REST routes code lens',
    })
    if vim.api.nvim_get_current_buf() == bufnr then
      vim.lsp.codelens.refresh()
    end
  end
  if options.on_attach then
    options.on_attach(client, bufnr)
  end
end

--- Capabilities and handlers with workspace/codeLens/refresh where Neovim lacks it (0.7-0.9):
--- the server says when the route counts changed (the index is ready, an acl.xml, webapi.xml or
--- integration changed), and the current buffer asks for its lenses again.
local function with_lens_refresh(capabilities, handlers)
  if not options.codelens or vim.lsp.handlers['workspace/codeLens/refresh'] then
    return capabilities, handlers
  end
  capabilities = vim.deepcopy(capabilities)
  capabilities.workspace = capabilities.workspace or {}
  capabilities.workspace.codeLens = vim.tbl_extend('keep', capabilities.workspace.codeLens or {}, { refreshSupport = true })
  handlers = vim.tbl_extend('keep', handlers or {}, {
    ['workspace/codeLens/refresh'] = function(_, _, ctx)
      vim.schedule(function()
        local bufnr = vim.api.nvim_get_current_buf()
        if vim.lsp.buf_is_attached(bufnr, ctx.client_id) then
          vim.lsp.codelens.refresh()
        end
      end)
      return vim.NIL
    end,
  })
  return capabilities, handlers
end

local function client_config(root)
  local settings = M.server_settings()
  local user = options
  local capabilities, handlers = with_lens_refresh(user.capabilities or vim.lsp.protocol.make_client_capabilities(), user.handlers)
  return {
    name = M.name,
    cmd = user.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = settings,
    settings = { magentoIntegration = settings },
    capabilities = capabilities,
    flags = user.flags,
    handlers = handlers,
    commands = commands(),
    get_language_id = language_id,
    on_attach = on_attach,
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
    commands = commands(),
    on_attach = on_attach,
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
