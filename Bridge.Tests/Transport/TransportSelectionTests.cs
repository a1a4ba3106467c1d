using Bridge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.Tests.Transport;

public sealed class TransportSelectionTests
{
    [Fact]
    public void An_added_transport_is_selected_by_name_and_registers_the_ports_it_brings()
    {
        var builder = Builder("Outside");
        builder.AddBridgeTransport("outside", (services, _) => services.AddSingleton<ITopicPublisher, NoBroker>());
        builder.AddBridgeCore();

        var publishers = builder.Services.Where(s => s.ServiceType == typeof(ITopicPublisher)).ToList();
        Assert.Equal(typeof(NoBroker), Assert.Single(publishers).ImplementationType);
    }

    [Fact]
    public void An_unknown_transport_fails_start_up_naming_the_key_and_every_transport_on_offer()
    {
        var builder = Builder("kafka");
        builder.AddBridgeTransport("outside", (_, _) => { });

        var failure = Assert.Throws<InvalidOperationException>(() => builder.AddBridgeCore());

        Assert.Equal("Bridge:Transport is 'kafka', which this build does not provide. Available: azureservicebus, embedded, outside, rabbitmq.", failure.Message);
    }

    private static HostApplicationBuilder Builder(string transport)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection([new(BridgeHostingExtensions.TransportKey, transport)]);
        return builder;
    }

    private sealed class NoBroker : ITopicPublisher
    {
        public Task PublishAsync(string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
