#pragma once

#include <QRustBridge/qruststream.h>

#include <QtCore/QTimer>

#include <deque>

class QRustBridgePrivate;

class QRustStreamPrivate
{
public:
    explicit QRustStreamPrivate(QRustStream *q);

    // Called by the bridge's pending table and dispatcher.
    void deliverChunk(const QJsonValue &data);
    void complete(const QJsonValue &result);
    void fail(const QRustBridgeError &error);

    QRustStream *q;
    QRustBridgePrivate *bridge = nullptr;  // cleared once finished: a finished stream never calls back
    quint64 id = 0;
    QFuture<QJsonValue> future;
    std::deque<QJsonValue> buffer;
    QTimer inactivityTimer;
    qint64 chunks = 0;
    qint64 dropped = 0;
    int maxBuffered = 10000;
    bool finished = false;
};
