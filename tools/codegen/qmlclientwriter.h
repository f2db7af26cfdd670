#pragma once

#include "description.h"

#include <QtCore/QString>

// The QML part of a generated header (--qml): a QObject class <Ns>::Client
// with a `bridge` property (a RustBridge element, called by name so that the
// header needs only QtQml, not the element's C++ header) and one Q_INVOKABLE
// per command. A call takes a JavaScript object with the generated (camelCase)
// property names, converts it to the wire JSON through the generated
// converters, calls the element and resolves with the result in the same
// spelling. Plus registerQmlTypes(uri) for apps without a QML module.
class QmlClientWriter
{
public:
    QmlClientWriter(const Description &description, const QString &nameSpace);

    static QString includes();
    QString write() const;

private:
    QString converterClass() const;
    QString clientClass() const;
    QString definitions() const;
    QString registration() const;
    QString paramsHint(const Command &command) const;

    const Description &m_description;
    QString m_nameSpace;
};
