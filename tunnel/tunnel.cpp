#include "tunnel/tunnel.hpp"

#include "tunnel/endpoint.hpp"
#include "tunnel/forwarder.hpp"
#include "tunnel/session.hpp"
#include "tunnel/socket_dir.hpp"

#include <vector>

namespace tunnel {

struct Tunnel::Impl {
  Endpoint endpoint;
  std::vector<std::unique_ptr<SocketDir>> socket_dirs;  // one per target; outlive the forwarder
  std::unique_ptr<Forwarder> forwarder;
};

OpenResult Tunnel::open(const Options& options) {
  auto endpoint = resolve_endpoint(options);
  if (!endpoint) return {nullptr, endpoint.error()};
  auto session = open_session(*endpoint);
  if (!session) return {nullptr, session.error()};
  auto impl = std::make_unique<Impl>();
  impl->endpoint = *endpoint;
  std::vector<SocketDir*> sockets;
  for (const Target& target : endpoint->targets) {  // a directory each: two targets may share a port
    auto dir = SocketDir::create(target.port);
    if (!dir) return {nullptr, dir.error()};
    sockets.push_back(dir->get());
    impl->socket_dirs.push_back(std::move(*dir));
  }
  impl->forwarder = std::make_unique<Forwarder>(*endpoint, std::move(*session), std::move(sockets));
  return {std::unique_ptr<Tunnel>(new Tunnel(std::move(impl))), ""};
}

Tunnel::Tunnel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Tunnel::~Tunnel() {
  impl_->forwarder.reset();    // joins the thread, closes the session
  impl_->socket_dirs.clear();  // then the sockets and their directories go
}

const std::string& Tunnel::socket_directory(std::size_t target) const {
  return impl_->socket_dirs.at(target)->directory();
}
int Tunnel::port(std::size_t target) const {
  return impl_->endpoint.targets.at(target).port;
}
const std::string& Tunnel::user() const {
  return impl_->endpoint.user;
}
bool Tunnel::serving(std::size_t target) const {
  return impl_->forwarder->serving(target);
}
std::string Tunnel::last_error() const {
  return impl_->forwarder->last_error();
}

}  // namespace tunnel
