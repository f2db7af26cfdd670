#include "socketclosed_p.h"

#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrusttransport.h>

#include <QtCore/QIODevice>

void reportSocketClosed(QRustTransport *transport, QIODevice *device, const QString &where)
{
    const QByteArray rest = device->readAll();
    if (!rest.isEmpty())
        Q_EMIT transport->dataReceived(rest);
    Q_EMIT transport->closed(QRustBridgeError(QRustBridgeError::Code::Disconnected,
                                              QRustBridge::tr("the connection to %1 was closed").arg(where)));
}
