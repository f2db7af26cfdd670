// Fake backend for QRustBridge tests. Speaks the protocol on stdin/stdout
// and misbehaves on request. Flags:
//   --no-ready        never send the ready event
//   --ready-name N    send event N instead of "ready"
//   --ready-schema S  the ready event's data is {"schema":S}
//   --preamble-garbage  before ready: garbage, invalid UTF-8, non-objects, nameless event
//   --close-stdout    close stdout right after ready, stay alive until stdin ends
//   --no-read         after ready, never read stdin again (the bridge's writes back up)
//   --exit-at-start C print "dying" to stderr (no newline) and exit with code C
//   --survive-stdin-eof F  when stdin ends, create file F and stay alive until killed
//                     (a backend that does not exit with its parent by itself)
// Methods: echo, raw {lines:[...]} (each written verbatim), rawbase64 {data},
//   dup (answers twice), nosuccess, badsuccess, huge {bytes, newline} (one line of bytes 'x'),
//   chunk_after_end (final response, then a chunk for the same id), exit {code},
//   unknown_id (answers with another id first), sleep_forever (never answers),
//   pid (answers with its process id),
//   fail_with {message, code, data} (success:false with "error": message and,
//   when given, "errorCode": code and "errorData": data, each copied as sent,
//   so a non-string code reaches the client as it is).

#include <QtCore/QByteArray>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

void writeRaw(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeJson(const QJsonObject &object)
{
    writeRaw(QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

QJsonObject ok(const QJsonValue &id, const QJsonValue &result)
{
    return QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("success"), true},
                       {QStringLiteral("result"), result}};
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const int exitAt = args.indexOf(QStringLiteral("--exit-at-start"));
    if (exitAt >= 0) {
        std::fputs("dying", stderr);
        return args.value(exitAt + 1).toInt();
    }
    const int readyAt = args.indexOf(QStringLiteral("--ready-name"));
    const QString readyName = readyAt >= 0 ? args.value(readyAt + 1) : QStringLiteral("ready");

    if (args.contains(QStringLiteral("--preamble-garbage"))) {
        writeRaw("this is not json\n");
        writeRaw("{\"broken\": \n");
        writeRaw("\xff\xfe\xfd invalid utf8\n");
        writeRaw("42\n[]\n\"x\"\n");
        writeRaw("{\"event\":\"\",\"data\":1}\n");
        writeRaw("{\"id\":\"999999\",\"success\":true,\"result\":1}\n");
        writeRaw("\n");
    }
    const int schemaAt = args.indexOf(QStringLiteral("--ready-schema"));
    QJsonObject readyData;
    if (schemaAt >= 0)
        readyData.insert(QStringLiteral("schema"), args.value(schemaAt + 1));
    if (!args.contains(QStringLiteral("--no-ready")))
        writeJson(QJsonObject{{QStringLiteral("event"), readyName}, {QStringLiteral("data"), readyData}});
    if (args.contains(QStringLiteral("--close-stdout"))) {
        std::fclose(stdout);
        std::string ignored;
        while (std::getline(std::cin, ignored)) {
        }
        return 0;
    }
    if (args.contains(QStringLiteral("--no-read"))) {
        for (;;)
            std::this_thread::sleep_for(std::chrono::seconds(1));
    }

    std::string line;
    while (std::getline(std::cin, line)) {
        const QJsonObject request = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
        const QJsonValue id = request.value(QStringLiteral("id"));
        const QString method = request.value(QStringLiteral("method")).toString();
        const QJsonObject params = request.value(QStringLiteral("params")).toObject();
        if (method == QLatin1String("echo")) {
            writeJson(ok(id, request.value(QStringLiteral("params"))));
        } else if (method == QLatin1String("raw")) {
            for (const QJsonValue &raw : params.value(QStringLiteral("lines")).toArray())
                writeRaw(raw.toString().toUtf8() + '\n');
        } else if (method == QLatin1String("rawbase64")) {
            writeRaw(QByteArray::fromBase64(params.value(QStringLiteral("data")).toString().toLatin1()));
        } else if (method == QLatin1String("dup")) {
            writeJson(ok(id, 1));
            writeJson(ok(id, 2));
        } else if (method == QLatin1String("nosuccess")) {
            writeJson(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("result"), 1}});
        } else if (method == QLatin1String("badsuccess")) {
            writeJson(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("success"), QStringLiteral("yes")}});
        } else if (method == QLatin1String("huge")) {
            const qint64 bytes = qint64(params.value(QStringLiteral("bytes")).toDouble());
            const QByteArray block(1 << 20, 'x');
            for (qint64 left = bytes; left > 0; left -= block.size())
                std::fwrite(block.constData(), 1, size_t(qMin<qint64>(left, block.size())), stdout);
            if (params.value(QStringLiteral("newline")).toBool(true))
                std::fputc('\n', stdout);
            std::fflush(stdout);
        } else if (method == QLatin1String("chunk_after_end")) {
            writeJson(ok(id, QStringLiteral("done")));
            writeJson(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("stream"), true},
                                  {QStringLiteral("data"), 1}});
        } else if (method == QLatin1String("unknown_id")) {
            writeJson(ok(QStringLiteral("123456789"), 0));
            writeJson(ok(QStringLiteral("not-a-number"), 0));
            writeJson(ok(id, QStringLiteral("mine")));
        } else if (method == QLatin1String("exit")) {
            std::fflush(stdout);
            ::_exit(params.value(QStringLiteral("code")).toInt());
        } else if (method == QLatin1String("pid")) {
            writeJson(ok(id, qint64(::getpid())));
        } else if (method == QLatin1String("fail_with")) {
            QJsonObject failure{{QStringLiteral("id"), id}, {QStringLiteral("success"), false},
                                {QStringLiteral("error"), params.value(QStringLiteral("message"))}};
            if (params.contains(QStringLiteral("code")))
                failure.insert(QStringLiteral("errorCode"), params.value(QStringLiteral("code")));
            if (params.contains(QStringLiteral("data")))
                failure.insert(QStringLiteral("errorData"), params.value(QStringLiteral("data")));
            writeJson(failure);
        } else if (method == QLatin1String("sleep_forever")) {
            // never answers
        } else {
            writeJson(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("success"), false},
                                  {QStringLiteral("error"), QStringLiteral("unknown method: ") + method}});
        }
    }
    const int surviveAt = args.indexOf(QStringLiteral("--survive-stdin-eof"));
    if (surviveAt >= 0) {
        QFile marker(args.value(surviveAt + 1));
        if (!marker.open(QIODevice::WriteOnly))
            return 3;
        marker.close();
        for (;;)
            ::pause();
    }
    return 0;
}
