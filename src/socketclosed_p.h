#pragma once

#include <QtCore/QString>

#include <QtCore/QtGlobal>

class QIODevice;
class QRustTransport;

// Hands on what `device` holds as `transport`'s dataReceived().
void deliverSocketData(QRustTransport *transport, QIODevice *device);

// A socket transport's connection ended: deliver what `device` still holds,
// then report `transport` closed (Disconnected), naming `where`.
void reportSocketClosed(QRustTransport *transport, QIODevice *device, const QString &where);

// What a socket transport lets Qt buffer (QAbstractSocket::setReadBufferSize()).
// Bounded, so one read hands on at most this much at once (a single read of
// a full kernel buffer, several MiB of tiny lines, would overshoot the
// inbound high-water mark by several times its size once parsed), and so Qt
// stops reading from the kernel while the transport is paused.
constexpr qint64 socketReadBufferSize = 256 * 1024;
