#pragma once

#include <QtCore/QAbstractTableModel>
#include <QtCore/QList>

// The results table: one row per hashed file, in the order the backend sent them.
class HashResultsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { FileColumn, SizeColumn, HashColumn, ColumnCount };

    explicit HashResultsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void addFile(const QString &file, qint64 bytes, const QString &hash);
    void clear();
    qint64 totalBytes() const;

private:
    struct Row
    {
        QString file;
        qint64 bytes;
        QString hash;
    };
    QList<Row> m_rows;
    qint64 m_totalBytes = 0;
};
