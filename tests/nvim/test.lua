-- End-to-end test of editors/nvim with the real server, on Neovim 0.7.2 and later:
--
--   MAGENTO_LS_SERVER=/path/to/magento-integration-ls \
--     nvim --headless --clean -c 'luafile tests/nvim/test.lua'
--
-- Works on a temp copy of data/example. Prints one line per check and a summary, then quits
-- with 0 when everything passed and `cquit 1` otherwise (2 on a usage error).

local function out(s)
  io.stdout:write(s .. '\n')
end

local script = debug.getinfo(1, 'S').source:gsub('^@', '')
local repo = os.getenv('MIL_SOURCE_DIR') or vim.fn.fnamemodify(script, ':p:h:h:h')
local server = os.getenv('MAGENTO_LS_SERVER')
if not server or server == '' or vim.fn.executable(server) ~= 1 then
  out('usage: MAGENTO_LS_SERVER=/path/to/magento-integration-ls nvim --headless --clean -c "luafile tests/nvim/test.lua"')
  out('       (got MAGENTO_LS_SERVER=' .. tostring(server) .. ')')
  vim.cmd('cquit 2')
end

local passed, failed = 0, 0
local function check(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
  else
    failed = failed + 1
    out('not ok - ' .. name)
    for line in tostring(err):gmatch('[^\n]+') do
      out('    ' .. line)
    end
  end
  return ok
end

local function expect(cond, msg, ...)
  if not cond then
    error(string.format(msg, ...), 2)
  end
end

local function wait(ms, cond)
  return vim.wait(ms, cond, 20)
end

-- A temp copy of the example tree, and a lone module (no app/etc/di.xml) beside it.
local tmp = vim.loop.fs_realpath(vim.fn.fnamemodify(vim.fn.tempname(), ':h'))
local root = tmp .. '/mil-nvim-' .. vim.loop.getpid()
vim.fn.delete(root, 'rf')
vim.fn.mkdir(root, 'p')
vim.fn.system({ 'cp', '-R', repo .. '/data/example/.', root })
if vim.v.shell_error ~= 0 then
  out('cannot copy ' .. repo .. '/data/example')
  vim.cmd('cquit 2')
end
-- REST routes in Magento_Sales and Magento_Backend::all before Magento_Backend::admin, for the
-- code lens.
vim.fn.system({ 'cp', '-R', repo .. '/tests/fixtures/routes/tree/.', root })
if vim.v.shell_error ~= 0 then
  out('cannot copy ' .. repo .. '/tests/fixtures/routes/tree')
  vim.cmd('cquit 2')
end
local webapi = root .. '/app/code/Magento/Sales/etc/webapi.xml'
local module_dir = root .. '-lone/Vendor/Lone'
vim.fn.mkdir(module_dir .. '/etc', 'p')
vim.fn.writefile({
  '<?xml version="1.0"?>',
  '<config><module name="Vendor_Lone"/></config>',
}, module_dir .. '/etc/module.xml')
vim.fn.writefile({
  '<?xml version="1.0"?>',
  '<config><integration name="Lone"><resources><resource name="Magento_Sales::sales"/></resources></integration></config>',
}, module_dir .. '/etc/integration.xml')

local integration = root .. '/app/code/Acme/Connector/etc/integration.xml'
-- Characters of 2 and 4 UTF-8 bytes (1 and 2 UTF-16 units) before the unknown id on its line:
-- Neovim 0.7 speaks UTF-16 with the server and must land on the right bytes.
do
  local lines = vim.fn.readfile(integration)
  local found = false
  for i, l in ipairs(lines) do
    if l:find('Magento_Log::online', 1, true) then
      lines[i] = l:gsub('<resource', '<!-- équipe 👥 --> <resource', 1)
      found = true
    end
  end
  if not found then
    out('data/example integration.xml no longer lists Magento_Log::online')
    vim.cmd('cquit 2')
  end
  vim.fn.writefile(lines, integration)
end

vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
local exits = {}
local mil = require('magento_integration_ls')
mil.setup({
  cmd = { server },
  settings = { severity = { ['insecure-url'] = 'off' } },
  flags = { debounce_text_changes = 0 },
  on_exit = function(code, signal, client_id)
    exits[client_id] = { code = code, signal = signal }
  end,
})

local function line_of(buf, needle)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = l:find(needle, 1, true)
    if col then
      return i - 1, col - 1, l
    end
  end
  error('not in buffer: ' .. needle, 2)
end

local function request(buf, method, params)
  local results, err = vim.lsp.buf_request_sync(buf, method, params, 10000)
  expect(results, '%s: no answer (%s)', method, tostring(err))
  for _, r in pairs(results) do
    expect(not r.error, '%s: error %s', method, vim.inspect(r.error))
    return r.result
  end
end

local function diags(buf, code)
  return vim.tbl_filter(function(d)
    return code == nil or d.code == code
  end, vim.diagnostic.get(buf))
end

local function unknown_log(buf)
  for _, d in ipairs(diags(buf, 'unknown-resource')) do
    if d.message:find('Magento_Log::online', 1, true) then
      return d
    end
  end
end

check('only Magento files are recognised (tests/fixtures/clients/served-files.json)', function()
  local fixture = vim.fn.json_decode(table.concat(vim.fn.readfile(repo .. '/tests/fixtures/clients/served-files.json'), '\n'))
  for _, s in ipairs(fixture.served) do
    expect(mil.is_magento_file('/home/dev/shop/' .. s.path), 'not recognised: %s', s.path)
  end
  for _, p in ipairs(vim.list_extend(vim.deepcopy(fixture.notServed), fixture.watchedOnly)) do
    expect(not mil.is_magento_file('/home/dev/shop/' .. p), 'wrongly recognised: %s', p)
  end
end)

check('roots: the Magento root wins, else the module root, else none', function()
  local r, kind = mil.find_root(integration)
  expect(r == root and kind == 'magento', 'got %s (%s), want %s', tostring(r), tostring(kind), root)
  r, kind = mil.find_root(root .. '/app/code/Acme/Connector/registration.php')
  expect(r == root and kind == 'magento', 'registration.php: got %s', tostring(r))
  r, kind = mil.find_root(module_dir .. '/etc/integration.xml')
  expect(r == module_dir and kind == 'module', 'lone module: got %s (%s)', tostring(r), tostring(kind))
  expect(mil.find_root(tmp .. '/nowhere/etc/acl.xml') == nil, 'a file outside any tree has a root')
end)

check('lsp/magento_integration_ls.lua (Neovim 0.11 vim.lsp.config) starts only for Magento files', function()
  local cfg = dofile(repo .. '/editors/nvim/lsp/magento_integration_ls.lua')
  expect(cfg.cmd[1] == server, 'cmd is %s', vim.inspect(cfg.cmd))
  expect(vim.tbl_contains(cfg.filetypes, 'xml') and vim.tbl_contains(cfg.filetypes, 'php'), 'filetypes %s', vim.inspect(cfg.filetypes))
  expect(cfg.init_options.completion.insertParents == true, 'init_options %s', vim.inspect(cfg.init_options))
  local function root_for(name)
    local b = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(b, name)
    local got
    cfg.root_dir(b, function(dir)
      got = dir
    end)
    vim.api.nvim_buf_delete(b, { force = true })
    return got
  end
  local got = root_for(module_dir .. '/etc/acl.xml')
  expect(got == module_dir, 'acl.xml of a lone module: %s', tostring(got))
  got = root_for(module_dir .. '/etc/di.xml')
  expect(got == nil, 'di.xml must not start the server, got %s', tostring(got))
end)

vim.cmd('edit ' .. vim.fn.fnameescape(integration))
local buf = vim.api.nvim_get_current_buf()
local client_id

local started = check('opening integration.xml starts a client for the Magento root', function()
  expect(wait(5000, function()
    client_id = mil.clients()[root]
    return client_id ~= nil and vim.lsp.buf_is_attached(buf, client_id)
  end), 'no client attached; clients: %s', vim.inspect(mil.clients()))
  expect(wait(10000, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return exits[client_id] ~= nil or (c ~= nil and c.initialized)
  end), 'the client did not initialize')
  expect(not exits[client_id], 'the server exited during start-up: %s', vim.inspect(exits[client_id]))
end)

if not started then
  -- Everything below needs a running server; do not wait for answers that cannot come.
  out('    (remaining checks not run: no server)')
  out(string.format('nvim: %d passed, %d failed', passed, failed))
  vim.cmd('cquit 1')
end

check('diagnostics: unknown-resource on Magento_Log::online names Magento_Customer::online', function()
  expect(wait(15000, function()
    return unknown_log(buf) ~= nil
  end), 'no unknown-resource diagnostic; got %s', vim.inspect(vim.diagnostic.get(buf)))
  local d = unknown_log(buf)
  expect(d.message:find('Magento_Customer::online', 1, true), 'message does not name the closest id: %s', d.message)
  expect(d.severity == vim.diagnostic.severity.ERROR, 'severity %s', tostring(d.severity))
  local lnum, col = line_of(buf, 'Magento_Log::online')
  expect(d.lnum == lnum and d.col == col and d.end_col == col + #'Magento_Log::online',
    'range %d:%d-%d, want the value at %d:%d-%d (UTF-16 columns mapped to bytes)',
    d.lnum, d.col, d.end_col, lnum, col, col + #'Magento_Log::online')
end)

-- integration.xml: a hint (Magento adds the parents itself, Consolidated\Converter).
check('diagnostics: missing-parent hints', function()
  expect(wait(5000, function()
    return #diags(buf, 'missing-parent') > 0
  end), 'no missing-parent diagnostic; got %s', vim.inspect(vim.tbl_map(function(d)
    return d.code
  end, vim.diagnostic.get(buf))))
  local text = table.concat(vim.tbl_map(function(d)
    expect(d.severity == vim.diagnostic.severity.HINT, 'missing-parent not a hint: %s', d.message)
    return d.message
  end, diags(buf, 'missing-parent')), '\n')
  expect(text:find('Magento_Sales::sales_operation', 1, true), 'sales_operation not named: %s', text)
end)

check('settings: severity "off" from setup{} silences insecure-url', function()
  -- The example's endpoint_url is http://, which insecure-url would report.
  expect(#diags(buf, 'insecure-url') == 0, 'insecure-url reported: %s', vim.inspect(diags(buf, 'insecure-url')))
end)

check('hover on <email> is markdown', function()
  local lnum, col = line_of(buf, '<email>')
  local result = request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = lnum, character = col + 3 },
  })
  expect(type(result) == 'table' and result.contents, 'no hover: %s', vim.inspect(result))
  expect(result.contents.kind == 'markdown', 'contents: %s', vim.inspect(result.contents))
  expect(result.contents.value:lower():find('mail'), 'hover does not explain <email>: %s', result.contents.value)
end)

