namespace Bridge.Tests.Store;

public sealed class PostgreSqlStoreTests() : StoreBehaviour(new PostgreSqlStore());
