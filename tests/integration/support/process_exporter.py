"""A minimal Prometheus endpoint for another process: process_open_fds and process_resident_memory_bytes of --pid.

Stands in for a server's own /metrics (what client libraries export), so remote monitoring can be tested
against a server whose /proc the generator is not allowed to read. Prints "metrics on http://HOST:PORT/metrics".
"""
import argparse
import http.server
import os


def metrics_text(pid):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/statm") as f:
        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return ("# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n"
            f"process_open_fds {fds}\n"
            "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
            "# TYPE process_resident_memory_bytes gauge\n"
            f"process_resident_memory_bytes {rss}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    pid = parser.parse_args().pid

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = metrics_text(pid).encode() if self.path == "/metrics" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    print(f"metrics on http://127.0.0.1:{server.server_port}/metrics", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
