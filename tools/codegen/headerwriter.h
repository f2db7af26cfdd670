#pragma once

#include "cpptypemapper.h"
#include "description.h"

#include <QtCore/QString>

// Writes the generated header for a named Description (docs/contract.md,
// "What the header contains"): the namespace with Q_NAMESPACE, the schema
// and expectSchema(), enums, gadgets, union gadgets and command structs;
// then, at global scope, the QRustCodegen::Codec and QRustJsonConverter
// specializations; with `qml`, QmlClientWriter's client class.
class HeaderWriter
{
public:
    struct Options
    {
        QString nameSpace;  // "Demo" or "Acme::Demo"
        QString sourceName; // where the description came from, for the header's first line
        bool qml = false;
    };

    // `types` in declaration order (TypeOrder).
    HeaderWriter(const Description &description, const QList<const TypeDef *> &types, const Options &options);

    QString write() const;

private:
    QString preamble() const;
    QString schema() const;
    QString enumType(const TypeDef &type) const;
    QString structType(const TypeDef &type) const;
    QString unionType(const TypeDef &type) const;
    QString command(const Command &command) const;
    QString equality(const QString &name, const QStringList &members) const;

    QString codecDeclaration(const TypeDef &type) const;
    QString converter(const TypeDef &type) const;
    QString enumCodec(const TypeDef &type) const;
    QString structCodec(const TypeDef &type) const;
    QString unionCodec(const TypeDef &type) const;

    QString qualified(const TypeDef &type) const;
    // `wire` when the two spellings agree, else `names == Names::Wire ? wire : qml`.
    static QString key(const QString &wire, const QString &qml);

    const Description &m_description;
    QList<const TypeDef *> m_types;
    Options m_options;
    CppTypeMapper m_local;     // types as written inside the namespace
    CppTypeMapper m_qualified; // types as written outside it
};
