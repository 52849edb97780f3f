#include "tunnel/tunnel.hpp"

#include "tunnel/endpoint.hpp"
#include "tunnel/forwarder.hpp"
#include "tunnel/session.hpp"
#include "tunnel/socket_dir.hpp"

namespace tunnel {

struct Tunnel::Impl {
  Endpoint endpoint;
  std::unique_ptr<SocketDir> socket_dir;  // outlives the forwarder, which polls its socket
  std::unique_ptr<Forwarder> forwarder;
};

OpenResult Tunnel::open(const Options& options) {
  auto endpoint = resolve_endpoint(options);
  if (!endpoint) return {nullptr, endpoint.error()};
  auto session = open_session(*endpoint);
  if (!session) return {nullptr, session.error()};
  auto dir = SocketDir::create(endpoint->target_port);
  if (!dir) return {nullptr, dir.error()};
  auto impl = std::make_unique<Impl>();
  impl->endpoint = *endpoint;
  impl->socket_dir = std::move(*dir);
  impl->forwarder =
      std::make_unique<Forwarder>(*endpoint, std::move(*session), impl->socket_dir->listen_fd());
  return {std::unique_ptr<Tunnel>(new Tunnel(std::move(impl))), ""};
}

Tunnel::Tunnel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Tunnel::~Tunnel() {
  impl_->forwarder.reset();   // joins the thread, closes the session
  impl_->socket_dir.reset();  // then the socket and its directory go
}

const std::string& Tunnel::socket_directory() const {
  return impl_->socket_dir->directory();
}
int Tunnel::port() const {
  return impl_->endpoint.target_port;
}
const std::string& Tunnel::user() const {
  return impl_->endpoint.user;
}
std::string Tunnel::last_error() const {
  return impl_->forwarder->last_error();
}

}  // namespace tunnel
