"""The leak verdict on an echo server built on Boost.Beast (C++): healthy it passes, with bugs it is caught and attributed."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "support"))
from verdict_on_real_servers import RealServerVerdicts  # noqa: E402


class Verdict(RealServerVerdicts, unittest.TestCase):
    RUNTIME = "boost-beast"


if __name__ == "__main__":
    unittest.main()
