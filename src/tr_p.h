#pragma once

#include <QtCore/QCoreApplication>

// Translates in the context "QRustBridge", the context of QRustBridge::tr(),
// so low-level files need not include qrustbridge.h and the .ts catalogs keep
// their single context. lupdate reads Q_DECLARE_TR_FUNCTIONS and files
// QRustBridgeTr::tr() strings under "QRustBridge" too.
struct QRustBridgeTr
{
    Q_DECLARE_TR_FUNCTIONS(QRustBridge)
};
