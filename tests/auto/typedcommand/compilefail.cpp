// Compiled by the typedcommand_compile_* tests (see CMakeLists.txt): as is it
// must compile; with QRB_COMPILE_ERRORS every misuse below must be reported
// by its own static_assert message.
#include <QRustBridge/QRustBridge>

#include <QtCore/QPoint>

struct Valid { static constexpr auto method = "echo"; using Params = QJsonValue; using Result = QJsonValue; using Chunk = QJsonValue; };
struct NoMethod { using Params = QJsonValue; using Result = QJsonValue; };
struct PointParams { static constexpr auto method = "echo"; using Params = QPoint; using Result = QJsonValue; };
struct PointResult { static constexpr auto method = "echo"; using Params = QJsonValue; using Result = QList<QPoint>; };
struct NoChunk { static constexpr auto method = "count"; using Params = QJsonValue; using Result = QJsonValue; };
struct NoResult { static constexpr auto method = "count"; using Params = QJsonValue; using Chunk = QJsonValue; };

void use(QRustBridge &bridge)
{
    bridge.send<Valid>(QJsonValue());
    qRustSendStreaming<Valid>(bridge, QJsonValue(), nullptr, [](const QJsonValue &) {});
#if defined(QRB_COMPILE_ERRORS)
    // Each line fails on its own; the compiler reports all of them.
    bridge.send<NoMethod>(QJsonValue());
    bridge.send<PointParams>(QPoint());
    bridge.send<PointResult>(QJsonValue());
    qRustSendStreaming<NoChunk>(bridge, QJsonValue(), nullptr, {});
    qRustSendStreaming<NoResult>(bridge, QJsonValue(), nullptr, {});
    qRustToJson(QPoint());
#endif
}
