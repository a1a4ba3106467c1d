using Bridge.Hosting;
using Bridge.Store;
using Bridge.Store.SqlServer;
using Bridge.Transport.AzureServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Azure edition's service defaults. Services keep reading plain configuration (<c>ConnectionStrings__messaging</c>,
/// <c>ConnectionStrings__bridgedb</c>, <c>ConnectionStrings__cache</c>); this adds what Azure brings on top.
/// </summary>
public static class AzureServiceDefaultsExtensions
{
    /// <summary>The connection name of the Key Vault whose secrets become configuration.</summary>
    public const string SecretsConnectionName = "secrets";

    /// <summary>
    /// Adds the core service defaults, service discovery for HTTP clients, the Aspire Service Bus client (tracing,
    /// health check) under the core Azure Service Bus transport (<c>Bridge:Transport</c> = <c>azureservicebus</c>),
    /// and — when <c>ConnectionStrings__secrets</c>
    /// names a Key Vault — its secrets as configuration (a secret <c>Bridge--Security--BootstrapKey</c> is
    /// <c>Bridge:Security:BootstrapKey</c>). Call it first, before the service's own <c>Add…</c>.
    /// </summary>
    public static TBuilder AddAzureServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(SecretsConnectionName)))
        {
            builder.Configuration.AddAzureKeyVaultSecrets(SecretsConnectionName);
        }

        builder.AddServiceDefaults();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());

        var transport = builder.Configuration[BridgeHostingExtensions.TransportKey];
        if (string.Equals(transport?.Trim(), AzureServiceBusTransportExtensions.TransportName, StringComparison.OrdinalIgnoreCase)
            && !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("messaging")))
        {
            // The transport sends and receives with this client; its administration client uses the same connection.
            builder.AddAzureServiceBusClient("messaging");
        }

        return builder;
    }

    /// <summary>
    /// On SQL Server, adds the Aspire integration's tracing and health check to the store's context. Its retrying
    /// execution strategy stays off: the store runs its own transactions (outbox, replay), which that strategy refuses.
    /// Call it after the service's own <c>Add…</c>, which registers the store.
    /// </summary>
    public static TBuilder EnrichBridgeStore<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration[$"{StoreOptions.SectionName}:Provider"];
        if (string.Equals(provider?.Trim(), SqlServerStoreProvider.ProviderName, StringComparison.OrdinalIgnoreCase))
        {
            builder.EnrichSqlServerDbContext<BridgeDbContext>(settings => settings.DisableRetry = true);
        }

        return builder;
    }
}
