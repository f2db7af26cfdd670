#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrustbridgeerror.h>
#include <QRustBridge/qrustbridgeoptions.h>
#include <QRustBridge/qrustsocketoptions.h>
#include <QRustBridge/qrusttcpoptions.h>

#include <QtCore/QFuture>
#include <QtCore/QJsonValue>
#include <QtCore/QObject>
#include <QtCore/QProcess>

#include <functional>
#include <memory>

class QRustBridgePrivate;
class QRustStream;
class QRustTransport;

/*!
    \class QRustBridge
    \brief Drives a Rust backend over newline-delimited JSON, without blocking the caller's thread.

    Start the backend with spawn() (child process, stdin/stdout) or attach to a
    running daemon with connectToServer() (local socket). Both resolve their
    future with \c true once the backend sent its ready event. Then
    sendCommand() returns a QFuture that finishes exactly once: with the
    backend's result, or with a QRustBridgeError (remote error, timeout,
    backend exit, disconnect, cancellation, ...). For many small requests
    the callback overload of sendCommand() skips the QFuture and is cheaper.

    Pipes, local sockets and plain TCP are read and written on the bridge's
    thread (one wake-up per small reply, as a hand-rolled QProcess client);
    long lines, bursts and big requests are parsed and serialized on a
    helper thread, so the bridge's thread never handles anything big. TLS
    and custom transports run on a private I/O thread. Signals and future
    continuations are delivered in the bridge's thread, in the order the
    backend sent them (docs/architecture.md).

    Requests are accepted only in the Running state; at any other time
    sendCommand() fails at once with Code::NotRunning (nothing is queued
    across a restart or a reconnect).
*/
class QRUSTBRIDGE_EXPORT QRustBridge : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
public:
    /*! Life cycle of the connection to the backend. */
    enum class State {
        NotRunning,   //!< Nothing started, or the backend is gone.
        Starting,     //!< Started; waiting for the ready event.
        Running,      //!< Ready: requests are accepted.
        Reconnecting, //!< Socket mode: connection lost, retrying with backoff.
        Stopping,     //!< kill() was called; waiting for the process to exit.
    };
    Q_ENUM(State)

    /*!
        Receives the reply of the callback overload of sendCommand():
        \a result with an \a error whose code() is NoError, or a null
        \a result with the error.
    */
    using ReplyHandler = std::function<void(const QJsonValue &result, const QRustBridgeError &error)>;

    /*! Creates an idle bridge; nothing starts until spawn(), connectToServer(), connectToHost() or connectTransport(). */
    explicit QRustBridge(const QRustBridgeOptions &options, QObject *parent = nullptr);
    /*! Fails every pending request and stream, then stops the backend (SIGTERM, SIGKILL after 250 ms). */
    ~QRustBridge() override;

    /*!
        Starts the backend found by QRustBinaryLocator as a child process.
        Resolves \c true once the ready event arrived; \c false (never an
        exception) if the binary is missing, cannot start, exits early, or the
        ready event does not come within readyTimeoutMs. lastError() says why.
    */
    QFuture<bool> spawn();
    /*!
        Connects to a backend daemon listening on the local socket \a socketPath.
        Resolves like spawn(). With \a socketOptions.autoReconnect a lost
        connection is retried (see QRustSocketOptions, reconnected(), reconnectFailed()).
    */
    QFuture<bool> connectToServer(const QString &socketPath,
                                  const QRustSocketOptions &socketOptions = {});
    /*!
        Connects to a backend listening on TCP \a host : \a port, over TLS
        when \a tcpOptions.useTls is set. Resolves like spawn(); reconnects like
        connectToServer(). Plain TCP is unauthenticated: keep it on loopback.
    */
    QFuture<bool> connectToHost(const QString &host, quint16 port, const QRustTcpOptions &tcpOptions = {});
    /*!
        Runs the protocol over a custom \a transport (taken over by the bridge
        and moved to its I/O thread; it must have no parent). Resolves like spawn().
    */
    QFuture<bool> connectTransport(QRustTransport *transport);

    /*!
        Sends \a method with \a params. The future finishes exactly once:
        with the result, or failed with a QRustBridgeError. QFuture::cancel()
        cancels the request (see QRustBridgeOptions::cancelMethod).
    */
    QFuture<QJsonValue> sendCommand(const QString &method, const QJsonValue &params = {});
    /*!
        Sends \a method with \a params and calls \a onReply exactly once, in
        the bridge's thread, with the result or the error (the same errors as
        the QFuture overload, except that there is nothing to cancel). No
        QFuture is created: with many small requests in flight this gives
        several times the throughput in a quarter of the memory
        (docs/reply-handlers.md, docs/benchmarks.md).

        \a context guards the call like a connection's context: once it is
        destroyed, \a onReply is dropped without being called (the request
        itself still completes). It must live in the bridge's thread; pass
        nullptr for no guard. Not running: \a onReply gets Code::NotRunning
        from the event loop, never from inside this call, and still gets it
        if the bridge is destroyed before the event loop runs.
    */
    void sendCommand(const QString &method, const QJsonValue &params, const QObject *context,
                     ReplyHandler onReply);
    /*!
        Sends \a method and returns a stream of chunks followed by one final
        result. The stream is parented to the bridge. Not running: the
        stream is returned already failed with Code::NotRunning.
    */
    QRustStream *sendCommandStreaming(const QString &method, const QJsonValue &params = {});

    /*!
        Typed request, see docs/typed-commands.md. Defined in
        qrusttypedcommand.h: include it (or <QRustBridge/QRustBridge>) to call this.
    */
    template <typename Command>
    QFuture<typename Command::Result> send(const typename Command::Params &params);

    /*!
        Stops the backend. Stdio mode: SIGTERM, then SIGKILL after 5 s.
        Socket mode: closes the connection (the daemon keeps running) and
        stops any reconnect attempts. Pending requests fail at once with
        ProcessExited (stdio) or Disconnected (socket).
    */
    void kill();

    /*! True in the Running state: requests are accepted. */
    bool isRunning() const;
    /*! The current life-cycle state. */
    State state() const;
    /*! The last bridge-level error (start failure, exit, disconnect). */
    QRustBridgeError lastError() const;
    /*! The options this bridge was created with. */
    const QRustBridgeOptions &options() const;
    /*! Requests and streams waiting for their response. */
    int pendingCount() const;
    /*! The backend's process id in stdio mode, else 0. */
    qint64 processId() const;

