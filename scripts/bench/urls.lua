-- wrk script of scripts/bench-server.sh: cycles through a list of request paths.
-- Environment: BENCH_URLS  file with one path (and query) per line, appended to BENCH_PREFIX (e.g. "/mapserv")
--              BENCH_AUTH  optional API key, sent as Authorization: Bearer (internal layers need one)
--              BENCH_LIMIT optional total number of requests: each thread stops after its share and creates the
--                          file BENCH_DONE_DIR/<thread number>; the caller then stops wrk with SIGINT
-- Each thread starts at its own offset in the list, so the threads do not request the same tile at the same time.
-- done() prints one machine-readable line: BENCH req_s p50_ms p99_ms requests errors non2xx

local paths = {}
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local prefix = os.getenv("BENCH_PREFIX") or ""
  for line in io.lines(os.getenv("BENCH_URLS")) do
    if line ~= "" then paths[#paths + 1] = prefix .. line end
  end
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  index = math.floor((id - 1) * #paths / nthreads)
  local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
  left = limit > 0 and math.ceil(limit / nthreads) or -1
  non2xx = 0
  local key = os.getenv("BENCH_AUTH") or ""
  headers = key ~= "" and { Authorization = "Bearer " .. key } or nil
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index], headers)
end

function response(status, headers, body)
  if status ~= 200 then non2xx = non2xx + 1 end
  if left > 0 then
    left = left - 1
    if left == 0 then
      local f = io.open(os.getenv("BENCH_DONE_DIR") .. "/" .. id, "w")
      if f then f:close() end
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format("BENCH %.1f %.3f %.3f %d %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout, bad))
end
