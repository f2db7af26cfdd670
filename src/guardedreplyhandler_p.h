#pragma once

#include <QRustBridge/qrustbridge.h>

#include <QtCore/QPointer>

// A reply handler with a connection-style context: calling it calls the
// handler unless a context was given and has been destroyed since.
class GuardedReplyHandler
{
public:
    GuardedReplyHandler() = default;
    GuardedReplyHandler(const QObject *context, QRustBridge::ReplyHandler handler);

    void operator()(const QJsonValue &result, const QRustBridgeError &error) const;

private:
    QRustBridge::ReplyHandler m_handler;
    QPointer<const QObject> m_context;
    bool m_guarded = false;  // a null m_context means "destroyed" only when one was given
};
