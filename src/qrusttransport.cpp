#include <QRustBridge/qrusttransport.h>

QRustTransport::QRustTransport(QObject *parent)
    : QObject(parent)
{
}

QRustTransport::~QRustTransport() = default;

void QRustTransport::setReadingPaused(bool paused)
{
    Q_UNUSED(paused)
}
