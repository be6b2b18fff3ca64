# SPDX-License-Identifier: MIT
# The anchor of bench/celery.sh: the same two tasks as `e2e_bench` (a square,
# and 20,000 iterations of s = (s + i*i) % 7) as Celery tasks, with a Redis
# broker and result backend (Debian's python3-celery, redis-server).
import os

from celery import Celery

URL = os.environ.get("CELERY_REDIS", "redis://127.0.0.1:6399/0")
app = Celery("tasklet_bench", broker=URL, backend=URL)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                broker_connection_retry_on_startup=True, worker_hijack_root_logger=False)


@app.task
def square(k):
    return k * k


@app.task
def compute(k):
    s = 0
    for i in range(20000):
        s = (s + i * i) % 7
    return s + k
