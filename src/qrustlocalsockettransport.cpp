#include <QRustBridge/qrustlocalsockettransport.h>

#include "peercheck_p.h"
#include "socketaccess_p.h"
#include "sockettransportbase_p.h"
#include "tr_p.h"

#include <QtCore/QFile>
#include <QtNetwork/QLocalSocket>

#ifdef Q_OS_UNIX
#include <sys/un.h>
#endif

class QRustLocalSocketTransportPrivate : public SocketTransportBase
{
public:
    using SocketTransportBase::SocketTransportBase;

    QList<uint> trustedServerUids;
    QLocalSocket *socket = nullptr;
};

QRustLocalSocketTransport::QRustLocalSocketTransport(const QString &socketPath, QObject *parent)
    : QRustTransport(parent)
    , d(std::make_unique<QRustLocalSocketTransportPrivate>(this, socketPath))
{
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
        return QRustBridgeTr::tr("socket path is %1 bytes long; this platform allows at most %2: %3")
            .arg(length).arg(limit).arg(path);
#else
    Q_UNUSED(path)
#endif
    return QString();
}

void QRustLocalSocketTransport::open()
{
    const QString problem = pathProblem(d->where());
    if (!problem.isEmpty()) {
        d->fail(problem);
        return;
    }
    d->socket = new QLocalSocket(this);
    QLocalSocket *socket = d->socket;
    socket->setReadBufferSize(SocketTransportBase::readBufferSize);
    d->attach(socket);
    connect(socket, &QLocalSocket::connected, this, [this, socket] {
        const QString refused = PeerCheck::problemWithPeer(socket->socketDescriptor(), d->where(),
                                                           d->trustedServerUids);
        if (!refused.isEmpty()) {
            socket->abort();
            d->fail(refused);
            return;
        }
        d->markOpened();
    });
    connect(socket, &QLocalSocket::errorOccurred, this, [this, socket](QLocalSocket::LocalSocketError error) {
        // A refused permission gets a message naming owner, group and mode.
        const QString denied = error == QLocalSocket::SocketAccessError && !d->isOpened()
            ? SocketAccess::describeDenied(d->where())
            : QString();
        if (!denied.isEmpty())
            d->fail(QRustBridgeTr::tr("cannot connect to %1: permission denied; %2").arg(d->where(), denied));
        else
            d->socketError(socket->errorString(), error == QLocalSocket::PeerClosedError);
    });
    connect(socket, &QLocalSocket::disconnected, this, [this] { d->socketDisconnected(); });
    socket->connectToServer(d->where());
}

void QRustLocalSocketTransport::close()
{
    if (d->socket && d->socket->state() != QLocalSocket::UnconnectedState)
        d->socket->disconnectFromServer();
}

bool QRustLocalSocketTransport::write(const QByteArray &data)
{
    if (!d->isOpened() || !d->socket || d->socket->state() != QLocalSocket::ConnectedState)
        return false;
    return d->socket->write(data) == data.size();
}

qint64 QRustLocalSocketTransport::bytesToWrite() const
{
    return d->socket ? d->socket->bytesToWrite() : 0;
}

void QRustLocalSocketTransport::setReadingPaused(bool paused)
{
    d->setReadingPaused(paused);
}
