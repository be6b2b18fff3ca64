# SPDX-License-Identifier: MIT
# One run of the Celery anchor (bench/celery.sh): N tasks submitted in batches
# of B (a batch submitted at once, the next once it is answered), every
# result checked. Prints "tps X p50_us Y p99_us Z" like e2e_bench (latency:
# submission to the result in hand).
import sys
import time

from tasks import compute, square

K_BASE = 1000


def expected(task, k):
    if task == "square":
        return k * k
    s = 0
    for i in range(20000):
        s = (s + i * i) % 7
    return s + k


def main():
    task, n, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    fn = square if task == "square" else compute
    lat = []
    t0 = time.perf_counter()
    i = 0
    while i < n:
        m = min(b, n - i)
        sent = []
        for j in range(m):
            k = K_BASE + i + j
            sent.append((k, time.perf_counter(), fn.apply_async((k,))))
        for k, ts, r in sent:
            v = r.get(timeout=60)
            lat.append(time.perf_counter() - ts)
            if v != expected(task, k):
                print("celery: wrong result %r for %d" % (v, k), file=sys.stderr)
                sys.exit(1)
        i += m
    el = time.perf_counter() - t0
    lat.sort()

    def q(p):
        return lat[min(len(lat) - 1, max(0, int(p * len(lat) + 0.999999) - 1))] * 1e6

    print("tps %.0f p50_us %.1f p99_us %.1f" % (n / el, q(0.5), q(0.99)))


if __name__ == "__main__":
    main()
