#include "cppliteral.h"

#include <QtCore/QStringList>

QString CppLiteral::string(const QString &text)
{
    QString out = QStringLiteral("\"");
    const QList<uint> codePoints = text.toUcs4();
    for (const uint c : codePoints) {
        switch (c) {
        case '"': out += QLatin1String("\\\""); continue;
        case '\\': out += QLatin1String("\\\\"); continue;
        case '\n': out += QLatin1String("\\n"); continue;
        case '\t': out += QLatin1String("\\t"); continue;
        case '\r': out += QLatin1String("\\r"); continue;
        case '?': out += QLatin1String("\\?"); continue; // no trigraphs, whatever the compiler's mode
        default: break;
        }
        if (c < 0x20 || c == 0x7f)
            out += QStringLiteral("\\%1").arg(c, 3, 8, QLatin1Char('0')); // octal: at most 3 digits, never runs on
        else if (c < 0x80)
            out += QChar(char16_t(c));
        else if (c < 0x10000)
            out += QStringLiteral("\\u%1").arg(c, 4, 16, QLatin1Char('0'));
        else
            out += QStringLiteral("\\U%1").arg(c, 8, 16, QLatin1Char('0'));
    }
    out += QLatin1Char('"');
    return out;
}

QString CppLiteral::qstring(const QString &text)
{
    return QStringLiteral("QStringLiteral(%1)").arg(string(text));
}

QString CppLiteral::docComment(const QString &doc, const QString &indent)
{
    const QString trimmed = doc.trimmed();
    if (trimmed.isEmpty())
        return QString();
    QString text = trimmed;
    text.replace(QLatin1String("*/"), QLatin1String("*\\/"));
    // A line ending in a backslash would continue into the next one.
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString &line : lines) {
        while (line.endsWith(QLatin1Char('\\')) || line.endsWith(QLatin1Char(' ')))
            line.chop(1);
    }
    if (lines.size() == 1)
        return indent + QLatin1String("/*! ") + lines.first() + QLatin1String(" */\n");
    QString out = indent + QLatin1String("/*!\n");
    for (const QString &line : lines)
        out += line.isEmpty() ? QLatin1String("\n") : indent + QLatin1String("    ") + line + QLatin1Char('\n');
    out += indent + QLatin1String("*/\n");
    return out;
}
