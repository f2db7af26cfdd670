#pragma once

#include <QRustBridge/qrustsocketoptions.h>

#include <QtCore/QString>

/*!
    \struct QRustTcpOptions
    \brief TCP and TLS settings for QRustBridge::connectToHost(); reconnects like socket mode.

    Plain TCP carries no authentication or encryption: only use it on
    loopback. With \c useTls the connection runs over QSslSocket; the peer is
    verified against \c caCertificateFile (or the system CAs when empty)
    unless \c verifyPeer is false.
*/
struct QRustTcpOptions : QRustSocketOptions
{
    bool useTls = false;              //!< Connect with TLS (QSslSocket).
    QString caCertificateFile;        //!< PEM file with the CA(s) that sign the server; empty = system CAs.
    QString clientCertificateFile;    //!< PEM client certificate, for servers that require one.
    QString clientKeyFile;            //!< PEM private key of the client certificate (unencrypted).
    bool verifyPeer = true;           //!< Verify the server's certificate and host name.
    QString peerVerifyName;           //!< Host name to verify instead of the one connected to.
};