Q_SIGNALS:
    /*! The backend sent its ready event (after every successful start or reconnect). */
    void ready();
    /*! The backend sent event \a name with \a data (the ready event itself is not repeated here). */
    void eventReceived(const QString &name, const QJsonValue &data);
    /*! One line the backend wrote to stderr (stdio mode), without its newline. */
    void standardErrorLine(const QString &line);
    /*! Stdio mode: the backend process ended, for any reason. */
    void exited(int exitCode, QProcess::ExitStatus status);
    /*! Socket and TCP modes: the connection was closed or lost. */
    void disconnected();
    /*! Auto-reconnect succeeded and the ready event arrived again. */
    void reconnected();
    /*! Auto-reconnect gave up after maxReconnectAttempts; the bridge is NotRunning. */
    void reconnectFailed();
    /*! The life-cycle state changed to \a state. */
    void stateChanged(QRustBridge::State state);
    /*! isRunning() changed to \a running. */
    void runningChanged(bool running);
    /*! A bridge-level failure: start failure, unexpected exit, lost connection. Also in lastError(). */
    void errorOccurred(const QRustBridgeError &error);

private:
    // For send<>(): QFuture::cancel() on \a typed cancels \a raw (in Qt 6.4 a
    // continuation's cancel does not reach its parent). Checked with the
    // bridge's own cancellation checks: no object per request.
    void forwardCancel(const QFuture<void> &typed, const QFuture<QJsonValue> &raw);

    friend class QRustBridgePrivate;
    std::unique_ptr<QRustBridgePrivate> d;
};
