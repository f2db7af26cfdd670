#pragma once

/*!
    \struct QRustSocketOptions
    \brief Reconnect policy for QRustBridge::connectToServer().

    With \c autoReconnect, a lost connection is retried after
    \c reconnectBaseDelayMs, doubling each attempt up to \c reconnectMaxDelayMs,
    at most \c maxReconnectAttempts times.
*/
struct QRustSocketOptions
{
    bool autoReconnect = false;        //!< Reconnect after the connection is lost.
    int reconnectBaseDelayMs = 100;    //!< Delay before the first attempt.
    int reconnectMaxDelayMs = 30000;   //!< Upper bound of the doubling delay.
    int maxReconnectAttempts = 10;     //!< Attempts before reconnectFailed() is emitted.
};
