#pragma once

#include <QRustBridge/qruststream.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>

#include <deque>

class QRustBridgePrivate;

class QRustStreamPrivate
{
public:
    explicit QRustStreamPrivate(QRustStream *q);

    // Called by the bridge's pending table and dispatcher.
    void deliverChunk(const QJsonValue &data);
    // Ends the stream, once: failed(*error) if there is an error, else finished(result).
    void finish(const QRustBridgeError *error, const QJsonValue &result);
    // Counts chunks the pull buffer could not keep; warns the first time.
    void countDropped(qint64 count);

    // The inactivity timeout is not restarted per chunk (a QTimer restart
    // costs more than the rest of a chunk's delivery): chunks only note the
    // time, and the timer, when it fires, re-arms itself for the remainder.
    void armInactivityTimer(int timeoutMs);
    // On the timer's timeout: true if the stream really was silent for the
    // whole timeout; otherwise re-arms the timer and returns false.
    bool inactivityExpired();

    QRustStream *q;
    QRustBridgePrivate *bridge = nullptr;  // cleared once finished: a finished stream never calls back
    quint64 id = 0;
    QFuture<QJsonValue> future;
    std::deque<QJsonValue> buffer;
    QTimer inactivityTimer;
    QElapsedTimer lastActivity;
    int inactivityTimeoutMs = 0;
    qint64 chunks = 0;
    qint64 dropped = 0;
    int maxBuffered = 10000;  // QRustBridgeOptions::streamBufferLimit
    bool finished = false;
};
