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

    /// <summary>
    /// The provider named <paramref name="name"/> (case-insensitive) among the built-in ones and <paramref name="added"/>
    /// (which win over a built-in one of the same name); throws naming the key if there is none.
    /// </summary>
    public static IStoreProvider Resolve(string? name, IEnumerable<IStoreProvider>? added = null)
    {
        var wanted = (name ?? string.Empty).Trim();
        var available = (added ?? []).Concat(All).ToList();
        return available.FirstOrDefault(p => string.Equals(p.Name, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException(
                $"{ProviderKey} is '{name}', which this build does not provide. Available: {string.Join(", ", available.Select(p => p.Name).Distinct())}.");
    }

    /// <summary>A provider added to a service collection with <see cref="StoreExtensions.AddBridgeStoreProvider"/>.</summary>
    internal sealed record Added(IStoreProvider Provider);
}
