#include "identifierscope.h"

IdentifierScope::IdentifierScope(const QStringList &taken)
    : m_taken(taken.cbegin(), taken.cend())
{
}

QString IdentifierScope::claim(const QString &wanted)
{
    QString name = wanted;
    while (m_taken.contains(name))
        name.append(QLatin1Char('_'));
    m_taken.insert(name);
    return name;
}
