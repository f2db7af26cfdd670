#include "guardedreplyhandler_p.h"

GuardedReplyHandler::GuardedReplyHandler(const QObject *context, QRustBridge::ReplyHandler handler)
    : m_handler(std::move(handler))
    , m_context(context)
    , m_guarded(context != nullptr)
{
}

void GuardedReplyHandler::operator()(const QJsonValue &result, const QRustBridgeError &error) const
{
    if (m_guarded && !m_context)
        return;
    m_handler(result, error);
}
