#include "localsockettransport_p.h"

#include "logging_p.h"

#include <QRustBridge/qrustbridge.h>

#include <QtCore/QFile>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#endif

LocalSocketTransport::LocalSocketTransport(const QString &socketPath, QObject *parent)
    : QRustTransport(parent)
    , m_path(socketPath)
{
}

LocalSocketTransport::~LocalSocketTransport() = default;

QString LocalSocketTransport::pathProblem(const QString &path)
{
#ifdef Q_OS_UNIX
    // QLocalSocket would silently cut the path and talk to another socket.
    const qsizetype limit = sizeof(sockaddr_un::sun_path) - 1;
    const qsizetype length = QFile::encodeName(path).size();
    if (length > limit)
        return QRustBridge::tr("socket path is %1 bytes long; this platform allows at most %2: %3")
            .arg(length).arg(limit).arg(path);
#else
    Q_UNUSED(path)
#endif
    return QString();
}

void LocalSocketTransport::open()
{
    const QString problem = pathProblem(m_path);
    if (!problem.isEmpty()) {
        fail(problem);
        return;
    }
    m_socket = new QLocalSocket(this);
    connect(m_socket, &QLocalSocket::connected, this, &LocalSocketTransport::onConnected);
    connect(m_socket, &QLocalSocket::errorOccurred, this, &LocalSocketTransport::onErrorOccurred);
    connect(m_socket, &QLocalSocket::disconnected, this, &LocalSocketTransport::onDisconnected);
    connect(m_socket, &QLocalSocket::bytesWritten, this, &QRustTransport::bytesWritten);
    connect(m_socket, &QLocalSocket::readyRead, this, [this] {
        const QByteArray data = m_socket->readAll();
        if (!data.isEmpty())
            Q_EMIT dataReceived(data);
    });
    m_socket->connectToServer(m_path);
}

void LocalSocketTransport::close()
{
    if (m_socket && m_socket->state() != QLocalSocket::UnconnectedState)
        m_socket->disconnectFromServer();
}

bool LocalSocketTransport::write(const QByteArray &data)
{
    if (!m_socket || m_socket->state() != QLocalSocket::ConnectedState)
        return false;
    return m_socket->write(data) == data.size();
}

qint64 LocalSocketTransport::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void LocalSocketTransport::onConnected()
{
#ifdef Q_OS_LINUX
    // Only trust a daemon that runs as our own user.
    struct ucred credentials {};
    socklen_t length = sizeof(credentials);
    const int fd = int(m_socket->socketDescriptor());
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0
        || credentials.uid != ::getuid()) {
        m_socket->abort();
        fail(QRustBridge::tr("the server on %1 runs as another user (uid %2); refusing it")
                 .arg(m_path).arg(credentials.uid));
        return;
    }
#endif
    m_opened = true;
    Q_EMIT opened();
}

void LocalSocketTransport::onErrorOccurred(QLocalSocket::LocalSocketError error)
{
    if (error == QLocalSocket::PeerClosedError && m_opened)
        return;  // disconnected() reports it
    if (!m_opened) {
        fail(QRustBridge::tr("cannot connect to %1: %2").arg(m_path, m_socket->errorString()));
        return;
    }
    qCDebug(lcQRustBridge) << "socket error" << error << m_socket->errorString();
}

void LocalSocketTransport::onDisconnected()
{
    if (!m_opened || m_finished)
        return;
    m_finished = true;
    const QByteArray rest = m_socket->readAll();
    if (!rest.isEmpty())
        Q_EMIT dataReceived(rest);
    Q_EMIT closed(QRustBridgeError(QRustBridgeError::Code::Disconnected,
                                   QRustBridge::tr("the connection to %1 was closed").arg(m_path)));
}

void LocalSocketTransport::fail(const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed, message));
}
