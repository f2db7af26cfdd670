#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QtGlobal>

#include <functional>

/*!
    \struct QRustBridgeOptions
    \brief How a QRustBridge finds, starts and talks to its Rust backend.

    Only \c binaryName is required. Lookup order for the executable is
    documented on QRustBinaryLocator. Timeouts are in milliseconds.
*/
struct QRustBridgeOptions
{
    QString binaryName;                 //!< Backend executable name (required).
    QString binaryPath;                 //!< Explicit path to the backend; when set, the only candidate.
    QString envVarName;                 //!< Environment variable that may hold the backend path.
    QString platformPackagePrefix;      //!< Looks in `<appDir>/<prefix>-<os>-<arch>/`.
    QStringList localPaths;             //!< Extra candidate paths, tried in order.
    bool searchSystemPath = true;       //!< Finally look on PATH.
    QStringList cliArgs = {QStringLiteral("--management")}; //!< Arguments passed to the backend.
    int requestTimeoutMs = 30000;       //!< Per request, from sendCommand() to its response; queued time counts.
    int streamTimeoutMs = -1;           //!< Stream inactivity timeout, restarted per chunk; -1 = requestTimeoutMs.
    int readyTimeoutMs = 10000;         //!< How long spawn()/connectToServer() wait for the ready event.
    qint64 maxPayloadSize = 50 * 1024 * 1024; //!< Longest line accepted or sent, in bytes (both directions).
    QProcessEnvironment environment;    //!< Variables merged over the inherited environment.
    QString readyEventName = QStringLiteral("ready"); //!< Event that completes the handshake.
    QString cancelMethod;               //!< Method sent when a request is cancelled; empty = send nothing.
    /*! Relative candidates (localPaths, the dev paths) also resolve against the
        working directory. Off: they resolve against the application's directory
        only, so a planted `./rust/target/release/<name>` is never run. */
    bool searchWorkingDirectory = false;
    /*! Receives what the bridge logs about itself (start, exit, reconnect,
        skipped lines, refused peers) with a level, a message and structured
        data. Unset: the \c qrustbridge logging category. Called on the
        bridge's thread. */
    std::function<void(QtMsgType level, const QString &message, const QJsonObject &data)> logger;
    /*! Writes every line sent and received, timestamped, to the logging
        category \c qrustbridge.trace (debug level). Also switched on for every
        bridge by the environment variable \c QRUSTBRIDGE_TRACE=1. Off: costs
        nothing. */
    bool traceMessages = false;
    /*! Chunks a QRustStream keeps for takeChunks() while nobody is connected to
        chunkReceived(); beyond it the oldest are dropped and counted. */
    int streamBufferLimit = 10000;
    /*! Bytes of lines parsed (on the I/O or helper thread) but not yet taken
        by the bridge's thread above which reading stops, so a busy
        app thread pushes back on the backend. A single longer line (up to
        maxPayloadSize) is still read whole. Reading also stops above 64 Ki
        waiting messages, whatever their size. */
    qint64 inboundHighWaterMark = 16 * 1024 * 1024;
    /*! Run every transport on a private I/O thread, as TLS and custom
        transports always do. Pipes and plain sockets are otherwise read and
        written on the bridge's thread, which saves two thread wake-ups per
        reply; with this set, the backend's output is read (up to
        inboundHighWaterMark) while the bridge's thread is busy, instead of
        waiting in the pipe or socket. Read when a connection starts. */
    bool dedicatedIoThread = false;
    /*! The schema hash of the commands this client was generated for (the
        generated header's \c schema; its \c expectSchema() sets this). When
        set and the backend's ready event carries another \c "schema", the
        bridge logs a warning naming both; empty: no check. */
    QString expectedSchema;
    /*! With expectedSchema set: a backend with another schema (or none) fails
        the start with Code::SchemaMismatch instead of only a warning. */
    bool failOnSchemaMismatch = false;
};
