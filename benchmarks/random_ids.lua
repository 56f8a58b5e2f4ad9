-- wrk script: ask for `path` (with "{id}" in it) for random ids from 1 to `count`.
-- Usage: wrk -s random_ids.lua http://host:port -- /enterprises/{id} 100000
local path, count

function init(args)
  path, count = args[1], tonumber(args[2])
  math.randomseed(1894 + os.time())
end

function request()
  return wrk.format("GET", (path:gsub("{id}", tostring(math.random(1, count)))))
end
