-- wrk script for the token endpoint: POSTs the form bodies listed in a file, one per line.
-- Usage: wrk ... -s bench/token.lua URL -- BODIES_FILE THREADS
-- Each wrk thread takes its own share of the lines and cycles through it. Run it with one connection per
-- thread (-tN -cN): then a thread's logins never overlap, and no user has two logins in flight at once
-- (Keycloak's stock username step refuses a login while another one of the same user is in progress).
-- done() prints one line "BENCH {json}" that the benchmark parses.

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
  for i, body in ipairs(all) do
    if (i - 1) % count == id then mine[#mine + 1] = body end
  end
  if #mine == 0 then mine = all end
  index = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
end

function request()
  index = index % #mine + 1
  return wrk.format(nil, nil, nil, mine[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
