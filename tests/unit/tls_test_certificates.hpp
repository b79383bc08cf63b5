// Test support: self-signed certificates made in-process with OpenSSL, written to PEM files for TlsClientContext.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

namespace wsl::testing {

// A self-signed EC P-256 certificate for the given subjectAltName (e.g. "DNS:localhost,IP:127.0.0.1"),
// valid from now for a day; its own CA, so a client trusts it by loading cert_file as its ca_file.
struct TestCertificate {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
  std::string cert_file;
  std::string key_file;

  TestCertificate(const std::string& common_name, const std::string& subject_alt_name, const std::string& file_stem) {
    key.reset(EVP_EC_gen("P-256"));
    cert.reset(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());
    add_extension(NID_basic_constraints, "critical,CA:TRUE");
    add_extension(NID_subject_alt_name, subject_alt_name);
    X509_sign(cert.get(), key.get(), EVP_sha256());

    // The pid in the name: ctest runs each test as its own process, in parallel, and every process makes
    // its own key; a shared file name would let one process trust another's certificate.
    const auto dir = std::filesystem::path(::testing::TempDir());
    const std::string stem = file_stem + "-" + std::to_string(::getpid());
    cert_file = (dir / (stem + ".pem")).string();
    key_file = (dir / (stem + ".key")).string();
    write_pem(cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
    write_pem(key_file, [&](FILE* f) {
      return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
  }

  ~TestCertificate() {
    std::error_code ignored;
    std::filesystem::remove(cert_file, ignored);
    std::filesystem::remove(key_file, ignored);
  }

 private:
  void add_extension(int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }

  template <typename Write>
  static void write_pem(const std::string& path, Write write) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return;
    write(f);
    std::fclose(f);
  }
};

}  // namespace wsl::testing
