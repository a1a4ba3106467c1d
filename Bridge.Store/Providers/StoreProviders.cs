using Bridge.Store.Providers.PostgreSql;
using Bridge.Store.Providers.Sqlite;

namespace Bridge.Store.Providers;

/// <summary>The providers this build offers, selected by <c>Bridge:Store:Provider</c>.</summary>
internal static class StoreProviders
{
    /// <summary>The configuration key selecting the provider.</summary>
    public const string ProviderKey = StoreOptions.SectionName + ":Provider";

    /// <summary>Every provider of this build; a new provider's class is added here.</summary>
    public static IReadOnlyList<IStoreProvider> All { get; } = [new SqliteStoreProvider(), new PostgreSqlStoreProvider()];

    /// <summary>The provider named <paramref name="name"/> (case-insensitive); throws naming the key if there is none.</summary>
    public static IStoreProvider Resolve(string? name)
    {
        var wanted = (name ?? string.Empty).Trim();
        return All.FirstOrDefault(p => string.Equals(p.Name, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException(
                $"{ProviderKey} is '{name}', which this build does not provide. Available: {string.Join(", ", All.Select(p => p.Name))}.");
    }
}
