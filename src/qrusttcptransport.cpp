#include <QRustBridge/qrusttcptransport.h>

#include "sockettransportbase_p.h"
#include "tr_p.h"

#include <QtCore/QFile>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

class QRustTcpTransportPrivate : public SocketTransportBase
{
public:
    QRustTcpTransportPrivate(QRustTcpTransport *q, const QString &host, quint16 port, const QRustTcpOptions &options)
        : SocketTransportBase(q, host + QLatin1Char(':') + QString::number(port))
        , host(host)
        , port(port)
        , options(options)
    {
    }

    // Loads CA, client certificate and key into `socket`; returns why not, or empty.
    QString configureTls(QSslSocket *socket) const;

    const QString host;
    const quint16 port;
    const QRustTcpOptions options;
    QTcpSocket *socket = nullptr;
    QString tlsProblem;
};

QRustTcpTransport::QRustTcpTransport(const QString &host, quint16 port, const QRustTcpOptions &options,
                                     QObject *parent)
    : QRustTransport(parent)
    , d(std::make_unique<QRustTcpTransportPrivate>(this, host, port, options))
{
}

QRustTcpTransport::~QRustTcpTransport() = default;

QString QRustTcpTransportPrivate::configureTls(QSslSocket *tls) const
{
    if (!QSslSocket::supportsSsl())
        return QRustBridgeTr::tr("TLS was requested but no TLS backend is available");
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (!options.caCertificateFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(options.caCertificateFile);
        if (cas.isEmpty())
            return QRustBridgeTr::tr("no CA certificate could be read from %1").arg(options.caCertificateFile);
        config.setCaCertificates(cas);
    }
    if (!options.clientCertificateFile.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(options.clientCertificateFile);
        QFile keyFile(options.clientKeyFile);
        if (certs.isEmpty())
            return QRustBridgeTr::tr("no client certificate could be read from %1").arg(options.clientCertificateFile);
        if (!keyFile.open(QIODevice::ReadOnly))
            return QRustBridgeTr::tr("cannot read the client key %1").arg(options.clientKeyFile);
        // Read once: QSslKey(QIODevice *) consumes the file, so a second
        // attempt with another algorithm must parse the same bytes.
        const QByteArray pem = keyFile.readAll();
        const QSslKey rsaKey(pem, QSsl::Rsa);
        const QSslKey anyKey = rsaKey.isNull() ? QSslKey(pem, QSsl::Ec) : rsaKey;
        if (anyKey.isNull())
            return QRustBridgeTr::tr("the client key %1 is not a PEM RSA or EC key").arg(options.clientKeyFile);
        config.setLocalCertificate(certs.first());
        config.setPrivateKey(anyKey);
    }
    config.setPeerVerifyMode(options.verifyPeer ? QSslSocket::VerifyPeer : QSslSocket::VerifyNone);
    tls->setSslConfiguration(config);
    return QString();
}

void QRustTcpTransport::open()
{
    QSslSocket *tls = nullptr;
    if (d->options.useTls) {
        tls = new QSslSocket(this);
        d->socket = tls;
        const QString problem = d->configureTls(tls);
        if (!problem.isEmpty()) {
            d->fail(problem);
            return;
        }
        if (!d->options.peerVerifyName.isEmpty())
            tls->setPeerVerifyName(d->options.peerVerifyName);
        connect(tls, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            QStringList texts;
            for (const QSslError &error : errors)
                texts << error.errorString();
            d->tlsProblem = texts.join(QStringLiteral("; "));
        });
        connect(tls, &QSslSocket::encrypted, this, [this] { d->markOpened(); });
    } else {
        d->socket = new QTcpSocket(this);
        connect(d->socket, &QTcpSocket::connected, this, [this] { d->markOpened(); });
    }
    QTcpSocket *socket = d->socket;
    socket->setReadBufferSize(SocketTransportBase::readBufferSize);  // for TLS: the decrypted bytes
    d->attach(socket);
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError error) {
        const bool beforeOpened = !d->isOpened();
        d->socketError(d->tlsProblem.isEmpty() || !beforeOpened
                           ? socket->errorString()
                           : QRustBridgeTr::tr("TLS verification failed: %1").arg(d->tlsProblem),
                       error == QAbstractSocket::RemoteHostClosedError);
        if (beforeOpened)
            socket->abort();
    });
    connect(socket, &QAbstractSocket::disconnected, this, [this] { d->socketDisconnected(); });
    if (tls)  // the high-water mark counts encrypted bytes too
        connect(tls, &QSslSocket::encryptedBytesWritten, this, &QRustTransport::bytesWritten);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (tls)
        tls->connectToHostEncrypted(d->host, d->port);
    else
        socket->connectToHost(d->host, d->port);
}

void QRustTcpTransport::close()
{
    if (d->socket && d->socket->state() != QAbstractSocket::UnconnectedState)
        d->socket->disconnectFromHost();
}

bool QRustTcpTransport::write(const QByteArray &data)
{
    if (!d->isOpened() || !d->socket || d->socket->state() != QAbstractSocket::ConnectedState)
        return false;
    return d->socket->write(data) == data.size();
}

qint64 QRustTcpTransport::bytesToWrite() const
{
    if (!d->socket)
        return 0;
    if (auto *tls = qobject_cast<QSslSocket *>(d->socket))
        return tls->encryptedBytesToWrite() + tls->bytesToWrite();
    return d->socket->bytesToWrite();
}

void QRustTcpTransport::setReadingPaused(bool paused)
{
    d->setReadingPaused(paused);
}
