"""Prometheus text for the python3-websockets echo server's GET /metrics: /proc/self, gc and asyncio."""
import asyncio
import gc
import os


def gauge(name, help_text, value):
    return f"# HELP {name} {help_text}\n# TYPE {name} gauge\n{name} {value}\n"


def metrics_text():
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return (gauge("process_resident_memory_bytes", "Resident memory size in bytes.", rss)
            # The directory listing holds one descriptor of its own while it reads.
            + gauge("process_open_fds", "Number of open file descriptors.", len(os.listdir("/proc/self/fd")))
            # A walk over every tracked object: milliseconds at this server's size, cheaper than tracemalloc.
            + gauge("python_gc_objects", "Objects tracked by the garbage collector.", len(gc.get_objects()))
            # A leaked ticker task stays in this set.
            + gauge("python_asyncio_tasks", "Unfinished asyncio tasks.", len(asyncio.all_tasks())))
