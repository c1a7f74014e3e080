// The portable binary's name lookups (linked into build/portable/dlr-webhook
// alone; see the Makefile's `portable`).
//
// The portable binary is linked statically against glibc. A static glibc
// still reads /etc/nsswitch.conf, and for a source it does not carry
// ("systemd", "sss", "ldap", "mymachines", "db", ...) it dlopen()s that
// module's shared library from the host: a library built for the host's own
// glibc, loaded into a program carrying another one, which may crash or
// misbehave. The two sources built into the static glibc are "files" and
// "dns", so before main() every database the program (libfcgi, MariaDB's
// client, OpenSSL) may look names up in is set to those alone: host names from
// /etc/hosts then DNS, users and services from /etc/passwd and /etc/services.
// No module is ever loaded.
//
// For the same reason the program loads no shared library at all: the link
// wraps dlopen (-Wl,--wrap=dlopen,--wrap=dlerror), which then always fails
// with the message below. Its callers: MariaDB's client plugins
// (caching_sha2_password, ed25519, ...: see DLR_MYSQL_NO_PLUGINS in
// common/store/mysql/mysql_store.cc), OpenSSL's engines and providers, SQLite's
// extensions (never enabled).
#include <nss.h>

extern "C" {

void* __wrap_dlopen(const char*, int) { return nullptr; }

char* __wrap_dlerror() {
  static char message[] = "this program is statically linked and loads no shared library";
  return message;
}

}  // extern "C"

namespace {

__attribute__((constructor)) void PortableNameLookups() {
  static const char* const kFilesDns[] = {"hosts", "networks"};
  static const char* const kFiles[] = {"passwd", "group", "shadow", "services", "protocols"};
  for (const char* db : kFilesDns) __nss_configure_lookup(db, "files dns");
  for (const char* db : kFiles) __nss_configure_lookup(db, "files");
}

}  // namespace
