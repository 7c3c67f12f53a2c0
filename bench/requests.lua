-- wrk script for the forward-auth benchmark: each request carries its own set of headers, one set per line of
-- a file ("Name: value" pairs separated by TAB), taken in turn; the method and URL are wrk's.
-- Usage: wrk ... -s bench/requests.lua URL -- HEADERS_FILE THREADS METHOD
-- Each wrk thread takes its own share of the lines. done() prints one line "BENCH {json}" as token.lua does.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(args[1]) do
    if line ~= "" then all[#all + 1] = line end
  end
  local count = tonumber(args[2])
  mine = {}
  for i, line in ipairs(all) do
    if (i - 1) % count == id then
      local headers = {}
      for name, value in string.gmatch(line, "([^\t:]+): ([^\t]*)") do headers[name] = value end
      mine[#mine + 1] = headers
    end
  end
  if #mine == 0 then error("no header lines for thread " .. id) end
  index = 0
  wrk.method = args[3]
end

function request()
  index = index % #mine + 1
  return wrk.format(nil, nil, mine[index], nil)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
