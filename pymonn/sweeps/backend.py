"""Where runs execute: in this process one after the other, or on Dask workers.

``client`` (of :func:`~pymonn.sweeps.sweep` and :func:`~pymonn.sweeps.evolve`) picks the backend:

============================  =====================================================================
``'serial'``                  this process, one run after the other (no Dask needed)
``None``                      an embedded ``LocalCluster``: one single-threaded worker process per
                              core, started here and closed when the call returns (or is interrupted)
an int ``n``                  the same with ``n`` worker processes
a ``distributed.Client``      its cluster (kept open: it is yours)
a cluster object              a ``LocalCluster``, ``dask_jobqueue.SLURMCluster``, ...: a client to it
                              is opened and closed here; the cluster stays yours
``'tcp://host:8786'``         a running scheduler at that address
============================  =====================================================================

Worker processes of the embedded cluster are single-threaded (``OMP_NUM_THREADS``,
``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``NUMBA_NUM_THREADS`` = 1) and share numba's
on-disk cache with this process (the library's kernels are compiled with ``cache=True`` into one
cache per installation, so a worker loads them instead of compiling them again).

Faults: a run whose worker process dies is submitted again, at most ``retries`` times, and then
gives a row with the error. The embedded scheduler lets a task fail once (``allowed_failures=0``)
so that ``retries`` counts exactly; a scheduler of your own first applies its own
``distributed.scheduler.allowed-failures`` (3 by default) to each submission.
"""

from __future__ import annotations

import logging
import math
import numbers
import os
import pickle
from collections import deque
from collections.abc import Iterator
from typing import Any

from ..errors import ConfigurationError, ConfigurationTypeError
from .points import Run
from .tasks import execute

#: Environment of the embedded cluster's worker processes: one thread each.
WORKER_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _is_serial(client: Any) -> bool:
    return isinstance(client, str) and client == "serial"


def _is_client(obj: Any) -> bool:
    return type(obj).__name__ == "Client" and hasattr(obj, "submit") and hasattr(obj, "scheduler_info")


def _is_cluster(obj: Any) -> bool:
    return hasattr(obj, "scheduler_address") and hasattr(obj, "close") and not _is_client(obj)


def check_client(client: Any, who: str) -> Any:
    """``client`` when it names a backend (see the module docstring); a named error otherwise."""
    if client is None or _is_serial(client) or _is_client(client) or _is_cluster(client):
        return client
    if isinstance(client, numbers.Integral) and not isinstance(client, bool):
        if client < 1:
            raise ConfigurationError(f"{who}: client={client!r} asks for no workers; give an int >= 1")
        return int(client)
    if isinstance(client, str) and "://" in client:
        return client
    raise ConfigurationTypeError(
        f"{who}: client must be None (an embedded LocalCluster), 'serial', a number of worker processes, a "
        f"distributed.Client, a Dask cluster or a scheduler address such as 'tcp://host:8786'; got {client!r}")


def check_retries(retries: Any, who: str) -> int:
    if isinstance(retries, bool) or not isinstance(retries, numbers.Integral) or retries < 0:
        raise ConfigurationError(f"{who}: retries must be an int >= 0, got {retries!r}")
    return int(retries)


def check_picklable(task: Any, who: str) -> None:
    """Raise a ConfigurationError when ``task`` cannot be sent to Dask workers."""
    try:
        import cloudpickle
    except ImportError as exc:  # pragma: no cover - cloudpickle comes with distributed
        raise ConfigurationError(f"{who}: Dask is not installed: pip install 'pymonn[sweep]'") from exc
    try:
        pickle.dumps(task)
    except Exception:
        try:
            cloudpickle.dumps(task)
        except Exception as exc:
            raise ConfigurationError(
                f"{who}: {getattr(task, 'name', task)} cannot be sent to Dask workers (pickling failed: "
                f"{type(exc).__name__}: {exc}); define the function at module level and keep open files, locks, "
                "networks and other unpicklable objects out of its closure and arguments, or use client='serial'"
            ) from exc


class SerialBackend:
    """Runs in this process, one at a time, in submission order."""

    workers = 1

    def __init__(self) -> None:
        self.queue: deque = deque()

    def __enter__(self) -> SerialBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.queue.clear()

    def submit(self, run: Run, task: Any, extra: dict | None = None) -> None:
        run.attempts += 1
        self.queue.append((run, task, extra))

    @property
    def pending(self) -> int:
        return len(self.queue)

    def next_done(self) -> list[tuple[Run, dict]]:
        run, task, extra = self.queue.popleft()
        return [(run, execute(task, run.params, run.seed, extra))]

    def cancel(self) -> None:
        self.queue.clear()


def _failed(error: str) -> dict[str, Any]:
    return {"values": {}, "extra": {}, "error": error, "wall_s": math.nan, "worker": ""}


