// The replay driver: runs a fuzz target's LLVMFuzzerTestOneInput on saved
// inputs, without libFuzzer, so that `make test` replays the corpus and every
// crash ever found as ordinary tests (built with the project's compiler, and
// with the sanitizers under SANITIZE=1).
//
//   replay_TARGET PATH...   each PATH a file, or a directory whose regular
//                           files are replayed in name order
//
// Prints "replay TARGET: N inputs ok" and exits 0; an input that breaks an
// invariant aborts (the sanitizer's report, or ours, names it); a PATH that
// cannot be read exits 1.
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace {

char g_current[4096];  // the input being replayed, for the crash report

void ReportCurrent() {
  const char prefix[] = "\nreplay: crashed on input ";
  (void)!write(STDERR_FILENO, prefix, sizeof prefix - 1);
  (void)!write(STDERR_FILENO, g_current, std::strlen(g_current));
  (void)!write(STDERR_FILENO, "\n", 1);
}

void OnFatalSignal(int sig) {
  ReportCurrent();
  signal(sig, SIG_DFL);
  raise(sig);
}

bool ListInputs(const std::string& path, std::vector<std::string>* out) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  if (!S_ISDIR(st.st_mode)) {
    out->push_back(path);
    return true;
  }
  DIR* dir = opendir(path.c_str());
  if (!dir) return false;
  std::vector<std::string> files;
  while (struct dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;  // ., .., .gitkeep
    std::string full = path + "/" + name;
    if (stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files.push_back(full);
  }
  closedir(dir);
  std::sort(files.begin(), files.end());
  out->insert(out->end(), files.begin(), files.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string name = argv[0];
  name = name.substr(name.rfind('/') + 1);
  if (name.rfind("replay_", 0) == 0) name = name.substr(7);
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!ListInputs(argv[i], &inputs)) {
      std::fprintf(stderr, "replay %s: cannot read %s\n", name.c_str(), argv[i]);
      return 1;
    }
  }
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(ReportCurrent);
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) signal(sig, OnFatalSignal);
  for (const std::string& path : inputs) {
    std::snprintf(g_current, sizeof g_current, "%s", path.c_str());
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("replay %s: %zu inputs ok\n", name.c_str(), inputs.size());
  return 0;
}
