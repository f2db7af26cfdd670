#include "socketaccess_p.h"

#include "tr_p.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QList>

#if defined(Q_OS_UNIX)
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#endif

namespace {

#if defined(Q_OS_UNIX)
QString userName(uid_t uid)
{
    const passwd *entry = ::getpwuid(uid);
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QString();
}

QString groupName(gid_t gid)
{
    const group *entry = ::getgrgid(gid);
    return entry ? QString::fromLocal8Bit(entry->gr_name) : QString();
}

// "root (uid 0)", or "uid 1234" when the account has no name here.
QString named(const QString &name, const char *kind, uint id)
{
    const QString number = QStringLiteral("%1 %2").arg(QLatin1String(kind)).arg(id);
    return name.isEmpty() ? number : QStringLiteral("%1 (%2)").arg(name, number);
}

// The process's effective gid and supplementary groups: the ones the
// kernel checks against the socket's group.
QList<gid_t> ownGroups()
{
    QList<gid_t> groups{::getegid()};
    const int count = ::getgroups(0, nullptr);
    if (count > 0) {
        QList<gid_t> supplementary(count);
        const int got = ::getgroups(count, supplementary.data());
        for (int i = 0; i < got; ++i) {
            if (!groups.contains(supplementary.at(i)))
                groups.append(supplementary.at(i));
        }
    }
    return groups;
}
#endif

} // namespace

QString SocketAccess::describeDenied(const QString &path)
{
#if defined(Q_OS_UNIX)
    const uid_t uid = ::geteuid();
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0) {
        const int error = errno;
        const QString directory = QFileInfo(path).absolutePath();
        return QRustBridgeTr::tr("the socket cannot be looked at (%1): a directory on the way, such as %2, "
                               "does not let this process (uid %3) through")
            .arg(QString::fromLocal8Bit(std::strerror(error)), directory)
            .arg(uid);
    }
    const QList<gid_t> groups = ownGroups();
    QStringList groupNumbers;
    for (gid_t gid : groups)
        groupNumbers << QString::number(gid);
    const QString socketGroup = groupName(info.st_gid);
    QString why;
    if (info.st_uid == uid)
        why = QRustBridgeTr::tr("this process owns it, but the mode does not let the owner write");
    else if (groups.contains(info.st_gid))
        why = QRustBridgeTr::tr("this process is in its group, but the mode does not let the group write");
    else
        why = QRustBridgeTr::tr("this process is neither its owner nor in its group %1")
                  .arg(socketGroup.isEmpty() ? QString::number(info.st_gid) : socketGroup);
    return QRustBridgeTr::tr("the socket is owned by %1, group %2, mode %3; this process runs as uid %4 "
                           "with groups %5, so %6")
        .arg(named(userName(info.st_uid), "uid", info.st_uid), named(socketGroup, "gid", info.st_gid),
             QStringLiteral("0%1").arg(info.st_mode & 07777, 3, 8, QLatin1Char('0')))
        .arg(uid)
        .arg(groupNumbers.join(QLatin1Char(',')), why);
#else
    Q_UNUSED(path)
    return QString();
#endif
}