check('code lens: "can call 2 REST routes" over <integration>; running it fills the quickfix list', function()
  local lnum = line_of(buf, '<integration name')
  local lens
  -- No explicit refresh here: the plugin asks when attached and when the server says so.
  expect(wait(15000, function()
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.range.start.line == lnum and l.command then
        lens = l
        return true
      end
    end
    return false
  end), 'no code lens on line %d; got %s', lnum, vim.inspect(vim.lsp.codelens.get(buf)))
  expect(lens.command.title == 'can call 2 REST routes (and 1 route anyone may call)', 'title: %s', lens.command.title)
  if vim.lsp.codelens.__namespaces then -- 0.7-0.9: the lens is virtual text on its line
    local marks = vim.api.nvim_buf_get_extmarks(buf, vim.lsp.codelens.__namespaces[client_id], { lnum, 0 }, { lnum, -1 }, { details = true })
    expect(#marks == 1 and vim.inspect(marks[1]):find('can call 2 REST routes', 1, true), 'virtual text: %s', vim.inspect(marks))
  end
  vim.api.nvim_win_set_cursor(0, { lnum + 1, 0 })
  vim.lsp.codelens.run()
  expect(wait(10000, function()
    return vim.fn.getqflist({ title = 1 }).title == 'REST routes AcmeConnector can call'
  end), 'quickfix list not filled: %s', vim.inspect(vim.fn.getqflist({ title = 1, items = 1 })))
  local qf = vim.fn.getqflist()
  expect(#qf == 3, 'want 3 routes, got %s', vim.inspect(qf))
  expect(qf[2].text:find('GET /V1/orders/:id', 1, true) and qf[2].text:find('Magento_Sales::actions_view', 1, true), 'item 2: %s', qf[2].text)
  expect(vim.api.nvim_buf_get_name(qf[2].bufnr) == webapi, 'item 2 is in %s', vim.api.nvim_buf_get_name(qf[2].bufnr))
  local lines = vim.fn.readfile(webapi)
  local want_lnum, want_col
  for i, l in ipairs(lines) do
    local c = l:find('"/V1/orders/:id"', 1, true)
    if c then
      want_lnum, want_col = i, c + 1
      break
    end
  end
  expect(qf[2].lnum == want_lnum and qf[2].col == want_col, 'item 2 at %d:%d, want %d:%d', qf[2].lnum, qf[2].col, want_lnum, want_col)
  expect(qf[3].text:find('anyone may call', 1, true), 'item 3: %s', qf[3].text)
  expect(vim.bo.buftype == 'quickfix', 'the quickfix window is not open')
  vim.cmd('cclose')
  expect(vim.api.nvim_get_current_buf() == buf, 'back in integration.xml')
end)

check('code action: the quickfix turns Magento_Log::online into Magento_Customer::online', function()
  -- As :lua vim.lsp.buf.code_action() does on 0.7: cursor range plus the line's diagnostics.
  local lnum, col = line_of(buf, 'Magento_Log::online')
  vim.api.nvim_win_set_cursor(0, { lnum + 1, col + 4 })
  local params = vim.lsp.util.make_range_params()
  local line_diags
  if vim.lsp.diagnostic.get_line_diagnostics then
    line_diags = vim.lsp.diagnostic.get_line_diagnostics(buf)
  end
  params.context = { diagnostics = line_diags or {} }
  local actions = request(buf, 'textDocument/codeAction', params)
  expect(type(actions) == 'table' and #actions > 0, 'no code actions: %s', vim.inspect(actions))
  local fix
  for _, a in ipairs(actions) do
    if a.kind == 'quickfix' and a.edit then
      local text = vim.inspect(a.edit)
      if text:find('Magento_Customer::online', 1, true) then
        fix = a
        break
      end
    end
  end
  expect(fix, 'no quickfix with an edit to Magento_Customer::online: %s', vim.inspect(actions))
  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding or 'utf-16')
  local _, _, line = line_of(buf, 'équipe')
  expect(line:find('<resource name="Magento_Customer::online"/>', 1, true), 'line after the fix: %s', line)
  expect(wait(10000, function()
    return #diags(buf, 'unknown-resource') == 0
  end), 'unknown-resource still reported after the fix: %s', vim.inspect(diags(buf, 'unknown-resource')))
end)

check('completion after Magento_Sales:: lists Sales ids with titles', function()
  local lnum, col = line_of(buf, '<resource name="Magento_Sales::actions_view"/>')
  local typed = string.rep(' ', col) .. '<resource name="Magento_Sales::"/>'
  vim.api.nvim_buf_set_lines(buf, lnum + 1, lnum + 1, false, { typed })
  local cursor = { line = lnum + 1, character = col + #'<resource name="Magento_Sales::' }
  local result = request(buf, 'textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = cursor,
    context = { triggerKind = 1 },
  })
  local items = result and (result.items or result) or {}
  local by_label = {}
  for _, it in ipairs(items) do
    by_label[it.label] = it
  end
  for id, title in pairs({ ['Magento_Sales::ship'] = 'Ship', ['Magento_Sales::create'] = 'Create' }) do
    expect(by_label[id], '%s not offered; got %s', id, vim.inspect(vim.tbl_keys(by_label)))
    expect(by_label[id].detail == title, 'detail of %s is %s', id, tostring(by_label[id].detail))
  end
  -- Accepting the item must leave exactly the id in the attribute.
  local item = by_label['Magento_Sales::ship']
  local edit = item.textEdit
  local range = edit and (edit.range or edit.replace)
    or (result.itemDefaults and result.itemDefaults.editRange)
    or { start = cursor, ['end'] = cursor }
  range = range.replace or range
  local new_text = (edit and edit.newText) or item.textEditText or item.insertText or item.label
  vim.lsp.util.apply_text_edits({ { range = range, newText = new_text } }, buf, 'utf-16')
  local line = vim.api.nvim_buf_get_lines(buf, lnum + 1, lnum + 2, false)[1]
  expect(line:find('<resource name="Magento_Sales::ship"/>', 1, true), 'accepting the item gives: %s', line)
  vim.api.nvim_buf_set_lines(buf, lnum + 1, lnum + 2, false, {})
end)

check('one client per root: same root reuses it, another root gets its own', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/app/code/Acme/Connector/etc/module.xml'))
  local module_buf = vim.api.nvim_get_current_buf()
  expect(wait(3000, function()
    return vim.lsp.buf_is_attached(module_buf, client_id)
  end), 'module.xml is not attached to the root client')
  expect(mil.attach(module_buf) == client_id, 'a second attach started another client')
  vim.cmd('edit ' .. vim.fn.fnameescape(module_dir .. '/etc/integration.xml'))
  local lone_buf = vim.api.nvim_get_current_buf()
  local lone_id
  expect(wait(3000, function()
    lone_id = mil.clients()[module_dir]
    return lone_id ~= nil and vim.lsp.buf_is_attached(lone_buf, lone_id)
  end), 'no client for the lone module; clients: %s', vim.inspect(mil.clients()))
  expect(lone_id ~= client_id, 'the lone module shares the Magento root client')
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/app/etc/di.xml'))
  local di_buf = vim.api.nvim_get_current_buf()
  local running = mil.clients()
  expect(vim.tbl_count(running) == 2, 'want one client per root, got %s', vim.inspect(running))
  for _, id in pairs(running) do
    expect(not vim.lsp.buf_is_attached(di_buf, id), 'di.xml is not a served file but got attached')
  end
end)

check('stopping the clients ends the servers with exit code 0', function()
  local ids = vim.tbl_values(mil.clients())
  expect(#ids > 0, 'no clients to stop')
  vim.lsp.stop_client(ids)
  expect(wait(10000, function()
    for _, id in ipairs(ids) do
      if not exits[id] then
        return false
      end
    end
    return true
  end), 'servers did not exit: %s', vim.inspect(exits))
  for _, id in ipairs(ids) do
    expect(exits[id].code == 0, 'client %d exited with %s (signal %s)', id, tostring(exits[id].code), tostring(exits[id].signal))
  end
end)

vim.fn.delete(root, 'rf')
vim.fn.delete(root .. '-lone', 'rf')
out(string.format('nvim: %d passed, %d failed', passed, failed))
if failed > 0 then
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
