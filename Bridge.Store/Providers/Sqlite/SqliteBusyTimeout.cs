using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bridge.Store.Providers.Sqlite;

/// <summary>
/// Sets SQLite's busy timeout on every store connection as it opens. Without it, a statement that meets another
/// connection's write lock gets SQLITE_BUSY at once and Microsoft.Data.Sqlite retries it after a 150 ms sleep that blocks
/// its thread; the outbox writer, the outbox dispatcher and the audit writer share one file, so under load commits met
/// that sleep all the time (RabbitMQ p99 at a steady 1,000 events/s ≈ 500 ms). With a busy timeout SQLite's own
/// handler retries within milliseconds of the lock's release, for as long as the connection's configured timeout
/// (<c>Default Timeout</c> in the connection string, 30 s unless set) lasts — a store configured to give up sooner
/// still does.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>The busy timeout, milliseconds, when the connection string sets none: Microsoft.Data.Sqlite's default command timeout.</summary>
    public const int Milliseconds = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragma(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Pragma(DbConnection connection) =>
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(connection is SqliteConnection sqlite ? sqlite.DefaultTimeout * 1000L : Milliseconds)};");
}
