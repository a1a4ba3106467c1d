using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// The clients of one namespace. The data-plane <see cref="ServiceBusClient"/> is the one registered in the container
/// when there is one (the Aspire client integration registers it with its health check and tracing), else one made
/// here; the administration client is made here, from the same connection, except on the emulator (see <see cref="ServiceBusEmulator"/>).
/// </summary>
internal sealed class ServiceBusConnection : IAsyncDisposable
{
    private readonly ServiceBusClient? _owned;
    private readonly ServiceBusAdministrationClient? _administration;

    public ServiceBusConnection(IOptions<AzureServiceBusTransportOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = options.Value.ConnectionString.Trim();
        var clientOptions = new ServiceBusClientOptions { TransportType = ServiceBusTransportType.AmqpTcp };
        if (IsConnectionString(connection))
        {
            IsEmulator = ServiceBusEmulator.IsEmulator(connection);
            _administration = IsEmulator ? null : new ServiceBusAdministrationClient(connection);
            Client = services.GetService<ServiceBusClient>() ?? (_owned = new ServiceBusClient(connection, clientOptions));
        }
        else
        {
            var fullyQualifiedNamespace = NamespaceOf(connection);
            var credential = new DefaultAzureCredential();
            _administration = new ServiceBusAdministrationClient(fullyQualifiedNamespace, credential);
            Client = services.GetService<ServiceBusClient>() ?? (_owned = new ServiceBusClient(fullyQualifiedNamespace, credential, clientOptions));
        }
    }

    /// <summary>Sends and receives.</summary>
    public ServiceBusClient Client { get; }

    /// <summary>True on the emulator (<c>UseDevelopmentEmulator=true</c>): no administration client, entities come from its configuration.</summary>
    public bool IsEmulator { get; }

    /// <summary>Creates, reads and deletes entities; never on the emulator, which serves no administration API on its AMQP endpoint.</summary>
    public ServiceBusAdministrationClient Administration => _administration
        ?? throw new InvalidOperationException("The Service Bus emulator has no administration API on its AMQP endpoint; Bridge uses the data plane alone there.");

    /// <summary>True for a connection string, false for a namespace name or URI.</summary>
    public static bool IsConnectionString(string connection) =>
        connection.Contains("Endpoint=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The host name of a namespace given as <c>contoso.servicebus.windows.net</c> or as a URI.</summary>
    public static string NamespaceOf(string connection)
    {
        if (Uri.TryCreate(connection, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
        {
            return uri.Host;
        }

        if (connection.Length == 0 || connection.Contains('/', StringComparison.Ordinal) || connection.Contains(';', StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"'{AzureServiceBusTransportOptions.SectionName}:ConnectionString' (or ConnectionStrings:messaging) must be a Service Bus " +
                "connection string or a namespace such as contoso.servicebus.windows.net.");
        }

        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }
}
