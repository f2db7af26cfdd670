#pragma once

#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>
#include <QtCore/QStringList>

/*!
    \struct QRustBridgeOptions
    \brief How a QRustBridge finds, starts and talks to its Rust backend.

    Only \c binaryName is required. Lookup order for the executable is
    documented on QRustBinaryLocator. Timeouts are in milliseconds.
*/
struct QRustBridgeOptions
{
    QString binaryName;                 //!< Backend executable name (required).
    QString binaryPath;                 //!< Explicit path to the backend; tried first.
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
};
