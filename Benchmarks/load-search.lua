-- wrk script: GET /api/search with a rotating list of queries (one per line in the
-- file passed after `--`; a line `kind<TAB>query`, as in queries-cpp.txt, counts as its
-- query), limit 10, as a help-centre search box would ask.
local queries = {}
local next_query = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  for line in io.lines(args[1]) do
    local query = line:match("\t([^\t]*)$") or line
    if #query > 0 then queries[#queries + 1] = "/api/search?limit=10&q=" .. urlencode(query) end
  end
  -- each wrk thread starts at a different place in the list
  next_query = math.random(#queries) - 1
end

function request()
  next_query = next_query % #queries + 1
  return wrk.format("GET", queries[next_query])
end
