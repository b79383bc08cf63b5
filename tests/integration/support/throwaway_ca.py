"""A throw-away certificate authority for the wss:// tests, made with the openssl command line.

ThrowawayCa(directory) writes, in `directory`: ca.pem (the CA, self-signed), server.pem/server.key (signed by
the CA for DNS:localhost, IP:127.0.0.1 and IP:::1) and client.pem/client.key (signed by the CA, for
client authentication). EC P-256 keys: quick to make, valid for two days.
"""
import os
import subprocess

DAYS = "2"
EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


class ThrowawayCa:
    def __init__(self, directory):
        self.dir = directory
        openssl("req", "-x509", *EC_KEY, "-keyout", "ca.key", "-out", "ca.pem", "-days", DAYS,
                "-subj", "/CN=wsloadgen test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
        self.issue("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
                                          "extendedKeyUsage=serverAuth\n")
        self.issue("client", "wsloadgen test client", "extendedKeyUsage=clientAuth\n")
        self.ca = self.path("ca.pem")
        self.server_cert, self.server_key = self.path("server.pem"), self.path("server.key")
        self.client_cert, self.client_key = self.path("client.pem"), self.path("client.key")

    def path(self, name):
        return os.path.join(self.dir, name)

    def issue(self, name, common_name, extensions):
        """NAME.key and NAME.pem, signed by the CA, with the given X.509 v3 extensions."""
        with open(self.path(f"{name}.ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\n" + extensions)
        openssl("req", *EC_KEY, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={common_name}",
                cwd=self.dir)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", DAYS, "-extfile", f"{name}.ext", cwd=self.dir)
