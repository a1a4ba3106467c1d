using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Bridge.Tests.Support;
using Bridge.Tests.Transport.AzureServiceBus;

namespace Bridge.Tests.Sources;

/// <summary>
/// The source conformance cases on Azure Service Bus, written to by a plain Azure.Messaging.ServiceBus sender: run where
/// <c>ConnectionStrings__messaging</c> names a namespace (each case makes its own queue), skipped, saying so, elsewhere.
/// </summary>
public sealed class ServiceBusSourceTests : SourceBehaviour
{
    private protected override async Task<ITestSource> CreateSourceAsync() => await ServiceBusSource.CreateAsync(ServiceBusNamespace.Require());

    private sealed class ServiceBusSource(ServiceBusAdministrationClient administration, ServiceBusClient client, ServiceBusSender sender, string queue, string connection)
        : ITestSource
    {
        public string Broker => "servicebus";

        public string KeyField => "subject";

        public static async Task<ServiceBusSource> CreateAsync(string connection)
        {
            var administration = new ServiceBusAdministrationClient(connection);
            var queue = "erp-" + Guid.NewGuid().ToString("N")[..8];
            await administration.CreateQueueAsync(new CreateQueueOptions(queue) { LockDuration = TimeSpan.FromSeconds(30) });
            var client = new ServiceBusClient(connection);
            return new ServiceBusSource(administration, client, client.CreateSender(queue), queue, connection);
        }

        public TestTopology Configure(TestTopology topology, string name, string topic, IReadOnlyDictionary<string, string> mapping)
        {
            var key = $"Bridge:Sources:{name}";
            topology.With($"{key}:Topic", topic)
                .With($"{key}:ServiceBus:ConnectionString", connection)
                .With($"{key}:ServiceBus:Queue", queue);
            foreach (var (setting, value) in mapping)
            {
                topology.With($"{key}:Mapping:{setting}", value);
            }

            return topology;
        }

        public async Task PublishAsync(string key, byte[] body, string? contentType = null, string? messageId = null, string? correlationId = null, IDictionary<string, object?>? headers = null)
        {
            var message = new ServiceBusMessage(body) { Subject = key, ContentType = contentType, CorrelationId = correlationId };
            if (messageId is not null)
            {
                message.MessageId = messageId;
            }

            foreach (var (name, value) in headers ?? new Dictionary<string, object?>())
            {
                message.ApplicationProperties[name] = value;
            }

            await sender.SendMessageAsync(message);
        }

        public async ValueTask DisposeAsync()
        {
            await sender.DisposeAsync();
            await client.DisposeAsync();
            await administration.DeleteQueueAsync(queue);
        }
    }
}
