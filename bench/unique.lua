-- wrk script for `make bench`: every request is a POST whose DLR id no other
-- request of the run carries (a per-run prefix, the wrk thread, a counter),
-- with the bearer secret. Arguments (after wrk's `--`):
--   dlr SECRET          a DLR as the platform sends it (the default)
--   handshake SECRET KEY the verification request: ?token= must be in the URL
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local mode, secret, key, prefix
local counter = 0
local headers = {}

function init(args)
  mode = args[1] or "dlr"
  secret = args[2] or "bench-secret"
  key = args[3] or ""
  math.randomseed(os.time() + (tid or 0))
  prefix = string.format("%x%04x-%d", os.time(), math.random(0, 65535), tid or 0)
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. secret
end

function request()
  counter = counter + 1
  local body
  if mode == "handshake" then
    body = string.format('{"validation_key": "%s", "challenge": "c-%s-%d"}', key, prefix, counter)
  else
    body = string.format(
      '{"id": "%s-%d", "mobile": "919800000000", "status": "DELIVRD", "credits": "1.0000",' ..
      ' "units": 1, "deliv_time": "2024-01-01 10:00:00", "sent_time": "2024-01-01 09:59:58",' ..
      ' "submit_time": "2024-01-01 09:59:57", "cid": "bench", "provider": "bench",' ..
      ' "provider_code": "BN"}', prefix, counter)
  end
  return wrk.format("POST", nil, headers, body)
end
