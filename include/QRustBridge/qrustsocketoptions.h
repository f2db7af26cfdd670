#pragma once

#include <QtCore/QList>

/*!
    \struct QRustSocketOptions
    \brief Reconnect policy for QRustBridge::connectToServer().

    With \c autoReconnect, a lost connection is retried after
    \c reconnectBaseDelayMs, doubling each attempt up to \c reconnectMaxDelayMs,
    at most \c maxReconnectAttempts times.

    Who may serve the socket: on Linux the server's uid is read from the
    connected socket (SO_PEERCRED; getpeereid() on macOS and the BSDs) before
    anything it sends is trusted. Accepted are the client's own uid, root
    (uid 0: a system daemon), and every uid in \c trustedServerUids (a service
    account such as \c _mydaemon). Anyone else is refused with StartFailed,
    naming the server's uid and this option.
*/
struct QRustSocketOptions
{
    bool autoReconnect = false;        //!< Reconnect after the connection is lost.
    int reconnectBaseDelayMs = 100;    //!< Delay before the first attempt.
    int reconnectMaxDelayMs = 30000;   //!< Upper bound of the doubling delay.
    int maxReconnectAttempts = 10;     //!< Attempts before reconnectFailed() is emitted.
    QList<uint> trustedServerUids;     //!< Server uids accepted besides the client's own and root (local sockets only).
};
