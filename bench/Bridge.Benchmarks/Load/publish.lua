-- wrk script: POSTs the body in BENCH_BODY_FILE as BENCH_CONTENT_TYPE, keeps the message id(s) of every 202, and
-- in done() writes them to BENCH_IDS_FILE (one per line) and prints one line of exact counts and latencies.
local function read(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

wrk.method = "POST"
wrk.body = read(os.getenv("BENCH_BODY_FILE"))
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization ~= nil and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  accepted = 0
  other = 0
end

function response(status, headers, body)
  if status ~= 202 then
    other = other + 1
    return
  end
  accepted = accepted + 1
  local list = body:match('"messageIds":%[(.-)%]')
  if list then
    for id in list:gmatch('"([^"]+)"') do
      ids[#ids + 1] = id
    end
  else
    ids[#ids + 1] = body:match('"messageId":"([^"]+)"')
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_IDS_FILE"), "w"))
  local acceptedTotal, otherTotal = 0, 0
  for _, thread in ipairs(threads) do
    acceptedTotal = acceptedTotal + thread:get("accepted")
    otherTotal = otherTotal + thread:get("other")
    for _, id in ipairs(thread:get("ids")) do
      out:write(id, "\n")
    end
  end
  out:close()
  local errors = summary.errors
  io.write(string.format("bench-result accepted=%d other=%d socket_errors=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    acceptedTotal, otherTotal, errors.connect + errors.read + errors.write + errors.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
