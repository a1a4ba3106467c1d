using System.Collections.Concurrent;
using System.Text.Json;
using Bridge.Topology;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Bridge.Transport.Embedded;

/// <summary>The SQLite file behind the embedded broker: schema, the single writer, read connections and wake-ups.</summary>
internal sealed class EmbeddedDatabase : IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS topics (
            name TEXT NOT NULL PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS subscriptions (
            topic TEXT NOT NULL,
            name TEXT NOT NULL,
            filter TEXT NOT NULL,
            max_delivery_count INTEGER NOT NULL,
            lock_duration_ms INTEGER NOT NULL,
            PRIMARY KEY (topic, name));
        CREATE TABLE IF NOT EXISTS messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            message_id TEXT NOT NULL,
            ordering_key TEXT,
            body BLOB NOT NULL,
            enqueued_at INTEGER NOT NULL,
            visible_at INTEGER NOT NULL,
            locked_until INTEGER NOT NULL DEFAULT 0,
            lock_token TEXT,
            delivery_count INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS ix_messages_queue ON messages (queue, seq);
        CREATE INDEX IF NOT EXISTS ix_messages_key ON messages (queue, ordering_key, seq) WHERE ordering_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_messages_locked ON messages (queue, locked_until) WHERE lock_token IS NOT NULL;
        CREATE TABLE IF NOT EXISTS dead_letters (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            message_id TEXT NOT NULL,
            ordering_key TEXT,
            body BLOB NOT NULL,
            enqueued_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL,
            dead_lettered_at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            description TEXT);
        CREATE INDEX IF NOT EXISTS ix_dead_letters_queue ON dead_letters (queue, seq);
        CREATE INDEX IF NOT EXISTS ix_dead_letters_message ON dead_letters (queue, message_id);
        """;

    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly SqliteConnection _writeConnection;
    private readonly WalCheckpointer _checkpointer;
    private readonly ConcurrentDictionary<string, AsyncPulse> _pulses = new(StringComparer.Ordinal);
    private volatile TopologySnapshot _snapshot = TopologySnapshot.Empty;

    public EmbeddedDatabase(IOptions<EmbeddedTransportOptions> options, TimeProvider timeProvider)
    {
        Options = options.Value;
        Time = timeProvider;
        var builder = new SqliteConnectionStringBuilder(Options.ConnectionString) { Pooling = true };
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new OptionsValidationException(EmbeddedTransportOptions.SectionName, typeof(EmbeddedTransportOptions),
                ["The embedded transport needs a file (Data Source=path/to/broker.db); an in-memory database would lose accepted envelopes."]);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        ConnectionString = builder.ToString();
        _writeConnection = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        _writeConnection.Open();
        // Checkpoints run on their own connection (WalCheckpointer), mostly not inside the writer's commits: the
        // writer's own checkpoint is a backstop at 4,096 pages, copying only what the background one has not, so the
        // log can restart under steady load. The log file is cut back to 64 MB after a full checkpoint.
        Execute(_writeConnection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(Options.SyncEveryCommit ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint=4096; PRAGMA journal_size_limit=67108864;");
        Execute(_writeConnection, Schema);
        _checkpointer = new WalCheckpointer(ConnectionString, TimeProvider.System); // physical upkeep: real time even under a test clock
        Writer = new SqliteGroupCommitter(_writeConnection, Options.MaxOperationsPerCommit);
        ReloadTopology();
    }

    public EmbeddedTransportOptions Options { get; }

    public TimeProvider Time { get; }

    public string ConnectionString { get; }

    public SqliteGroupCommitter Writer { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public static string QueueName(SubscriptionAddress address) => address.ToString();

    public AsyncPulse PulseFor(string queue) => _pulses.GetOrAdd(queue, _ => new AsyncPulse());

    public void Pulse(string queue)
    {
        if (_pulses.TryGetValue(queue, out var pulse))
        {
            pulse.Pulse();
        }
    }

    /// <summary>The provisioned topology, re-read at most every few seconds so other processes' provisioning is seen.</summary>
    public TopologySnapshot Topology
    {
        get
        {
            var snapshot = _snapshot;
            if (Time.GetUtcNow() - snapshot.LoadedAt > CacheLifetime)
            {
                snapshot = ReloadTopology();
            }
            return snapshot;
        }
    }

    public TopologySnapshot ReloadTopology()
    {
        using var connection = OpenReadConnection();
        var topics = new Dictionary<string, List<SubscriptionSpec>>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM topics";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                topics[reader.GetString(0)] = [];
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT topic, name, filter, max_delivery_count, lock_duration_ms FROM subscriptions ORDER BY topic, name";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var spec = new SubscriptionSpec(
                    new SubscriptionAddress(reader.GetString(0), reader.GetString(1)),
                    JsonSerializer.Deserialize<EnvelopeFilter>(reader.GetString(2)) ?? EnvelopeFilter.All,
                    reader.GetInt32(3),
                    TimeSpan.FromMilliseconds(reader.GetInt64(4)));
                if (topics.TryGetValue(spec.Address.Topic, out var list))
                {
                    list.Add(spec);
                }
            }
        }

        var snapshot = new TopologySnapshot(
            topics.ToDictionary(t => t.Key, t => (IReadOnlyList<SubscriptionSpec>)t.Value, StringComparer.Ordinal),
            Time.GetUtcNow());
        _snapshot = snapshot;
        return snapshot;
    }

    public SqliteConnection OpenReadConnection()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, null, sql);
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await _checkpointer.DisposeAsync();
        await _writeConnection.DisposeAsync();
        using var pooled = new SqliteConnection(ConnectionString);
        SqliteConnection.ClearPool(pooled); // close pooled read connections so the file is released and the WAL checkpointed
    }
}

/// <summary>Topics and their subscriptions as provisioned, at one moment.</summary>
internal sealed record TopologySnapshot(IReadOnlyDictionary<string, IReadOnlyList<SubscriptionSpec>> Topics, DateTimeOffset LoadedAt)
{
    public static readonly TopologySnapshot Empty = new(new Dictionary<string, IReadOnlyList<SubscriptionSpec>>(), DateTimeOffset.MinValue);

    public SubscriptionSpec? Find(SubscriptionAddress address) =>
        Topics.TryGetValue(address.Topic, out var subscriptions)
            ? subscriptions.FirstOrDefault(s => s.Address == address)
            : null;
}
