#include <QRustBridge/qrustlocalsockettransport.h>

#include "logging_p.h"
#include "socketclosed_p.h"
#include "peercheck_p.h"
#include "socketaccess_p.h"

#include <QRustBridge/qrustbridge.h>

#include <QtCore/QFile>
#include <QtNetwork/QLocalSocket>

#ifdef Q_OS_UNIX
#include <sys/un.h>
#endif

class QRustLocalSocketTransportPrivate
{
public:
    void fail(const QString &message);
    void read();

    QRustLocalSocketTransport *q = nullptr;
    QString path;
    QList<uint> trustedServerUids;
    QLocalSocket *socket = nullptr;
    bool opened = false;
    bool finished = false;
    bool readingPaused = false;
};

QRustLocalSocketTransport::QRustLocalSocketTransport(const QString &socketPath, QObject *parent)
    : QRustTransport(parent)
    , d(std::make_unique<QRustLocalSocketTransportPrivate>())
{
    d->q = this;
    d->path = socketPath;
}

QRustLocalSocketTransport::~QRustLocalSocketTransport() = default;

void QRustLocalSocketTransport::setTrustedServerUids(const QList<uint> &uids)
{
    d->trustedServerUids = uids;
}

QString QRustLocalSocketTransport::pathProblem(const QString &path)
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

void QRustLocalSocketTransport::open()
{
    const QString problem = pathProblem(d->path);
    if (!problem.isEmpty()) {
        d->fail(problem);
        return;
    }
    d->socket = new QLocalSocket(this);
    QLocalSocket *socket = d->socket;
    socket->setReadBufferSize(socketReadBufferSize);
    connect(socket, &QLocalSocket::connected, this, [this, socket] {
        const QString refused = PeerCheck::problemWithPeer(socket->socketDescriptor(), d->path,
                                                                 d->trustedServerUids);
        if (!refused.isEmpty()) {
            socket->abort();
            d->fail(refused);
            return;
        }
        d->opened = true;
        Q_EMIT opened();
    });
    connect(socket, &QLocalSocket::errorOccurred, this, [this, socket](QLocalSocket::LocalSocketError error) {
        const QString denied = error == QLocalSocket::SocketAccessError ? SocketAccess::describeDenied(d->path)
                                                                         : QString();
        if (!d->opened && !denied.isEmpty())
            d->fail(QRustBridge::tr("cannot connect to %1: permission denied; %2").arg(d->path, denied));
        else if (!d->opened)
            d->fail(QRustBridge::tr("cannot connect to %1: %2").arg(d->path, socket->errorString()));
        else if (error != QLocalSocket::PeerClosedError)
            qCDebug(lcQRustBridge) << "socket error" << error << socket->errorString();
    });
    connect(socket, &QLocalSocket::disconnected, this, [this, socket] {
        if (!d->opened || d->finished)
            return;
        d->finished = true;
        reportSocketClosed(this, socket, d->path);
    });
    connect(socket, &QLocalSocket::bytesWritten, this, &QRustTransport::bytesWritten);
    connect(socket, &QLocalSocket::readyRead, this, [this] { d->read(); });
    socket->connectToServer(d->path);
}

void QRustLocalSocketTransport::close()
{
    if (d->socket && d->socket->state() != QLocalSocket::UnconnectedState)
        d->socket->disconnectFromServer();
}

bool QRustLocalSocketTransport::write(const QByteArray &data)
{
    if (!d->socket || d->socket->state() != QLocalSocket::ConnectedState)
        return false;
    return d->socket->write(data) == data.size();
}

qint64 QRustLocalSocketTransport::bytesToWrite() const
{
    return d->socket ? d->socket->bytesToWrite() : 0;
}

void QRustLocalSocketTransport::setReadingPaused(bool paused)
{
    // Qt stops reading the socket once its bounded buffer is full, so the
    // kernel's buffers fill and the server waits.
    d->readingPaused = paused;
    // What Qt buffered while paused gets no new readyRead().
    if (!paused && d->socket)
        QMetaObject::invokeMethod(this, [this] { d->read(); }, Qt::QueuedConnection);
}

void QRustLocalSocketTransportPrivate::read()
{
    if (!readingPaused && socket)
        deliverSocketData(q, socket);
}

void QRustLocalSocketTransportPrivate::fail(const QString &message)
{
    if (finished)
        return;
    finished = true;
    Q_EMIT q->openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed, message));
}
