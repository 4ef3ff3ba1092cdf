// What the two TCP channels (channel_posix.cpp, channel_windows.cpp) share: the address
// checked and the errors of binding said the same way.
#pragma once

#include "platform/channel.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>

#include <cerrno>
#include <memory>
#include <string>
#include <system_error>

namespace mil {

// `address` ("" for 127.0.0.1) and `port` as an endpoint; std::system_error when either is bad.
inline boost::asio::ip::tcp::endpoint tcp_endpoint(const std::string& address, int port) {
    boost::system::error_code ec;
    auto ip = boost::asio::ip::make_address(address.empty() ? "127.0.0.1" : address, ec);
    if (ec)
        throw std::system_error(EINVAL, std::generic_category(), "bad address '" + address + "'");
    if (port < 0 || port > 65535)
        throw std::system_error(EINVAL, std::generic_category(), "bad port");
    return {ip, static_cast<unsigned short>(port)};
}

// A new Impl(address, port), Asio's errors turned into std::system_error.
template <typename Impl>
std::unique_ptr<TcpChannel> listen_tcp(const std::string& address, int port) {
    try {
        return std::make_unique<Impl>(address, port);
    } catch (const boost::system::system_error& e) {
        throw std::system_error(e.code().value(), std::system_category(),
                                fmt::format("cannot listen on {}:{}", address, port));
    }
}

} // namespace mil
