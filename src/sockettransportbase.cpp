#include "sockettransportbase_p.h"

#include "logging_p.h"
#include "tr_p.h"

#include <QRustBridge/qrusttransport.h>

#include <QtCore/QIODevice>

SocketTransportBase::SocketTransportBase(QRustTransport *transport, const QString &where)
    : m_transport(transport)
    , m_where(where)
{
}

void SocketTransportBase::attach(QIODevice *socket)
{
    m_socket = socket;
    QObject::connect(socket, &QIODevice::bytesWritten, m_transport, &QRustTransport::bytesWritten);
    QObject::connect(socket, &QIODevice::readyRead, m_transport, [this] { read(); });
}

void SocketTransportBase::markOpened()
{
    m_opened = true;
    Q_EMIT m_transport->opened();
}

void SocketTransportBase::fail(const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT m_transport->openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed, message));
}

void SocketTransportBase::socketError(const QString &reason, bool closedByPeer)
{
    if (!m_opened)
        fail(QRustBridgeTr::tr("cannot connect to %1: %2").arg(m_where, reason));
    else if (!closedByPeer)
        qCDebug(lcQRustBridge) << "socket error on" << m_where << reason;
}

void SocketTransportBase::socketDisconnected()
{
    if (!m_opened || m_finished)
        return;
    m_finished = true;
    deliver();
    Q_EMIT m_transport->closed(QRustBridgeError(QRustBridgeError::Code::Disconnected,
                                                QRustBridgeTr::tr("the connection to %1 was closed").arg(m_where)));
}

void SocketTransportBase::setReadingPaused(bool paused)
{
    // Qt stops reading the socket once its bounded buffer is full, so the
    // kernel's buffers fill and the server waits.
    m_readingPaused = paused;
    // What Qt buffered while paused gets no new readyRead().
    if (!paused && m_socket)
        QMetaObject::invokeMethod(m_transport, [this] { read(); }, Qt::QueuedConnection);
}

void SocketTransportBase::read()
{
    if (!m_readingPaused)
        deliver();
}

void SocketTransportBase::deliver()
{
    if (!m_socket)
        return;
    const QByteArray data = m_socket->readAll();
    if (!data.isEmpty())
        Q_EMIT m_transport->dataReceived(data);
}
