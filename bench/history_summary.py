#!/usr/bin/env python3
"""Medians of bench/history.sh's JSON lines: python3 bench/history_summary.py RESULTS.jsonl"""
import json
import statistics
import sys


def med(values):
    return statistics.median(values) if values else float("nan")


def resume(rows):
    if not rows:
        return
    print("\n## 1,000 forced disconnects (per run, then the median)")
    print("run | forced | by kill | lost | dup | out of order | not recovered | catch-up p50 / p99 / max ms"
          " | outside the Redis outage p99 | live p50 / p99 ms | accepted not stored | unanswered (stored)")
    for r in rows:
        d, c, p, live = r["delivery"], r["catch_up"], r["publisher"], r["live_publish_to_receive_ms"]
        a, q = c["all_ms"], c["outside_redis_outage_ms"]
        print(f'{r["run"]} | {r["forced_disconnects"]} | {r["server_closed"]} | {d["lost"]} | {d["duplicated"]} | '
              f'{d["out_of_order"]} | {d["not_recovered"]} | {a["p50"]:.1f} / {a["p99"]:.1f} / {a["max"]:.1f} '
              f'(n={a["n"]}) | {q["p99"]:.1f} | {live["p50"]:.1f} / {live["p99"]:.1f} | {p["accepted_not_stored"]} | '
              f'{p["unanswered"]} ({p["unanswered_but_stored"]})')
        if d["lost"]:
            at = d["lost_stored_at_s"]
            print(f'    lost events were stored {at["min"]:.1f}-{at["max"]:.1f} s into the run; examples {d["lost_examples"][:4]}')
        if p["accepted_not_stored"]:
            at = p["accepted_not_stored_sent_at_s"]
            print(f'    accepted but not stored: by {p["accepted_not_stored_by_replica"]}, sent {at["min"]:.1f}-{at["max"]:.1f} s '
                  f'into the run; chaos at {r["chaos_at_s"]}')
        sub = c["open_to_subscribed_ms"]
        print(f'    open -> subscribed (the history read): p50 {sub["p50"]:.1f}, p99 {sub["p99"]:.1f}, max {sub["max"]:.1f} ms')
    m = lambda f: med([f(r) for r in rows])  # noqa: E731
    print(f'median | | | {m(lambda r: r["delivery"]["lost"])} | {m(lambda r: r["delivery"]["duplicated"])} | | | '
          f'{m(lambda r: r["catch_up"]["all_ms"]["p50"]):.1f} / {m(lambda r: r["catch_up"]["all_ms"]["p99"]):.1f} / '
          f'{m(lambda r: r["catch_up"]["all_ms"]["max"]):.1f} | {m(lambda r: r["catch_up"]["outside_redis_outage_ms"]["p99"]):.1f} | '
          f'{m(lambda r: r["live_publish_to_receive_ms"]["p50"]):.1f} / {m(lambda r: r["live_publish_to_receive_ms"]["p99"]):.1f}')


def cost(rows):
    if not rows:
        return
    print("\n## Cost of history (medians of the runs; ratio = history on / off)")
    print("path | store | publishers | history | per s, each run | per s | p50 ms | p99 ms | 202 p50 ms | CPU %")
    keyed = {}
    for r in rows:
        keyed.setdefault((r.get("path", "rest"), r["config"], r["concurrency"]), []).append(r)
    summary = {}
    for (path, cfg, n), rs in sorted(keyed.items()):
        s = dict(per_s=med([x["per_s"] for x in rs]),
                 p50=med([x["publish_to_event_ms"]["p50"] for x in rs]),
                 p99=med([x["publish_to_event_ms"]["p99"] for x in rs]),
                 ack=med([x["accepted_ms"]["p50"] for x in rs]),
                 cpu=med([x["server_cpu_pct"] for x in rs]))
        summary[(path, cfg, n)] = s
        store, hist = cfg.split("-")
        runs = ", ".join("%.0f" % x["per_s"] for x in rs)
        print(f'{path} | {store} | {n} | {hist} | {runs} | {s["per_s"]:.0f} | {s["p50"]:.2f} | {s["p99"]:.2f} | '
              f'{s["ack"]:.2f} | {s["cpu"]:.0f}')
    for path, store, n in sorted({(k[0], k[1].split("-")[0], k[2]) for k in summary}):
        on, off = summary.get((path, f"{store}-history", n)), summary.get((path, f"{store}-off", n))
        if on and off and off["per_s"] and off["p50"] and off["p99"]:
            print(f'{path}, {store}, {n} publisher(s): throughput {on["per_s"] / off["per_s"]:.2f}x, '
                  f'p50 {on["p50"] / off["p50"]:.2f}x, p99 {on["p99"] / off["p99"]:.2f}x')


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    resume([r for r in rows if r.get("mode") == "resume"])
    cost([r for r in rows if r.get("mode") == "cost"])


if __name__ == "__main__":
    main()
