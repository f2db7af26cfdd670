#include "hashresultsmodel.h"

#include <QtCore/QLocale>
#include <QtGui/QFontDatabase>

#include <limits>

HashResultsModel::HashResultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int HashResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HashResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HashResultsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FileColumn:
            return row.file;
        case SizeColumn:
            return QLocale().formattedDataSize(row.bytes);
        case HashColumn:
            return row.hash;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == SizeColumn)
            return tr("%n byte(s)", nullptr, int(qMin<qint64>(row.bytes, std::numeric_limits<int>::max())));
        return data(index, Qt::DisplayRole);
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::FontRole:
        if (index.column() == HashColumn)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        break;
    }
    return {};
}

QVariant HashResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FileColumn:
        return tr("File");
    case SizeColumn:
        return tr("Size");
    case HashColumn:
        return tr("FNV-1a hash");
    }
    return {};
}

void HashResultsModel::addFile(const QString &file, qint64 bytes, const QString &hash)
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Row{file, bytes, hash});
    m_totalBytes += bytes;
    endInsertRows();
}

void HashResultsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_totalBytes = 0;
    endResetModel();
}

qint64 HashResultsModel::totalBytes() const
{
    return m_totalBytes;
}
