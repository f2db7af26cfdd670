#include <QRustBridge/qrusttransport.h>

QRustTransport::QRustTransport(QObject *parent)
    : QObject(parent)
{
}

QRustTransport::~QRustTransport() = default;
