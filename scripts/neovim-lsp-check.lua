-- Driven by scripts/neovim-lsp-check.sh: starts `preflight server` with
-- Neovim's own LSP client (0.7's vim.lsp.start_client and
-- vim.lsp.buf_attach_client), opens one file, waits for its first
-- non-empty diagnostics and writes them, one a line:
-- "line:column code message" (1-based, columns in UTF-16 units as Neovim
-- 0.7 negotiates), then quits. Exit status 1 if none came.
local bin = os.getenv("PF_BIN")
local file = os.getenv("PF_FILE")
local out = os.getenv("PF_OUT")
local done = false

local id = vim.lsp.start_client({
  name = "preflight",
  cmd = { bin, "server", "--now", "2030-01-01" },
  root_dir = vim.fn.getcwd(),
  handlers = {
    ["textDocument/publishDiagnostics"] = function(_, result, _, _)
      if done or result == nil or #result.diagnostics == 0 then
        return
      end
      local f = assert(io.open(out, "w"))
      for _, d in ipairs(result.diagnostics) do
        local first = d.message:gsub("\n.*", "")
        f:write(string.format("%d:%d %s %s\n", d.range.start.line + 1,
          d.range.start.character + 1, d.code, first))
      end
      f:close()
      done = true
    end,
  },
})
if id == nil then
  io.stderr:write("preflight server did not start\n")
  vim.cmd("cquit 1")
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
vim.lsp.buf_attach_client(0, id)
if not vim.wait(60000, function() return done end, 50) then
  io.stderr:write("no diagnostics from preflight server within 60 s\n")
  vim.cmd("cquit 1")
end
vim.lsp.stop_client(id)
vim.cmd("qall!")
