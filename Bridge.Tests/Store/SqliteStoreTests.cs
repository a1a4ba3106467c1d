namespace Bridge.Tests.Store;

public sealed class SqliteStoreTests() : StoreBehaviour(new SqliteStore());
