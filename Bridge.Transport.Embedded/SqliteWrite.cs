using Microsoft.Data.Sqlite;

namespace Bridge.Transport.Embedded;

/// <summary>
/// What a write operation of the group committer works with: the writer connection, the open transaction, and
/// prepared commands kept for the life of the connection, so hot statements are parsed once, not once per operation.
/// </summary>
internal sealed class SqliteWrite(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction Transaction { get; internal set; } = null!;

    /// <summary>
    /// The prepared command for <paramref name="sql"/>, bound to the current transaction and without parameters.
    /// Owned by this object: do not dispose it, and finish with its reader before the next command.
    /// </summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Transaction = Transaction;
        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
    }
}
