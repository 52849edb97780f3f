#include "tunnel/handles.hpp"

namespace tunnel {

void ensure_libssh2() {
  struct Library {
    Library() { libssh2_init(0); }
    ~Library() { libssh2_exit(); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
  };
  static const Library library;  // initialised once, thread-safely; torn down at exit
}

}  // namespace tunnel
