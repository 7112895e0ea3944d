-- wrk script: signed GitHub deliveries, each with a unique X-GitHub-Delivery; the event is
-- BENCH_EVENT (default ping: stored, no flow runs; push: stored and summarised in Slack).
-- GitHub's signature covers the body only, so one body and one signature (computed by
-- Bench.Kit, passed in BENCH_BODY and BENCH_SIGNATURE) serve every request; the delivery id makes each
-- request a new delivery that the receiver must verify, dedup-check and durably store.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  prefix = os.getenv("BENCH_RUN") .. "-" .. thread_id .. "-"
  wrk.method = "POST"
  wrk.body = os.getenv("BENCH_BODY")
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-GitHub-Event"] = os.getenv("BENCH_EVENT") or "ping"
  wrk.headers["X-Hub-Signature-256"] = os.getenv("BENCH_SIGNATURE")
  accepted = 0
  other = 0
end

function request()
  counter = counter + 1
  wrk.headers["X-GitHub-Delivery"] = prefix .. counter
  return wrk.format(nil, "/webhooks/github")
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    o = o + t:get("other")
  end
  io.write(string.format("accepted (202): %d, other: %d, accepted/s: %.0f\n", a, o, a / (summary.duration / 1e6)))
  io.write(string.format("latency ms: p50 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
