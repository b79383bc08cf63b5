"""The echo servers' shared command line (../README.md), parsed for the python3-websockets server."""
import argparse


def non_negative(kind):
    def parse(text):
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"{text} is below 0")
        return value
    return parse


def parse_options(argv=None):
    parser = argparse.ArgumentParser(description="Echo server on python3-websockets with switchable leak bugs.")
    parser.add_argument("--port", type=non_negative(int), default=0)
    parser.add_argument("--heartbeat", type=non_negative(float), default=5.0)
    parser.add_argument("--no-heartbeat", action="store_true")
    parser.add_argument("--leak-bytes", type=non_negative(int), default=0)
    parser.add_argument("--leak-fd", action="store_true")
    parser.add_argument("--leak-task", action="store_true")
    parser.add_argument("--leak-on", choices=("abrupt", "clean"), default="abrupt")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args(argv)
    # --heartbeat 0 means off, like --no-heartbeat, rather than pinging in a busy loop.
    if options.no_heartbeat:
        options.heartbeat = 0.0
    return options