def _stop_workers(cluster: Any) -> None:
    """Stop the embedded cluster's worker processes at once (a nanny otherwise waits 4 s for a busy one)."""
    import asyncio

    nannies = list(getattr(cluster, "workers", {}).values())

    async def stop() -> None:
        await asyncio.gather(*(n.close(timeout=0.5, reason="pymonn-stop") for n in nannies if hasattr(n, "close")),
                             return_exceptions=True)

    try:
        cluster.sync(stop)
    except Exception:  # the cluster's own close() still follows
        pass


class DaskBackend:
    """Runs on Dask workers; see the module docstring for what ``client`` may be."""

    def __init__(self, client: Any, retries: int, who: str) -> None:
        self.spec = client
        self.retries = retries
        self.who = who
        self.client = None
        self.cluster = None
        self.own_client = False
        self.futures: dict = {}
        self.completed = None

    def __enter__(self) -> DaskBackend:
        try:
            import distributed
        except ImportError as exc:
            raise ConfigurationError(f"{self.who}: running on Dask needs the extra 'sweep': "
                                     "pip install 'pymonn[sweep]' (or client='serial')") from exc
        spec = self.spec
        try:
            if spec is None or isinstance(spec, int):
                import dask

                # one run per worker at a time (a killed worker takes only its own run with it), and
                # no log line for a worker death: the table records it
                with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
                    self.cluster = distributed.LocalCluster(
                        n_workers=cores() if spec is None else spec, threads_per_worker=1, processes=True,
                        dashboard_address=":0", silence_logs=logging.CRITICAL, env=dict(WORKER_ENV),
                        scheduler_kwargs={"allowed_failures": 0})
                self.client = distributed.Client(self.cluster, set_as_default=False)
                self.own_client = True
            elif _is_client(spec):
                self.client = spec
            else:
                self.client = distributed.Client(spec, set_as_default=False)  # a cluster or a scheduler address
                self.own_client = True
        except BaseException:
            self.close()
            raise
        self.completed = distributed.as_completed([], loop=self.client.loop)  # the loop of this client's futures
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Cancel what still runs; close the client and the cluster opened here (never the user's)."""
        busy = bool(self.futures)
        try:
            self.cancel()
        finally:
            if self.own_client and self.client is not None:
                self.client.close()
            if self.cluster is not None:
                if busy:  # stopped with runs going (Ctrl-C, an error): do not wait for them to finish
                    _stop_workers(self.cluster)
                self.cluster.close()
            self.client = self.cluster = None

    @property
    def workers(self) -> int:
        """Worker threads now (at least 1): how many runs can go at once."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:
            return 1

    @property
    def pending(self) -> int:
        return len(self.futures)

    def submit(self, run: Run, task: Any, extra: dict | None = None) -> None:
        run.attempts += 1
        future = self.client.submit(execute, task, run.params, run.seed, extra, pure=False,
                                    key=f"pymonn-run-{run.key}-{run.attempts}")
        self.futures[future] = (run, task, extra)
        self.completed.add(future)

    def next_done(self) -> list[tuple[Run, dict]]:
        """Wait for runs to end; a run whose worker died is resubmitted (and not returned)."""
        from distributed.scheduler import KilledWorker

        out = []
        for future in self.completed.next_batch(block=True):
            run, task, extra = self.futures[future]
            if future.status not in ("finished", "error", "cancelled"):
                # its result was lost with a worker after it finished: the scheduler computes it again
                self.completed.add(future)
                continue
            del self.futures[future]
            if future.status == "finished":
                try:
                    out.append((run, future.result()))
                except Exception as exc:  # the result could not be fetched after all
                    out.append((run, _failed(f"the result could not be fetched from the worker: "
                                             f"{type(exc).__name__}: {exc}")))
            elif future.status == "cancelled":
                out.append((run, _failed("the run was cancelled (the client lost its scheduler)")))
            else:
                exc = future.exception()
                if isinstance(exc, KilledWorker):
                    if run.attempts <= self.retries:
                        future.release()
                        self.submit(run, task, extra)
                        continue
                    out.append((run, _failed(
                        f"the worker process running it died ({run.attempts} of {run.attempts} attempts, "
                        f"retries={self.retries}); a run may run out of memory or crash its process")))
                else:
                    out.append((run, _failed(
                        f"could not run on the worker: {type(exc).__name__}: {exc} (the workers need pymonn and the "
                        "modules the function comes from)")))
            future.release()
        return out

    def cancel(self) -> None:
        if self.client is not None and self.futures:
            try:
                self.client.cancel(list(self.futures), force=True)
            except Exception:  # the connection may be gone already
                pass
        self.futures.clear()


def backend(client: Any, retries: int, who: str) -> SerialBackend | DaskBackend:
    return SerialBackend() if _is_serial(client) else DaskBackend(client, retries, who)


def drain(runner: SerialBackend | DaskBackend) -> Iterator[list[tuple[Run, dict]]]:
    """Batches of finished runs until nothing is pending."""
    while runner.pending:
        batch = runner.next_done()
        if batch:
            yield batch
