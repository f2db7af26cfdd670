#pragma once

#include <QRustBridge/qrustbridgeerror.h>
#include <QRustBridge/qrustsocketoptions.h>

#include <functional>
#include <optional>

class BridgeLog;
class QRustBinaryLocator;
class QRustTransport;
struct QRustTcpOptions;
struct QRustBridgeOptions;

// How the bridge reaches its backend, chosen once by spawn(),
// connectToServer(), connectToHost() or connectTransport() and kept for the
// connection's life: what builds a transport (again for every reconnect),
// what losing it means, and whether it may be reconnected.
struct TransportFactory
{
    // A new transport, or nullptr with `error` set. Empty for
    // connectTransport(): the caller's one transport cannot be rebuilt.
    std::function<QRustTransport *(QRustBridgeError &error)> create;
    // A process exits (exited(), ProcessExited); a connection disconnects
    // (disconnected(), Disconnected).
    bool isProcess = false;
    // TLS (decrypting a big reply would stall the bridge's thread) and
    // custom transports (whose code we do not know) run on an I/O thread;
    // pipes and plain sockets on the bridge's thread (docs/architecture.md).
    bool needsOwnThread = false;
    // Set for socket and TCP connections: a lost one may be retried with this policy.
    std::optional<QRustSocketOptions> reconnectPolicy;

    QRustBridgeError::Code lostCode() const
    {
        return isProcess ? QRustBridgeError::Code::ProcessExited : QRustBridgeError::Code::Disconnected;
    }

    // spawn(): the backend found by `locator`; `options`, `locator` and
    // `log` are the bridge's and outlive the factory.
    static TransportFactory process(const QRustBridgeOptions &options, QRustBinaryLocator &locator, BridgeLog &log);
    static TransportFactory localSocket(const QString &path, const QRustSocketOptions &socketOptions);
    static TransportFactory tcp(const QString &host, quint16 port, const QRustTcpOptions &tcpOptions);
    static TransportFactory custom();
};
