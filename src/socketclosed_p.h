#pragma once

#include <QtCore/QString>

class QIODevice;
class QRustTransport;

// A socket transport's connection ended: deliver what `device` still holds,
// then report `transport` closed (Disconnected), naming `where`.
void reportSocketClosed(QRustTransport *transport, QIODevice *device, const QString &where);
