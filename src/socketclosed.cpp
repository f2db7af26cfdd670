#include "socketclosed_p.h"

#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrusttransport.h>

#include <QtCore/QIODevice>

void deliverSocketData(QRustTransport *transport, QIODevice *device)
{
    const QByteArray data = device->readAll();
    if (!data.isEmpty())
        Q_EMIT transport->dataReceived(data);
}

void reportSocketClosed(QRustTransport *transport, QIODevice *device, const QString &where)
{
    deliverSocketData(transport, device);
    Q_EMIT transport->closed(QRustBridgeError(QRustBridgeError::Code::Disconnected,
                                              QRustBridge::tr("the connection to %1 was closed").arg(where)));
}
