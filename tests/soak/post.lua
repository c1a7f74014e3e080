-- wrk script for `make soak`: POSTs DLRs to /receive/callback, each thread with ids of its own.
-- Of every 20 requests: 16 new DLRs, 2 repeats of an earlier one (answered as duplicates), 1 body
-- that is not JSON (400, kept in dlr_rejected) and 1 with a wrong secret (401).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  secret = args[1]
  counts = {}
end

request = function()
  counter = counter + 1
  local k = counter % 20
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. secret}
  local id = string.format("soak-%d-%d", tid, counter)
  if k == 18 then
    return wrk.format("POST", "/receive/callback", headers, "{not json")
  elseif k == 19 then
    headers["Authorization"] = "Bearer wrong"
  elseif k == 5 or k == 11 then
    id = string.format("soak-%d-%d", tid, counter - 1)  -- the one just before: a new one
  end
  local body = string.format(
    '{"id": "%s", "mobile": "919800%06d", "status": "DELIVRD", "credits": "1.0000", ' ..
    '"units": 1, "deliv_time": "2021-04-09 16:27:51", "custom": "soak",}', id, counter % 1000000)
  return wrk.format("POST", "/receive/callback", headers, body)
end

response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("# wrk: %d requests in %.1f s (%.0f/s), latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; " ..
    "socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  local all = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for s, n in pairs(c) do all[s] = (all[s] or 0) + n end
  end
  local line = "# wrk: answers"
  for s, n in pairs(all) do line = line .. string.format(" %d:%d", s, n) end
  io.write(line .. "\n")
end
