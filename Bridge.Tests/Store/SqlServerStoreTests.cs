namespace Bridge.Tests.Store;

/// <summary>The store behaviour suite on SQL Server, when <c>BRIDGE_TEST_SQLSERVER</c> names one; skipped, saying why, without it.</summary>
public sealed class SqlServerStoreTests() : StoreBehaviour(new SqlServerStore());
