#pragma once

// Shared by the fuzz targets: a check that survives NDEBUG and names the
// broken invariant, and the one-time Qt setup.

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                  \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)

namespace FuzzCommon {

// A QCoreApplication (continuations, QFutureWatcher and deleteLater need
// one) and silence for the library's warnings about the garbage we feed it.
inline void initialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    QLoggingCategory::setFilterRules(QStringLiteral("qrustbridge*=false"));
}

} // namespace FuzzCommon
