// What a server backend plugin (dlr-webhook-postgres.so, dlr-webhook-mysql.so)
// and the responder loading it must agree on (see common/store/factory/server_backends.h).
#ifndef DLR_FCGI_APP_BACKEND_PLUGIN_H_
#define DLR_FCGI_APP_BACKEND_PLUGIN_H_

#include "common/base/version.h"

// The plugin and the responder share C++ types (Store, Status, std::string),
// so they must come from one build: same version, same compiler, same
// sanitizers. The plugin exports this text as "dlr_plugin_build".
#if defined(__SANITIZE_ADDRESS__)
#define DLR_PLUGIN_SANITIZE "+asan"
#else
#define DLR_PLUGIN_SANITIZE ""
#endif
#define DLR_PLUGIN_BUILD "dlr-webhook " DLR_WEBHOOK_VERSION " " __VERSION__ DLR_PLUGIN_SANITIZE

#endif  // DLR_FCGI_APP_BACKEND_PLUGIN_H_
