#include "namingpolicy.h"

#include <QtCore/QSet>
#include <QtCore/QStringList>

namespace {

bool isAsciiLetterOrDigit(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
           || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
}

bool isUpper(QChar c)
{
    return c >= QLatin1Char('A') && c <= QLatin1Char('Z');
}

bool isLower(QChar c)
{
    return c >= QLatin1Char('a') && c <= QLatin1Char('z');
}

// "URLPath" and "url" read as words: the first letter case changes, the rest as given
// unless the word is all capitals ("HTTP" -> "Http" in PascalCase, "http" in camelCase).
QString capitalized(const QString &word)
{
    bool allUpper = true;
    for (const QChar c : word) {
        if (isLower(c))
            allUpper = false;
    }
    QString result = allUpper ? word.toLower() : word;
    result[0] = result.at(0).toUpper();
    return result;
}

} // namespace

QStringList NamingPolicy::words(const QString &name)
{
    QStringList words;
    QString current;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        if (!isAsciiLetterOrDigit(c)) {
            if (!current.isEmpty())
                words.append(current);
            current.clear();
            continue;
        }
        // A word starts at "aB" and at the last capital of "ABc" ("URLPath" -> URL, Path).
        const bool boundary = !current.isEmpty() && isUpper(c)
                              && (!isUpper(current.back())
                                  || (i + 1 < name.size() && isLower(name.at(i + 1))));
        if (boundary) {
            words.append(current);
            current.clear();
        }
        current.append(c);
    }
    if (!current.isEmpty())
        words.append(current);
    return words;
}

QString NamingPolicy::camelCase(const QString &name)
{
    const QStringList parts = words(name);
    QString result;
    for (const QString &part : parts) {
        if (result.isEmpty()) {
            // First word lower case: all of it when it is all capitals ("URL" -> "url").
            QString first = capitalized(part);
            first[0] = first.at(0).toLower();
            result = first;
        } else {
            result += capitalized(part);
        }
    }
    return fixed(result);
}

QString NamingPolicy::pascalCase(const QString &name)
{
    QString result;
    for (const QString &part : words(name))
        result += capitalized(part);
    return fixed(result);
}

QString NamingPolicy::identifier(const QString &name)
{
    QString result;
    for (const QChar c : name)
        result.append(isAsciiLetterOrDigit(c) || c == QLatin1Char('_') ? c : QLatin1Char('_'));
    return fixed(result);
}

QString NamingPolicy::fixed(QString identifier)
{
    if (identifier.isEmpty() || identifier == QLatin1String("_"))
        return QStringLiteral("unnamed");
    if (identifier.at(0).isDigit())
        identifier.prepend(QLatin1Char('_'));
    // Names with "__" or "_X" at the start are the compiler's.
    while (identifier.startsWith(QLatin1String("__")) || (identifier.size() > 1 && identifier.at(0) == QLatin1Char('_') && isUpper(identifier.at(1))))
        identifier.remove(0, 1);
    if (isReserved(identifier))
        identifier.append(QLatin1Char('_'));
    return identifier;
}

bool NamingPolicy::isReserved(const QString &identifier)
{
    static const QSet<QString> reserved = [] {
        const char *const names[] = {
            // C++ keywords and alternative tokens
            "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
            "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval",
            "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype",
            "default", "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
            "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
            "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public",
            "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
            "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true",
            "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
            "wchar_t", "while", "xor", "xor_eq", "final", "override", "import", "module",
            // Qt keywords and macros an application may have defined
            "signals", "slots", "emit", "foreach", "forever", "Q_OBJECT", "Q_GADGET", "Q_NAMESPACE", "Q_ENUM",
            "Q_ENUM_NS", "Q_FLAG", "Q_PROPERTY", "Q_INVOKABLE", "Q_SIGNALS", "Q_SLOTS", "Q_SIGNAL", "Q_SLOT",
            "Q_EMIT", "Q_FOREACH", "Q_FOREVER", "Q_UNUSED", "Q_ASSERT", "Q_CLASSINFO", "Q_INTERFACES",
            "Q_DECLARE_METATYPE", "Q_NULLPTR", "QT_VERSION", "QML_ELEMENT", "QML_NAMED_ELEMENT",
            // Members and names the generated code and moc use
            "staticMetaObject", "metaObject", "qt_metacall", "qt_metacast", "qt_static_metacall",
            "QtGadgetHelper", "qt_check_for_QGADGET_macro", "qt_getEnumMetaObject", "qt_getEnumName",
            // C and POSIX macros that would replace the name
            "NULL", "TRUE", "FALSE", "EOF", "BUFSIZ", "errno", "assert", "stdin", "stdout", "stderr", "unix",
            "linux", "major", "minor", "makedev", "DOMAIN", "OVERFLOW", "UNDERFLOW", "EXIT_SUCCESS",
            "EXIT_FAILURE", "SIGINT", "SIGTERM", "INFINITY", "NAN",
        };
        QSet<QString> set;
        for (const char *name : names)
            set.insert(QString::fromLatin1(name));
        return set;
    }();
    return reserved.contains(identifier);
}
