#include "qmlclientwriter.h"

#include "cppliteral.h"
#include "cpptypemapper.h"

#include <QtCore/QStringList>

QmlClientWriter::QmlClientWriter(const Description &description, const QString &nameSpace)
    : m_description(description)
    , m_nameSpace(nameSpace)
{
}

QString QmlClientWriter::includes()
{
    return QStringLiteral("#include <QtCore/QPointer>\n"
                          "#include <QtQml/QJSEngine>\n"
                          "#include <QtQml/QJSValue>\n"
                          "#include <QtQml/qqml.h>\n\n");
}

QString QmlClientWriter::write() const
{
    return QStringLiteral("namespace %1 {\n\n").arg(m_nameSpace) + converterClass() + clientClass() + definitions()
           + registration() + QStringLiteral("} // namespace %1\n").arg(m_nameSpace);
}

QString QmlClientWriter::paramsHint(const Command &command) const
{
    if (command.params.kind != TypeRef::Kind::Ref)
        return QString();
    const TypeDef *type = m_description.findType(command.params.name);
    if (!type || type->kind != TypeDef::Kind::Struct)
        return QString();
    QStringList names;
    for (const Field &field : type->fields)
        names.append(field.optional ? field.cppName + QLatin1Char('?') : field.cppName);
    return QStringLiteral("params: {%1}").arg(names.join(QLatin1String(", ")));
}

QString QmlClientWriter::converterClass() const
{
    return QStringLiteral(
        "// Rewrites JSON between the wire and the QML spelling for Client; its\n"
        "// result() and chunk() are called from the JavaScript Client chains to\n"
        "// the RustBridge element's promises.\n"
        "class ClientConverter : public QObject\n"
        "{\n"
        "    Q_OBJECT\n"
        "public:\n"
        "    using QObject::QObject;\n"
        "    // The params of command number `command` for the wire; throws QRustBridgeError.\n"
        "    static QJsonValue params(int command, const QJsonValue &json);\n"
        "    Q_INVOKABLE QJSValue result(int command, const QJSValue &value) { return convert(false, command, value); }\n"
        "    Q_INVOKABLE QJSValue chunk(int command, const QJSValue &value) { return convert(true, command, value); }\n\n"
        "private:\n"
        "    QJSValue convert(bool chunk, int command, const QJSValue &value);\n"
        "};\n\n");
}

QString QmlClientWriter::clientClass() const
{
    QString out = QStringLiteral(
        "/*!\n"
        "    The commands of %1 for QML. Set \\c bridge to a RustBridge element;\n"
        "    each method takes its params as a JavaScript object with the\n"
        "    properties of the C++ type (camelCase names) and returns a Promise of\n"
        "    the result, also with the C++ property names. Enumerators and union\n"
        "    kinds are their JSON name strings; a union is {kind: \"variant\",\n"
        "    <variant>: payload}. Params that do not fit reject at once with an\n"
        "    Error whose \\c code is \"ProtocolError\" and whose message names the\n"
        "    field; a result that does not fit rejects the same way. The promise\n"
        "    has the element's cancel().\n"
        "*/\n"
        "class Client : public QObject\n"
        "{\n"
        "    Q_OBJECT\n"
        "    Q_PROPERTY(QObject *bridge READ bridge WRITE setBridge NOTIFY bridgeChanged)\n\n"
        "public:\n"
        "    explicit Client(QObject *parent = nullptr)\n"
        "        : QObject(parent)\n"
        "        , m_converter(new ClientConverter(this))\n"
        "    {\n"
        "    }\n\n"
        "    /*! The RustBridge element the commands are sent through (its call() and stream()). */\n"
        "    QObject *bridge() const { return m_bridge; }\n"
        "    void setBridge(QObject *bridge)\n"
        "    {\n"
        "        if (m_bridge == bridge)\n"
        "            return;\n"
        "        m_bridge = bridge;\n"
        "        Q_EMIT bridgeChanged();\n"
        "    }\n\n")
                      .arg(m_description.backend.isEmpty() ? QStringLiteral("the backend") : m_description.backend);
    for (qsizetype i = 0; i < m_description.commands.size(); ++i) {
        const Command &command = m_description.commands.at(i);
        QString doc = command.doc.trimmed();
        QString hint = paramsHint(command);
        if (command.streaming)
            hint += (hint.isEmpty() ? QString() : QStringLiteral("; ")) + QStringLiteral("onChunk(chunk) is called for each chunk");
        QString header = QStringLiteral("Sends %1.").arg(CppLiteral::string(command.name));
        if (!hint.isEmpty())
            header += QLatin1Char(' ') + hint + QLatin1Char('.');
        doc = doc.isEmpty() ? header : doc + QStringLiteral("\n\n") + header;
        out += CppLiteral::docComment(doc, QStringLiteral("    "));
        if (command.streaming) {
            out += QStringLiteral("    Q_INVOKABLE QJSValue %1(const QJSValue &params = QJSValue(), const QJSValue &onChunk = QJSValue())\n"
                                  "    {\n        return qrbCall(%2, params, onChunk);\n    }\n")
                       .arg(command.qmlName).arg(i);
        } else {
            out += QStringLiteral("    Q_INVOKABLE QJSValue %1(const QJSValue &params = QJSValue())\n"
                                  "    {\n        return qrbCall(%2, params, QJSValue());\n    }\n")
                       .arg(command.qmlName).arg(i);
        }
    }
    out += QStringLiteral("\nQ_SIGNALS:\n"
                          "    void bridgeChanged();\n\n"
                          "private:\n"
                          "    QJSValue qrbCall(int command, const QJSValue &params, const QJSValue &onChunk);\n"
                          "    static QJSValue qrbReject(QJSEngine *engine, const QString &code, const QString &message);\n\n"
                          "    QPointer<QObject> m_bridge;\n"
                          "    ClientConverter *m_converter;\n"
                          "};\n\n");
    return out;
}

