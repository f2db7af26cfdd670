#pragma once

#include "description.h"

// The C++ type of a type reference (the mapping table in docs/contract.md):
// bool, QString, int, uint, qint64, quint64, double, QJsonValue ("json",
// "null"), std::optional<T>, QList<T>, QMap<QString, T>, QJsonArray (tuples)
// and the generated types, qualified by the namespace when asked to.
class CppTypeMapper
{
public:
    CppTypeMapper(const Description &description, const QString &qualifier);

    QString type(const TypeRef &ref) const;
    // A struct field's member type: optional fields are std::optional (once).
    QString fieldType(const Field &field) const;
    // The type inside the std::optional of an optional field.
    QString optionalFieldInner(const Field &field) const;

private:
    const Description &m_description;
    QString m_qualifier;
};
