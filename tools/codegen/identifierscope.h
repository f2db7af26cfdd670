#pragma once

#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QStringList>

// The names already used in one C++ scope (a namespace, a struct, an enum,
// a class). claim() returns the wanted name, or, when that is taken, the
// name with '_' appended until it is free; names are claimed in description
// order, so the result is deterministic.
class IdentifierScope
{
public:
    IdentifierScope() = default;
    explicit IdentifierScope(const QStringList &taken);

    QString claim(const QString &wanted);

private:
    QSet<QString> m_taken;
};