QString QmlClientWriter::definitions() const
{
    const CppTypeMapper types(m_description, QLatin1String("::") + m_nameSpace + QLatin1String("::"));
    QStringList methods;
    QStringList streaming;
    QString paramsCases;
    QString resultCases;
    QString chunkCases;
    for (qsizetype i = 0; i < m_description.commands.size(); ++i) {
        const Command &command = m_description.commands.at(i);
        methods.append(CppLiteral::string(command.name));
        streaming.append(command.streaming ? QStringLiteral("true") : QStringLiteral("false"));
        paramsCases += QStringLiteral("    case %1:\n        return QRustCodegen::qmlToWire<%2>(json, QStringLiteral(\"params\"));\n")
                           .arg(i)
                           .arg(types.type(command.params));
        resultCases += QStringLiteral("            case %1:\n                qml = QRustCodegen::wireToQml<%2>(json, QStringLiteral(\"result\"));\n                break;\n")
                           .arg(i)
                           .arg(types.type(command.result));
        if (command.streaming) {
            chunkCases += QStringLiteral("            case %1:\n                qml = QRustCodegen::wireToQml<%2>(json, QStringLiteral(\"chunk\"));\n                break;\n")
                              .arg(i)
                              .arg(types.type(command.chunk));
        }
    }
    if (methods.isEmpty()) {
        methods.append(QStringLiteral("nullptr"));
        streaming.append(QStringLiteral("false"));
    }
    QString out = QStringLiteral(
                      "inline QJsonValue ClientConverter::params(int command, const QJsonValue &json)\n"
                      "{\n"
                      "    switch (command) {\n%1"
                      "    default:\n"
                      "        return json;\n"
                      "    }\n"
                      "}\n\n")
                      .arg(paramsCases);
    out += QStringLiteral(
               "inline QJSValue ClientConverter::convert(bool chunk, int command, const QJSValue &value)\n"
               "{\n"
               "    QJSEngine *engine = qjsEngine(this);\n"
               "    if (!engine)\n"
               "        return value;\n"
               "    const QJsonValue json = engine->fromScriptValue<QJsonValue>(value);\n"
               "    QJsonValue qml = json;\n"
               "    try {\n"
               "        if (!chunk) {\n"
               "            switch (command) {\n%1"
               "            default:\n"
               "                break;\n"
               "            }\n"
               "        } else {\n"
               "            switch (command) {\n%2"
               "            default:\n"
               "                break;\n"
               "            }\n"
               "        }\n"
               "    } catch (const QRustBridgeError &e) {\n"
               "        QJSValue jsError = engine->newErrorObject(QJSValue::TypeError, e.message());\n"
               "        jsError.setProperty(QStringLiteral(\"code\"), QStringLiteral(\"ProtocolError\"));\n"
               "        engine->throwError(jsError);\n"
               "        return QJSValue();\n"
               "    }\n"
               "    return engine->toScriptValue(qml);\n"
               "}\n\n")
               .arg(resultCases, chunkCases);
    out += QStringLiteral(
               "inline QJSValue Client::qrbReject(QJSEngine *engine, const QString &code, const QString &message)\n"
               "{\n"
               "    QJSValue error = engine->newErrorObject(QJSValue::TypeError, message);\n"
               "    error.setProperty(QStringLiteral(\"code\"), code);\n"
               "    return engine->evaluate(QStringLiteral(\"(function (e) { return Promise.reject(e); })\")).call({error});\n"
               "}\n\n"
               "inline QJSValue Client::qrbCall(int command, const QJSValue &params, const QJSValue &onChunk)\n"
               "{\n"
               "    static const char *const methods[] = {%1};\n"
               "    static const bool streaming[] = {%2};\n"
               "    const QString method = QString::fromUtf8(methods[command]);\n"
               "    QJSEngine *engine = qjsEngine(this);\n"
               "    if (!engine && m_bridge)\n"
               "        engine = qjsEngine(m_bridge.data());\n"
               "    if (!engine) {\n"
               "        qWarning(\"%s: the client is not used from QML (no JavaScript engine)\", qPrintable(method));\n"
               "        return QJSValue();\n"
               "    }\n"
               "    if (!m_bridge) {\n"
               "        return qrbReject(engine, QStringLiteral(\"NotRunning\"),\n"
               "                         QStringLiteral(\"%3: the client has no bridge\").arg(method));\n"
               "    }\n"
               "    const QJsonValue json = engine->fromScriptValue<QJsonValue>(params);\n"
               "    QJsonValue wire;\n"
               "    try {\n"
               "        wire = ClientConverter::params(command, json);\n"
               "    } catch (const QRustBridgeError &e) {\n"
               "        return qrbReject(engine, QStringLiteral(\"ProtocolError\"), e.message());\n"
               "    }\n"
               "    // The element's promise resolves with the wire JSON; then() rewrites it.\n"
               "    const QJSValue glue = engine->evaluate(QStringLiteral(\n"
               "        \"(function (converter, command, onChunk) { return {\"\n"
               "        \" result: function (value) { return converter.result(command, value); },\"\n"
               "        \" chunk: typeof onChunk === 'function'\"\n"
               "        \"     ? function (value) { return onChunk(converter.chunk(command, value)); } : undefined }; })\"))\n"
               "        .call({engine->newQObject(m_converter), QJSValue(command), onChunk});\n"
               "    const QJSValue wireParams = engine->toScriptValue(wire);\n"
               "    // By name: the element's C++ class needs no header here (works with the installed QML module).\n"
               "    QJSValue promise;\n"
               "    const bool invoked = streaming[command]\n"
               "        ? QMetaObject::invokeMethod(m_bridge.data(), \"stream\", Q_RETURN_ARG(QJSValue, promise), Q_ARG(QString, method),\n"
               "                                    Q_ARG(QJSValue, wireParams), Q_ARG(QJSValue, glue.property(QStringLiteral(\"chunk\"))))\n"
               "        : QMetaObject::invokeMethod(m_bridge.data(), \"call\", Q_RETURN_ARG(QJSValue, promise), Q_ARG(QString, method),\n"
               "                                    Q_ARG(QJSValue, wireParams));\n"
               "    if (!invoked) {\n"
               "        return qrbReject(engine, QStringLiteral(\"NotRunning\"),\n"
               "                         QStringLiteral(\"%3: the client's bridge is not a RustBridge\").arg(method));\n"
               "    }\n"
               "    QJSValue then = promise.property(QStringLiteral(\"then\"));\n"
               "    QJSValue chained = then.callWithInstance(promise, {glue.property(QStringLiteral(\"result\"))});\n"
               "    chained.setProperty(QStringLiteral(\"cancel\"), promise.property(QStringLiteral(\"cancel\")));\n"
               "    return chained;\n"
               "}\n\n")
               .arg(methods.join(QLatin1String(", ")), streaming.join(QLatin1String(", ")), QStringLiteral("%1"));
    return out;
}

QString QmlClientWriter::registration() const
{
    QString typeName = m_nameSpace.section(QLatin1String("::"), -1);
    typeName[0] = typeName.at(0).toUpper();
    return QStringLiteral(
               "/*!\n"
               "    Registers Client (as \"Client\") and the enums of the generated types\n"
               "    (as \"%1\", uncreatable) in the QML module \\a uri, for an app\n"
               "    without a QML module of its own. Call it before loading QML.\n"
               "*/\n"
               "inline void registerQmlTypes(const char *uri, int versionMajor = 1, int versionMinor = 0)\n"
               "{\n"
               "    qmlRegisterType<Client>(uri, versionMajor, versionMinor, \"Client\");\n"
               "    qmlRegisterUncreatableMetaObject(staticMetaObject, uri, versionMajor, versionMinor, %2,\n"
               "                                     QStringLiteral(\"%1 only holds enums\"));\n"
               "}\n\n")
        .arg(typeName, CppLiteral::string(typeName));
}
